import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/callmycall/webhookSignature.js';
import { callWorkflowId } from '../../src/engine/ids.js';
import { createLogger } from '../../src/logging/logger.js';
import { type RunningWebhookReceiver, startWebhookReceiver } from '../../src/webhooks/receiver.js';
import { callWorkflow } from '../../src/workflows/callWorkflow.js';
import { connectToTestServer, type TemporalTestContext, uniqueTaskQueue } from '../support/temporal.js';

const SECRET = 'whsec_receiver_test';
const logger = createLogger('test', { level: 'silent' });

const completedEvent = (sid: string) =>
  JSON.stringify({
    event: 'call_completed',
    call_id: sid,
    sid,
    timestamp: Math.floor(Date.now() / 1000),
    data: {
      status: 'completed',
      summary: { goal_completed: true },
      transcripts: [{ role: 'assistant', content: 'Hello.', seq: 1 }],
    },
  });

describe('webhook receiver', () => {
  let ctx: TemporalTestContext;
  let receiver: RunningWebhookReceiver;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    receiver = await startWebhookReceiver({
      temporal: ctx.client,
      secrets: ['old_secret', SECRET],
      logger,
      maxBodyBytes: 4096,
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await ctx?.close();
  });

  const post = (path: string, body: string, signature?: string) =>
    fetch(`${receiver.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-callmycall-signature': signature } : {}),
      },
      body,
    });

  it('refuses unsigned, badly signed, stale and malformed requests', async () => {
    const body = completedEvent('CA0123456789abcdef0123456789abcdef');
    const path = '/webhooks/c1/r1/1';
    const missing = await post(path, body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'signature rejected: missing_header' });
    expect((await post(path, body, 't=abc,v1=zz')).status).toBe(401);
    expect((await post(path, body, signatureHeader('wrong_secret', body))).status).toBe(401);
    const stale = await post(path, body, signatureHeader(SECRET, body, Math.floor(Date.now() / 1000) - 600));
    expect(await stale.json()).toEqual({ error: 'signature rejected: stale' });
    // A tampered body no longer matches its signature.
    expect((await post(path, body.replace('completed', 'busy'), signatureHeader(SECRET, body))).status).toBe(
      401,
    );

    const notJson = 'not json';
    expect((await post(path, notJson, signatureHeader(SECRET, notJson))).status).toBe(400);
    const wrongShape = JSON.stringify({ event: 'call_completed' });
    const shape = await post(path, wrongShape, signatureHeader(SECRET, wrongShape));
    expect(shape.status).toBe(400);
    expect(((await shape.json()) as { error: string }).error).toMatch(/call_id|sid|timestamp|data/);
    const huge = JSON.stringify({ pad: 'x'.repeat(10_000) });
    expect((await post(path, huge, signatureHeader(SECRET, huge))).status).toBe(413);
    expect((await post('/elsewhere', body, signatureHeader(SECRET, body))).status).toBe(404);
  });

  it('acknowledges an event for a call workflow that does not run', async () => {
    const body = completedEvent('CA0123456789abcdef0123456789abcdef');
    const response = await post('/webhooks/no-such-campaign/r1/1', body, signatureHeader(SECRET, body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, ignored: expect.any(String) });
  });

  it('turns a verified event into a signal to the row’s call workflow (old secret still accepted)', async () => {
    const taskQueue = uniqueTaskQueue('receiver'); // no worker: the workflow just waits
    const workflowId = callWorkflowId('recv-test', 'r42');
    const handle = await ctx.client.workflow.start(callWorkflow, {
      taskQueue,
      workflowId,
      args: [
        {
          plan: {} as never,
          row: { rowKey: 'r42', line: 2, maskedPhone: '', timezones: [] },
          campaignWorkflowId: 'x',
        },
      ],
    });
    try {
      const sid = 'CAfedcba9876543210fedcba9876543210';
      const body = completedEvent(sid);
      const response = await post('/webhooks/recv-test/r42/2', body, signatureHeader('old_secret', body));
      expect(response.status).toBe(200);
      const history = await handle.fetchHistory();
      const signals = (history.events ?? []).filter(
        (event) => event.workflowExecutionSignaledEventAttributes,
      );
      expect(signals).toHaveLength(1);
      expect(signals[0]?.workflowExecutionSignaledEventAttributes?.signalName).toBe('callEvent');
    } finally {
      await handle.terminate('test done');
    }
  });

  it('answers 503 while Temporal is unreachable, so CallMyCall retries', async () => {
    const deadConnection = await Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
    const unreachable = await startWebhookReceiver({
      signalTimeoutMs: 1_000,
      temporal: new Client({ connection: deadConnection }),
      secrets: [SECRET],
      logger,
    });
    try {
      const body = completedEvent('CA0123456789abcdef0123456789abcdef');
      const response = await fetch(`${unreachable.url}/webhooks/c1/r1/1`, {
        method: 'POST',
        headers: { 'x-callmycall-signature': signatureHeader(SECRET, body) },
        body,
      });
      expect(response.status).toBe(503);
    } finally {
      await unreachable.close();
    }
  });
});
