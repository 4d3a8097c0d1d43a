import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { delay, startTestSimulator, type TestSimulator, waitFor } from './simulator.support.js';

/** start-call, auth, validation, credits, the call lifecycle and scenarios, from the API reference. */

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const CALL = { phone_number: '+46700000000', task: 'Confirm the booking', language: 'en' };

describe('start-call and GET /v1/calls/:id', () => {
  it('places a call, returns a CA sid and plays out the default confirmation call', async () => {
    const response = await t.post('/v1/start-call', { ...CALL, metadata: { client_request_id: 'req_1' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { success: boolean; sid: string };
    expect(body.success).toBe(true);
    expect(body.sid).toMatch(/^CA[0-9a-f]{32}$/);

    // At speed 100 the queued phase lasts 10 ms, so a loaded machine may already see it
    // ringing; the exact order of states is the next test's, at speed 10.
    const live = await t.getCall(body.sid);
    expect(live.call).toMatchObject({ call_id: body.sid, to: '+46700000000', ended_at: null });
    expect(['queued', 'ringing', 'in-progress']).toContain(live.call.status);
    expect(live.call.credits).toBeNull();

    const done = await t.waitForStatus(body.sid, ['completed']);
    expect(done.call).toMatchObject({
      call_id: body.sid,
      status: 'completed',
      to: '+46700000000',
      duration: 30,
      credits: 1,
      summary: { goal_completed: true },
      metadata: { client_request_id: 'req_1' },
    });
    expect(Date.parse(done.call.created_at)).toBeLessThanOrEqual(Date.parse(done.call.ended_at ?? ''));
    expect(done.transcripts.map((line) => line.seq)).toEqual([1, 2, 3, 4]);
    expect(done.transcripts.map((line) => line.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
    expect(done.transcripts[0]?.text).toMatch(/appointment/);
  });

  it('goes queued -> ringing -> in-progress -> completed, with timings scaled by speed', async () => {
    const slow = await startTestSimulator({ speed: 10 });
    try {
      const sid = await slow.startCall(CALL);
      const seen: string[] = [];
      await waitFor(async () => {
        const { call } = await slow.getCall(sid);
        if (seen.at(-1) !== call.status) seen.push(call.status);
        return call.status === 'completed';
      });
      expect(seen).toEqual(['queued', 'ringing', 'in-progress', 'completed']);
    } finally {
      await slow.sim.close();
    }
  });

  it('answers 404 for an unknown call', async () => {
    const response = await t.api('/v1/calls/CA00000000000000000000000000000000');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Call not found' });
  });
});

describe('authorization', () => {
  const routes: Array<[string, string]> = [
    ['POST', '/v1/start-call'],
    ['GET', '/v1/calls/CA1'],
    ['GET', '/v1/calls/CA1/recording'],
    ['GET', '/v1/calls/CA1/transcripts/stream'],
    ['POST', '/v1/end-call'],
    ['GET', '/v1/verified-caller-ids'],
    ['POST', '/v1/webhook/test'],
    ['GET', '/calendar/status'],
    ['GET', '/auth/google/calendar'],
    ['POST', '/auth/google/revoke'],
  ];

  it.each(routes)('%s %s needs the Bearer API key', async (method, path) => {
    const missing = await t.api(path, { method, auth: false });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'Authorization header with API key is required' });
    const wrong = await t.api(path, { method, auth: false, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'Invalid API key' });
  });

  it('creates nothing for an unauthorized start-call', async () => {
    await t.api('/v1/start-call', { method: 'POST', auth: false, body: JSON.stringify(CALL) });
    expect(await t.admin.calls()).toEqual([]);
  });
});

describe('start-call validation', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['missing phone_number', { task: 'x' }, /phone_number is required/],
    ['non-E.164 phone_number', { phone_number: '0700000000', task: 'x' }, /phone_number must be E\.164/],
    ['missing task', { phone_number: '+46700000000' }, /task is required/],
    ['empty task', { phone_number: '+46700000000', task: '  ' }, /task must not be empty/],
    ['unknown language', { ...CALL, language: 'klingon' }, /language/],
    ['bad voice_gender', { ...CALL, voice_gender: 'robot' }, /voice_gender/],
    ['bad voiceGender alias', { ...CALL, voiceGender: 'robot' }, /voiceGender/],
    ['bad tts_provider', { ...CALL, tts_provider: 'espeak' }, /tts_provider/],
    ['non-URL webhook', { ...CALL, webhook: 'not a url' }, /webhook must be an http\(s\) URL/],
    ['ftp webhook', { ...CALL, webhook: 'ftp://example.com/x' }, /webhook/],
    ['unknown webhook event', { ...CALL, webhook_events: ['call_exploded'] }, /webhook_events/],
    ['negative max_duration', { ...CALL, max_duration: -5 }, /max_duration/],
    ['string max_duration', { ...CALL, max_duration: '60' }, /max_duration/],
    ['userOnCall without userPhone', { ...CALL, userOnCall: true }, /userPhone/],
    ['bad userPhone', { ...CALL, userOnCall: true, userPhone: '123' }, /userPhone/],
    ['bad from_number', { ...CALL, from_number: 'abc' }, /from_number/],
    [
      'unverified from_number',
      { ...CALL, from_number: '+46123456789' },
      /from_number is not a verified caller ID/,
    ],
    ['non-object metadata', { ...CALL, metadata: 'x' }, /metadata/],
  ];

  it.each(cases)('rejects %s with a 400 naming the field', async (_name, body, message) => {
    const response = await t.post('/v1/start-call', body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string };
    expect(json.error).toMatch(message);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await t.api('/v1/start-call', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"phone_number":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/JSON/);
    expect(await t.admin.calls()).toEqual([]);
  });

  it('accepts normalized language aliases and the voiceGender alias', async () => {
    for (const language of ['en-US', 'english', 'svenska', 'SV', 'nb', 'de_DE']) {
      const response = await t.post('/v1/start-call', { ...CALL, language, voiceGender: 'female' });
      expect(response.status, language).toBe(200);
    }
  });
});

describe('credits', () => {
  it('answers 402 with balance and minimum when the balance is below the minimum, and creates nothing', async () => {
    await t.admin.setCredits(3);
    const response = await t.post('/v1/start-call', CALL);
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({
      error: 'Insufficient credits',
      credits_balance: 3,
      minimum_required: 5,
    });
    expect(await t.admin.calls()).toEqual([]);
    await t.admin.setCredits(5);
    expect((await t.post('/v1/start-call', CALL)).status).toBe(200);
  });

  it('charges connected time rounded up: 2 minutes ≈ 4 credits, 45 s ≈ 2, not connected = 0', async () => {
    await t.admin.setScenario({
      byNumber: {
        '+46700000001': { status: 'completed', duration_ms: 120_000 },
        '+46700000002': { status: 'completed', duration_ms: 45_000 },
        '+46700000003': { status: 'busy' },
        '+46700000004': { status: 'completed', duration_ms: 1_500 },
      },
    });
    const numbers = ['+46700000001', '+46700000002', '+46700000003', '+46700000004'];
    const sids = await Promise.all(numbers.map((phone_number) => t.startCall({ phone_number, task: 'x' })));
    const results = await Promise.all(sids.map((sid) => t.waitForStatus(sid, ['completed', 'busy'], 10_000)));
    expect(results.map((r) => [r.call.status, r.call.duration, r.call.credits])).toEqual([
      ['completed', 120, 4],
      ['completed', 45, 2],
      ['busy', 0, 0],
      ['completed', 2, 1],
    ]);
    expect((await t.admin.credits()).balance).toBe(1000 - 7);
  });

  it('caps connected time at max_duration and marks the goal as not completed', async () => {
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 120_000 } });
    const sid = await t.startCall({ ...CALL, max_duration: 50 });
    const done = await t.waitForStatus(sid, ['completed'], 10_000);
    expect(done.call).toMatchObject({ duration: 50, credits: 2, summary: { goal_completed: false } });
    // Four lines spread over 120 s come at 15, 45, 75 and 105 s: the last two were never said.
    expect(done.transcripts.length).toBe(2);
  });
});

