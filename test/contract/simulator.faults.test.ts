import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator, waitFor } from './simulator.support.js';

/** Every start_call fault of PUT /_sim/faults, observed through plain fetch. */

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const CALL = { phone_number: '+46700000000', task: 'Confirm the booking' };

describe('start_call faults', () => {
  it('429: answers Too Many Requests `count` times with Retry-After in seconds, creating nothing', async () => {
    await t.admin.setFaults({ start_call: [{ type: '429', count: 2, retry_after: 3 }] });
    for (let i = 0; i < 2; i += 1) {
      const response = await t.post('/v1/start-call', CALL);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(await response.json()).toEqual({ error: 'Too Many Requests' });
    }
    expect(await t.admin.calls()).toEqual([]);
    expect((await t.post('/v1/start-call', CALL)).status).toBe(200);
    expect(await t.admin.calls()).toHaveLength(1);
  });

  it('429 with retry_after_format http-date sends an HTTP date', async () => {
    await t.admin.setFaults({
      start_call: [{ type: '429', retry_after: 120, retry_after_format: 'http-date' }],
    });
    const response = await t.post('/v1/start-call', CALL);
    expect(response.status).toBe(429);
    const header = response.headers.get('retry-after') ?? '';
    expect(header).toMatch(/GMT$/);
    const seconds = (Date.parse(header) - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(110);
    expect(seconds).toBeLessThanOrEqual(121);
  });

  it('500: answers 500 and places nothing', async () => {
    await t.admin.setFaults({ start_call: [{ type: '500', count: 1 }] });
    const response = await t.post('/v1/start-call', CALL);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'Failed to start call' });
    expect(await t.admin.calls()).toEqual([]);
  });

  it('500_after_create: places the call, then answers 500; the call still plays out', async () => {
    await t.admin.setFaults({ start_call: [{ type: '500_after_create', count: 1 }] });
    const response = await t.post('/v1/start-call', { ...CALL, metadata: { client_request_id: 'r1' } });
    expect(response.status).toBe(500);
    const [call] = await t.admin.calls();
    expect(call?.metadata).toEqual({ client_request_id: 'r1' });
    const done = await t.waitForStatus(call?.sid ?? '', ['completed']);
    expect(done.call.credits).toBe(1);
  });

  it('drop_after_create: places the call, then drops the connection without an answer', async () => {
    await t.admin.setFaults({ start_call: [{ type: 'drop_after_create', count: 1 }] });
    await expect(t.post('/v1/start-call', CALL)).rejects.toThrow();
    const calls = await t.admin.calls();
    expect(calls).toHaveLength(1);
    expect((await t.post('/v1/start-call', CALL)).status).toBe(200);
  });

  it('slow: places the call at once and answers only after delay_ms', async () => {
    await t.admin.setFaults({ start_call: [{ type: 'slow', count: 1, delay_ms: 500 }] });
    const started = performance.now();
    const pending = t.post('/v1/start-call', CALL);
    // The call exists before the response arrives.
    const [call] = await waitFor(async () => {
      const calls = await t.admin.calls();
      return calls.length === 1 ? calls : undefined;
    });
    const response = await pending;
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(((await response.json()) as { sid: string }).sid).toBe(call?.sid);
  });

  it('consumes entries in list order, each `count` times, then behaves normally', async () => {
    await t.admin.setFaults({
      start_call: [
        { type: '429', count: 1 },
        { type: '500', count: 2 },
        { type: '500_after_create', count: 1 },
      ],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await t.post('/v1/start-call', CALL)).status);
    expect(statuses).toEqual([429, 500, 500, 500, 200]);
    expect(await t.admin.calls()).toHaveLength(2);
  });

  it('is not consumed by an invalid request', async () => {
    await t.admin.setFaults({ start_call: [{ type: '500', count: 1 }] });
    expect((await t.post('/v1/start-call', { task: 'x' })).status).toBe(400);
    expect((await t.post('/v1/start-call', CALL)).status).toBe(500);
  });

  it('rejects an unknown fault with a 400 naming the field', async () => {
    const response = await fetch(`${t.url}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start_call: [{ type: '500' }, { type: '418', count: 1 }] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/start_call\.1\.type/);
    const negative = await fetch(`${t.url}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhooks: { drop: -1 } }),
    });
    expect(negative.status).toBe(400);
    expect(((await negative.json()) as { error: string }).error).toMatch(/webhooks\.drop/);
  });
});
