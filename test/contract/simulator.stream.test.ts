import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readSse, startTestSimulator, type TestSimulator } from './simulator.support.js';

/** GET /v1/calls/:id/transcripts/stream: Server-Sent Events as the call progresses. */

let t: TestSimulator;
beforeAll(async () => {
  // 30 s simulated call in 1.5 s of real time; pings every 1 s simulated = 50 ms real.
  t = await startTestSimulator({ speed: 20, ssePingIntervalMs: 1_000 });
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const CALL = { phone_number: '+46700000000', task: 'Confirm the booking' };

describe('transcript stream', () => {
  it('sends each line as `event: added` while the call runs, pings, and ends when the call is final', async () => {
    const sid = await t.startCall(CALL);
    const response = await t.api(`/v1/calls/${sid}/transcripts/stream`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response); // resolves only when the server ends the stream
    const added = events.filter((e) => e.event === 'added').map((e) => e.data);
    expect(added).toHaveLength(4);
    expect(added.map((line) => (line as { seq: number }).seq)).toEqual([1, 2, 3, 4]);
    expect(added[0]).toEqual({ role: 'assistant', text: expect.stringMatching(/appointment/), seq: 1 });
    const pings = events.filter((e) => e.event === 'ping');
    expect(pings.length).toBeGreaterThan(5);
    expect(pings[0]?.data).toEqual({ ts: expect.any(Number) });
    expect((await t.getCall(sid)).call.status).toBe('completed');
  });

  it('sends the lines said so far first when joining late, and ends at once for a final call', async () => {
    const sid = await t.startCall(CALL);
    await t.waitForStatus(sid, ['completed']);
    const events = await readSse(await t.api(`/v1/calls/${sid}/transcripts/stream`));
    expect(events.map((e) => e.event)).toEqual(['added', 'added', 'added', 'added']);
  });

  it('ends the stream when the call is ended early', async () => {
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 600_000 } });
    const sid = await t.startCall(CALL);
    const stream = t.api(`/v1/calls/${sid}/transcripts/stream`).then(readSse);
    await t.waitForStatus(sid, ['in-progress']);
    await t.post('/v1/end-call', { callSid: sid });
    const events = await stream;
    expect(events.every((e) => e.event === 'ping' || e.event === 'added')).toBe(true);
  });

  it('needs the API key and a known call', async () => {
    expect((await t.api('/v1/calls/CA1/transcripts/stream', { auth: false })).status).toBe(401);
    const unknown = await t.api('/v1/calls/CA1/transcripts/stream');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'Call not found' });
  });
});
