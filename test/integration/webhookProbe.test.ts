import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signatureHeader } from '../../src/callmycall/webhookSignature.js';
import { createLogger } from '../../src/logging/logger.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { type RunningWebhookReceiver, startWebhookReceiver } from '../../src/webhooks/receiver.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const SECRET = 'whsec_probe_test_secret_00001';
const logger = createLogger('test', { level: 'silent' });
const nonce = () => randomBytes(16).toString('base64url');

describe("the receiver's doctor probe (/webhook-probe/<nonce>)", () => {
  let ctx: TemporalTestContext;
  let receiver: RunningWebhookReceiver;
  let sim: RunningSimulator;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    receiver = await startWebhookReceiver({ temporal: ctx.client, secrets: [SECRET], logger });
    sim = await startSimulator({ port: 0, apiKey: 'sim_probe_key', webhookSecret: SECRET, logger });
  });
  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
    await ctx?.close();
  });

  const read = (id: string) => fetch(`${receiver.url}/webhook-probe/${id}`);
  const post = (id: string, body: string, header?: string) =>
    fetch(`${receiver.url}/webhook-probe/${id}`, {
      method: 'POST',
      headers: header === undefined ? {} : { [SIGNATURE_HEADER]: header },
      body,
    });

  it("records a verified test event from the simulator's /v1/webhook/test and reads it back", async () => {
    const id = nonce();
    expect((await read(id)).status).toBe(404);
    const sent = await fetch(`${sim.url}/v1/webhook/test`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim_probe_key', 'content-type': 'application/json' },
      body: JSON.stringify({ webhook_url: `${receiver.url}/webhook-probe/${id}` }),
    });
    expect(await sent.json()).toMatchObject({ success: true, status_code: 200 });
    const seen = await read(id);
    expect(seen.status).toBe(200);
    const body = (await seen.json()) as Record<string, unknown>;
    expect(body).toEqual({ outcome: 'verified', at: expect.any(String) });
    // The simulator's delivery record agrees.
    const deliveries = await new SimulatorAdmin(sim.url).deliveries();
    expect(deliveries.at(-1)).toMatchObject({ status: 200 });
  });

  it('records a forged or unsigned delivery as rejected (401), and it cannot undo a verified one', async () => {
    const id = nonce();
    const body = '{"event":"call_completed"}';
    const now = Math.floor(Date.now() / 1000);
    expect((await post(id, body)).status).toBe(401);
    expect(await (await read(id)).json()).toMatchObject({ outcome: 'signature_rejected' });
    const wrong = signatureHeader('whsec_some_other_secret_000001', body, now);
    expect((await post(id, body, wrong)).status).toBe(401);
    expect((await post(id, body, signatureHeader(SECRET, body, now))).status).toBe(200);
    expect((await post(id, body, wrong)).status).toBe(401);
    expect(await (await read(id)).json()).toMatchObject({ outcome: 'verified' });
  });

  it('refuses hostile probes: bad nonces are 404, big bodies 413, other methods 405', async () => {
    for (const path of [
      '/webhook-probe/short',
      `/webhook-probe/${nonce()}%2F..`,
      `/webhook-probe/${'x'.repeat(65)}`,
    ]) {
      expect((await fetch(`${receiver.url}${path}`)).status, path).toBe(404);
    }
    const id = nonce();
    const big = 'x'.repeat(70 * 1024);
    const now = Math.floor(Date.now() / 1000);
    expect((await post(id, big, signatureHeader(SECRET, big, now))).status).toBe(413);
    expect((await fetch(`${receiver.url}/webhook-probe/${id}`, { method: 'DELETE' })).status).toBe(405);
  });
});
