import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  delay,
  type Receiver,
  type Reply,
  startReceiver,
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from './simulator.support.js';

/**
 * The reference's webhook delivery contract, exactly, against real node:http
 * receivers: success on 2xx, at most 3 attempts, retry on network errors and 5xx
 * only, 600 ms then 1200 ms between attempts, a per-attempt timeout. Tests run
 * concurrently on one simulator, each looking only at its own call's deliveries.
 */

let t: TestSimulator;
const receivers: Receiver[] = [];
beforeAll(async () => {
  // A short per-attempt timeout keeps the hanging-receiver test fast; everything else is the real contract.
  t = await startTestSimulator({ webhookTimeoutMs: 300 });
});
afterAll(async () => {
  await t.sim.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(reply?: (index: number) => Reply): Promise<Receiver> {
  const started = await startReceiver(reply);
  receivers.push(started);
  return started;
}

const startCallTo = (webhook: string) =>
  t.startCall({ phone_number: '+46700000000', task: 'Confirm', webhook });

/** This call's attempts once `count` are recorded, plus a pause to catch any extra attempt. */
async function settledDeliveries(sid: string, count: number, settleMs = 150) {
  const mine = async () => (await t.admin.deliveries()).filter((d) => d.sid === sid);
  await waitFor(async () => (await mine()).length >= count, 8_000);
  await delay(settleMs);
  return mine();
}

describe.concurrent('delivery contract', () => {
  it('makes exactly 3 attempts on 5xx, 600 ms then 1200 ms apart (not scaled by speed)', async ({
    expect,
  }) => {
    const hooks = await receiver(() => 500);
    const sid = await startCallTo(hooks.url);
    const deliveries = await settledDeliveries(sid, 3, 1_500);
    expect(hooks.requests).toHaveLength(3);
    expect(deliveries.map((d) => [d.event, d.sid, d.attempt, d.status, d.url])).toEqual([
      ['call_completed', sid, 1, 500, hooks.url],
      ['call_completed', sid, 2, 500, hooks.url],
      ['call_completed', sid, 3, 500, hooks.url],
    ]);
    const [a, b, c] = hooks.requests.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(590);
    expect(b - a).toBeLessThan(1000);
    expect(c - b).toBeGreaterThanOrEqual(1190);
    expect(c - b).toBeLessThan(1700);
    // Every attempt carries the same body, freshly signed.
    expect(new Set(hooks.requests.map((r) => r.rawBody)).size).toBe(1);
  });

  it.for([400, 401, 404, 410, 422, 302])('never retries a %s', async (status, { expect }) => {
    const hooks = await receiver(() => status);
    const sid = await startCallTo(hooks.url);
    // Longer than the first backoff: a retry would have happened by then.
    const deliveries = await settledDeliveries(sid, 1, 900);
    expect(hooks.requests).toHaveLength(1);
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([[1, status]]);
  });

  it('stops at the first 2xx', async ({ expect }) => {
    const hooks = await receiver((index) => (index === 0 ? 503 : 204));
    const sid = await startCallTo(hooks.url);
    const deliveries = await settledDeliveries(sid, 2, 1_400);
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 204],
    ]);
    expect(hooks.requests).toHaveLength(2);
  });

  it('retries a receiver that hangs past the per-attempt timeout, recording status null', async ({
    expect,
  }) => {
    const hooks = await receiver(() => 'hang');
    const sid = await startCallTo(hooks.url);
    const deliveries = await settledDeliveries(sid, 3, 1_500);
    expect(hooks.requests).toHaveLength(3);
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(deliveries[0]?.error).toMatch(/timed out/);
    const [a, b, c] = hooks.requests.map((r) => r.at) as [number, number, number];
    // Between the starts of attempts: the 300 ms timeout, then the backoff.
    expect(b - a).toBeGreaterThanOrEqual(880);
    expect(b - a).toBeLessThan(1300);
    expect(c - b).toBeGreaterThanOrEqual(1480);
    expect(c - b).toBeLessThan(1900);
  });

  it('retries network errors (connection refused) 3 times', async ({ expect }) => {
    const gone = await startReceiver();
    await gone.close();
    const sid = await startCallTo(gone.url);
    const deliveries = await settledDeliveries(sid, 3, 1_500);
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
  });
});