describe('scenarios', () => {
  it('plays lists in order per number, repeating the last; other numbers get the default', async () => {
    await t.admin.setScenario({
      default: {
        status: 'completed',
        goal_completed: false,
        duration_ms: 1_000,
        transcript: [{ role: 'assistant', text: 'Hello.' }],
      },
      byNumber: {
        '+46700000009': [
          { status: 'no-answer' },
          { status: 'busy' },
          { status: 'completed', duration_ms: 2_000 },
        ],
      },
    });
    const statuses: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const sid = await t.startCall({ phone_number: '+46700000009', task: 'x' });
      statuses.push((await t.waitForStatus(sid, ['completed', 'busy', 'no-answer'], 10_000)).call.status);
    }
    expect(statuses).toEqual(['no-answer', 'busy', 'completed', 'completed']);

    const other = await t.startCall({ phone_number: '+46700000010', task: 'x' });
    const done = await t.waitForStatus(other, ['completed']);
    expect(done.call.summary).toEqual({ goal_completed: false });
    expect(done.transcripts).toEqual([{ role: 'assistant', text: 'Hello.', seq: 1 }]);
  });

  it.each(['failed', 'canceled', 'no-answer', 'busy'])(
    'ends a %s call unconnected, with no transcript',
    async (status) => {
      await t.admin.setScenario({ default: { status: status as 'failed' } });
      const sid = await t.startCall(CALL);
      const done = await t.waitForStatus(sid, [status], 10_000);
      expect(done.call).toMatchObject({ duration: 0, credits: 0, summary: { goal_completed: false } });
      expect(done.transcripts).toEqual([]);
    },
  );

  it('plays scripted conversations, and silence as an answered call with nothing said', async () => {
    await t.admin.setScenario({
      byNumber: {
        '+46700000011': {
          script: 'reschedule',
          language: 'en',
          proposed_time: 'Monday morning',
          duration_ms: 3_000,
        },
        '+46700000012': { script: 'silence', duration_ms: 1_000 },
      },
    });
    const reschedule = await t.startCall({ phone_number: '+46700000011', task: 'x' });
    const rescheduled = await t.waitForStatus(reschedule, ['completed'], 10_000);
    expect(rescheduled.call.summary).toEqual({ goal_completed: false });
    expect(rescheduled.transcripts.map((line) => line.role)).toEqual(['assistant', 'user', 'assistant']);
    expect(rescheduled.transcripts.at(-1)?.text).toContain('Monday morning');

    const silence = await t.startCall({ phone_number: '+46700000012', task: 'x' });
    const silent = await t.waitForStatus(silence, ['completed'], 10_000);
    expect(silent.call).toMatchObject({ duration: 1, summary: { goal_completed: false } });
    expect(silent.transcripts).toEqual([]);
  });

  it('rejects a script on a call nobody answers, naming the field', async () => {
    const bad = await fetch(`${t.url}/_sim/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mix: [{ share: 0.5, outcome: { status: 'busy', script: 'confirm' } }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/mix\.0\.outcome\.script: .*not 'busy'/);
  });

  it('rejects a malformed scenario with a 400 naming the field', async () => {
    const bad = await fetch(`${t.url}/_sim/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ byNumber: { '+46700000001': { status: 'exploded' } } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/byNumber\.\+46700000001\.status/);
    const typo = await fetch(`${t.url}/_sim/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ default: { status: 'completed', durationMs: 5 } }),
    });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { error: string }).error).toMatch(/durationMs/);
  });
});

describe('end-call', () => {
  it('ends a live call with what was said so far, then reports alreadyClosed', async () => {
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 600_000 } });
    const sid = await t.startCall(CALL);
    await waitFor(async () => (await t.getCall(sid)).transcripts.length >= 1);
    const ended = await t.post('/v1/end-call', { callSid: sid });
    expect(ended.status).toBe(200);
    const body = (await ended.json()) as { ok: boolean; alreadyClosed: boolean; transcript: unknown[] };
    expect(body).toMatchObject({ ok: true, alreadyClosed: false });
    expect(body.transcript.length).toBeGreaterThanOrEqual(1);
    expect(body.transcript.length).toBeLessThan(4);

    const call = await t.getCall(sid);
    expect(call.call.status).toBe('completed');
    expect(call.call.summary).toEqual({ goal_completed: false });
    expect(call.transcripts).toEqual(body.transcript);
    // No further lines arrive after the end.
    await delay(100);
    expect((await t.getCall(sid)).transcripts).toEqual(body.transcript);

    const again = await t.post('/v1/end-call', { callSid: sid });
    expect(await again.json()).toMatchObject({ ok: true, alreadyClosed: true });
  });

  it('answers 400 without callSid and 404 for an unknown call', async () => {
    const missing = await t.post('/v1/end-call', {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'Missing callSid' });
    const unknown = await t.post('/v1/end-call', { callSid: 'CA404' });
    expect(unknown.status).toBe(404);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once the start-call bucket is empty, and refills', async () => {
    const limited = await startTestSimulator({ rateLimit: { capacity: 2, refillPerSecond: 5 } });
    try {
      expect((await limited.post('/v1/start-call', CALL)).status).toBe(200);
      expect((await limited.post('/v1/start-call', CALL)).status).toBe(200);
      const rejected = await limited.post('/v1/start-call', CALL);
      expect(rejected.status).toBe(429);
      expect(await rejected.json()).toEqual({ error: 'Too Many Requests' });
      expect(rejected.headers.get('retry-after')).toBe('1');
      // Other endpoints are not limited.
      expect((await limited.api('/v1/verified-caller-ids')).status).toBe(200);
      expect(await limited.admin.calls()).toHaveLength(2);
      await delay(250);
      expect((await limited.post('/v1/start-call', CALL)).status).toBe(200);
    } finally {
      await limited.sim.close();
    }
  });
});

describe('admin', () => {
  it('reports calls and concurrency statistics', async () => {
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 20_000 } });
    const sids = await Promise.all([1, 2, 3].map((n) => t.startCall({ ...CALL, metadata: { n } })));
    const stats = await t.admin.stats();
    expect(stats.maxConcurrentCalls).toBe(3);
    expect(stats.startCallRequests).toBe(3);
    expect(stats.startCallTimestamps).toHaveLength(3);
    const calls = await t.admin.calls();
    expect(calls.map((c) => c.sid)).toEqual(sids);
    expect(calls[0]).toMatchObject({ to: '+46700000000', task: 'Confirm the booking', metadata: { n: 1 } });
    await waitFor(async () => (await t.admin.stats()).activeCalls === 0, 5_000);
    const after = await t.admin.calls();
    expect(after.every((c) => c.status === 'completed' && c.connected_at !== null && c.credits === 1)).toBe(
      true,
    );
  });

  it('reset forgets calls, scenario, faults and deliveries, restores credits and cancels timers', async () => {
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 600_000 } });
    await t.admin.setFaults({ start_call: [{ type: '500', count: 5 }] });
    await t.admin.setCredits(42);
    // Faults armed: bypass them by reading state only.
    await t.admin.reset();
    expect(await t.admin.calls()).toEqual([]);
    expect(await t.admin.deliveries()).toEqual([]);
    expect((await t.admin.credits()).balance).toBe(1000);
    const sid = await t.startCall(CALL); // no 500 fault any more
    const live = await t.getCall(sid);
    expect(live.call.ended_at).toBeNull(); // still live (queued or ringing), so reset must cancel it
    await t.admin.reset();
    expect((await t.api(`/v1/calls/${sid}`)).status).toBe(404);
    const stats = await t.admin.stats();
    expect(stats).toMatchObject({ maxConcurrentCalls: 0, activeCalls: 0, startCallRequests: 0 });
    // Default scenario is back: a new call completes in ~30 s simulated.
    const fresh = await t.startCall(CALL);
    expect((await t.waitForStatus(fresh, ['completed'])).call.duration).toBe(30);
  });

  it('answers /_sim/health', async () => {
    expect(await t.admin.health()).toEqual({ ok: true });
  });
});
