import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, verifySignature } from '../../src/callmycall/webhookSignature.js';
import {
  delay,
  type Receiver,
  type Reply,
  startReceiver,
  startTestSimulator,
  type TestSimulator,
  WEBHOOK_SECRET,
  waitFor,
} from './simulator.support.js';

/** Signed webhooks and the reference's delivery contract, against a real node:http receiver. */

let t: TestSimulator;
const receivers: Receiver[] = [];
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
  const started = await startReceiver(reply);
  receivers.push(started);
  return started;
}

const ALL_EVENTS = ['call_started', 'transcript_updated', 'call_completed', 'price_updated'];
const call = (webhook: string, extra: Record<string, unknown> = {}) => ({
  phone_number: '+46700000000',
  task: 'Confirm the booking',
  webhook,
  ...extra,
});

describe('webhook events', () => {
  it('sends signed call_started, transcript_updated, call_completed, then price_updated', async () => {
    const hooks = await receiver();
    const sid = await t.startCall(call(hooks.url, { webhook_events: ALL_EVENTS }));
    await waitFor(() => hooks.requests.some((r) => r.body.event === 'price_updated'));

    for (const request of hooks.requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      const header = request.headers[SIGNATURE_HEADER] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(header, request.rawBody, { secrets: WEBHOOK_SECRET })).toMatchObject({
        ok: true,
      });
      expect(verifySignature(header, request.rawBody, { secrets: 'wrong' })).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
      expect(request.body).toMatchObject({ call_id: sid, sid });
    }
    expect(hooks.requests.map((r) => r.body.event)).toEqual([
      'call_started',
      'transcript_updated',
      'transcript_updated',
      'transcript_updated',
      'transcript_updated',
      'call_completed',
      'price_updated',
    ]);

    const completed = hooks.requests.find((r) => r.body.event === 'call_completed')?.body;
    expect(Object.keys(completed ?? {}).sort()).toEqual(['call_id', 'data', 'event', 'sid', 'timestamp']);
    expect(completed?.timestamp).toBeTypeOf('number');
    expect(completed?.data).toMatchObject({
      status: 'completed',
      to: '+46700000000',
      summary: { goal_completed: true },
    });
    const transcripts = completed?.data.transcripts as Array<Record<string, unknown>>;
    expect(transcripts).toHaveLength(4);
    expect(Object.keys(transcripts[0] ?? {}).sort()).toEqual(['content', 'role', 'seq', 'timestamp']);
    expect(transcripts.map((line) => line.seq)).toEqual([1, 2, 3, 4]);
    expect(Date.parse(String(transcripts[0]?.timestamp))).not.toBeNaN();

    const updates = hooks.requests.filter((r) => r.body.event === 'transcript_updated');
    expect(updates.map((r) => (r.body.data.transcripts as Array<{ seq: number }>)[0]?.seq)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(hooks.requests.at(-1)?.body.data).toMatchObject({ status: 'completed', credits: 1, duration: 30 });
  });

  it('sends only call_completed when webhook_events is omitted, also for unconnected calls', async () => {
    const hooks = await receiver();
    await t.admin.setScenario({ default: { status: 'no-answer' } });
    await t.startCall(call(hooks.url));
    await waitFor(() => hooks.requests.length === 1, 5_000);
    await delay(100);
    expect(hooks.requests.map((r) => r.body.event)).toEqual(['call_completed']);
    expect(hooks.requests[0]?.body.data).toMatchObject({
      status: 'no-answer',
      summary: { goal_completed: false },
    });
  });
});

describe('webhook faults', () => {
  it('drop: loses the next N deliveries for good', async () => {
    const hooks = await receiver();
    await t.admin.setFaults({ webhooks: { drop: 1 } });
    const first = await t.startCall(call(hooks.url));
    await t.waitForStatus(first, ['completed']);
    const second = await t.startCall(call(hooks.url));
    await waitFor(() => hooks.requests.length === 1);
    await delay(150);
    expect(hooks.requests.map((r) => r.body.sid)).toEqual([second]);
    expect((await t.admin.deliveries()).map((d) => d.sid)).toEqual([second]);
    expect((await t.admin.stats()).webhooksDropped).toBe(1);
  });

  it('duplicate: sends every delivery twice with the same body', async () => {
    const hooks = await receiver();
    await t.admin.setFaults({ webhooks: { duplicate: true } });
    await t.startCall(call(hooks.url, { webhook_events: ['call_completed', 'price_updated'] }));
    await waitFor(() => hooks.requests.length === 4);
    await delay(150);
    expect(hooks.requests.map((r) => r.body.event)).toEqual([
      'call_completed',
      'call_completed',
      'price_updated',
      'price_updated',
    ]);
    expect(hooks.requests[0]?.rawBody).toBe(hooks.requests[1]?.rawBody);
    for (const request of hooks.requests) {
      expect(
        verifySignature(request.headers[SIGNATURE_HEADER] as string, request.rawBody, {
          secrets: WEBHOOK_SECRET,
        }).ok,
      ).toBe(true);
    }
  });

  it('reorder: delivers a call’s events out of order, price_updated before call_completed', async () => {
    const hooks = await receiver();
    await t.admin.setFaults({ webhooks: { reorder: true } });
    await t.startCall(call(hooks.url, { webhook_events: ALL_EVENTS }));
    await waitFor(() => hooks.requests.length === 7, 5_000);
    const events = hooks.requests.map((r) => r.body.event);
    expect(events[0]).toBe('price_updated');
    expect(events.indexOf('price_updated')).toBeLessThan(events.indexOf('call_completed'));
    expect(events.indexOf('call_completed')).toBeLessThan(events.indexOf('call_started'));
    expect([...events].sort()).toEqual(
      [
        ...ALL_EVENTS.slice(0, 1),
        ...Array(4).fill('transcript_updated'),
        'call_completed',
        'price_updated',
      ].sort(),
    );
  });
});

describe('POST /v1/webhook/test', () => {
  it('sends a signed synthetic call_completed and reports the delivery', async () => {
    const hooks = await receiver();
    const response = await t.post('/v1/webhook/test', { webhook_url: hooks.url });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      success: true,
      event: 'call_completed',
      status_code: 200,
      attempts: 1,
    });
    expect(hooks.requests).toHaveLength(1);
    const [request] = hooks.requests;
    expect(request?.body.event).toBe('call_completed');
    expect(request?.body.data).toMatchObject({ status: 'completed', summary: { goal_completed: true } });
    expect(
      verifySignature(request?.headers[SIGNATURE_HEADER] as string, request?.rawBody ?? '', {
        secrets: WEBHOOK_SECRET,
      }).ok,
    ).toBe(true);
  });

  it('sends the given event and reports a failing receiver', async () => {
    const hooks = await receiver(() => 404);
    const response = await t.post('/v1/webhook/test', { webhook_url: hooks.url, event: 'price_updated' });
    expect(await response.json()).toMatchObject({
      success: false,
      event: 'price_updated',
      status_code: 404,
      attempts: 1,
    });
    expect(hooks.requests[0]?.body.event).toBe('price_updated');
  });

  it('validates webhook_url and event', async () => {
    const missing = await t.post('/v1/webhook/test', {});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/webhook_url/);
    const badEvent = await t.post('/v1/webhook/test', {
      webhook_url: 'https://example.com/x',
      event: 'nope',
    });
    expect(badEvent.status).toBe(400);
    expect(((await badEvent.json()) as { error: string }).error).toMatch(/event/);
  });
});
