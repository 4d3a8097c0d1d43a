import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { CompleteAsyncError } from '@temporalio/activity';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/callmycall/webhookSignature.js';
import { webhookSecrets } from '../../src/config/webhookSecrets.js';
import { callWorkflowId } from '../../src/engine/ids.js';
import { createLogger } from '../../src/logging/logger.js';
import { workflowsPath } from '../../src/temporal/workflowsPath.js';
import {
  type RunningWebhookReceiver,
  startWebhookReceiver,
  type WebhookReceiverOptions,
} from '../../src/webhooks/receiver.js';
import { callWorkflow } from '../../src/workflows/callWorkflow.js';
import { rowWorkflow } from '../../src/workflows/rowWorkflow.js';
import { closedWithin, openRaw } from '../support/rawHttpClient.js';
import { startSwitchableProxy } from '../support/switchableProxy.js';
import {
  connectToTestServer,
  type TemporalTestContext,
  uniqueTaskQueue,
  withWorker,
} from '../support/temporal.js';
import { decryptedPayloadText } from '../support/testCodec.js';

const SECRET = 'whsec_receiver_test_secret_0001';
const OLD_SECRET = 'whsec_receiver_test_secret_old1';
const logger = createLogger('test', { level: 'silent' });
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A fresh call sid: two tests never send the same signed body. */
const newSid = () => `CA${randomBytes(16).toString('hex')}`;

const completedEvent = (sid: string, data: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: 'call_completed',
    call_id: sid,
    sid,
    timestamp: nowSeconds(),
    data: {
      status: 'completed',
      summary: { goal_completed: true },
      transcripts: [{ role: 'assistant', content: 'Hello.', seq: 1 }],
      ...data,
    },
  });

/** A header with the right shape and a fresh timestamp that anyone can write without the secret. */
const forgedHeader = () => `t=${nowSeconds()},v1=${'0'.repeat(64)}`;

/** Log lines a receiver writes, as text, to check what reaches the log. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), text: () => lines.join('') };
}

describe('webhook receiver', () => {
  let ctx: TemporalTestContext;
  let receiver: RunningWebhookReceiver;
  const log = capturedLogger();
  beforeAll(async () => {
    ctx = await connectToTestServer();
    receiver = await startWebhookReceiver({
      temporal: ctx.client,
      secrets: [OLD_SECRET, SECRET],
      logger: log.logger,
      maxBodyBytes: 4096,
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await ctx?.close();
  });

  const post = (path: string, body: string, signature?: string, to: RunningWebhookReceiver = receiver) =>
    fetch(`${to.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-callmycall-signature': signature } : {}),
      },
      body,
    });

  /** A call workflow with no worker: it just waits, and its history shows every signal it got. */
  async function waitingCallWorkflow(campaignId: string, rowKey: string) {
    const handle = await ctx.client.workflow.start(callWorkflow, {
      taskQueue: uniqueTaskQueue('receiver'),
      workflowId: callWorkflowId(campaignId, rowKey),
      args: [
        {
          plan: {} as never,
          row: { rowKey, line: 2, maskedPhone: '', timezones: [] },
          campaignWorkflowId: 'x',
        },
      ],
    });
    return handle;
  }
  async function signalsOf(handle: WorkflowHandle) {
    const history = await handle.fetchHistory();
    return (history.events ?? [])
      .map((event) => event.workflowExecutionSignaledEventAttributes?.signalName)
      .filter((name) => name !== undefined && name !== null);
  }
  async function withReceiver<T>(
    options: Partial<WebhookReceiverOptions>,
    body: (running: RunningWebhookReceiver) => Promise<T>,
  ): Promise<T> {
    const running = await startWebhookReceiver({
      temporal: ctx.client,
      secrets: [SECRET],
      logger,
      ...options,
    });
    try {
      return await body(running);
    } finally {
      await running.close();
    }
  }

  it('refuses unsigned, badly signed, stale and malformed requests', async () => {
    const body = completedEvent(newSid());
    const path = '/webhooks/c1/r1/1';
    const missing = await post(path, body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'signature rejected: missing_header' });
    expect((await post(path, body, 't=abc,v1=zz')).status).toBe(401);
    expect((await post(path, body, signatureHeader('wrong_secret', body))).status).toBe(401);
    const stale = await post(path, body, signatureHeader(SECRET, body, nowSeconds() - 600));
    expect(await stale.json()).toEqual({ error: 'signature rejected: stale' });
    const future = await post(path, body, signatureHeader(SECRET, body, nowSeconds() + 600));
    expect(await future.json()).toEqual({ error: 'signature rejected: stale' });
    expect((await fetch(`${receiver.url}${path}`)).status).toBe(405);
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
    const body = completedEvent(newSid());
    const response = await post('/webhooks/no-such-campaign/r1/1', body, signatureHeader(SECRET, body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, ignored: expect.any(String) });
  });

  it('turns a verified event into a signal to the row’s call workflow (old secret still accepted)', async () => {
    const handle = await waitingCallWorkflow('recv-test', 'r42');
    try {
      const body = completedEvent('CAfedcba9876543210fedcba9876543210');
      const response = await post('/webhooks/recv-test/r42/2', body, signatureHeader(OLD_SECRET, body));
      expect(response.status).toBe(200);
      expect(await signalsOf(handle)).toEqual(['callEvent']);
    } finally {
      await handle.terminate('test done');
    }
  });

  it('completes a row workflow’s waiting call with the end, by activity ID: no signal, no transcript in history', async () => {
    const taskQueue = uniqueTaskQueue('receiver-row');
    const sid = newSid();
    const placed: string[] = [];
    const finished: unknown[] = [];
    // Real Temporal, real row workflow; the two activities stand in for the API side:
    // placeCall "places" the call and waits, as the real one does, for the receiver.
    const activities = {
      async placeCall(input: { attempt: number }) {
        placed.push(`attempt ${input.attempt}`);
        throw new CompleteAsyncError();
      },
      async finishAttempt(input: unknown) {
        finished.push(input);
        return { kind: 'settled' as const, credits: 2, durationS: 40 };
      },
    };
    const plan = {
      campaignId: 'recv-row',
      name: 'recv-row',
      maxAttempts: 1,
      retryOn: [],
      retryDelayMs: 0,
      estimatePerCall: 1,
      ambiguousStart: 'unknown',
      reconcileAfterMs: 60_000,
      maxCallDurationMs: 600_000,
      webhookGraceMs: 60_000,
      callingWindow: {},
    } as never;
    const result = await withWorker(
      ctx,
      { taskQueue, workflowsPath: workflowsPath(), activities },
      async () => {
        const handle = await ctx.client.workflow.start(rowWorkflow, {
          taskQueue,
          workflowId: callWorkflowId('recv-row', 'r7'),
          args: [
            {
              plan,
              row: { rowKey: 'r7', line: 8, maskedPhone: '', timezones: [] },
              rowIndex: 0,
              campaignWorkflowId: 'campaign:recv-row',
            },
          ],
        });
        while (placed.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        const body = completedEvent(sid, { duration: 40, credits: 2 });
        const response = await post('/webhooks/recv-row/r7/1', body, signatureHeader(SECRET, body));
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ ok: true });
        const ended = await handle.result();
        // Every byte of the history (payloads encrypted), and every payload decrypted.
        const fetched = await handle.fetchHistory();
        const history = Buffer.from(temporal.api.history.v1.History.encode(fetched).finish()).toString(
          'latin1',
        );
        const decrypted = await decryptedPayloadText(fetched);
        return { ended, history, decrypted, signals: await signalsOf(handle) };
      },
    );
    expect(result.ended).toMatchObject({ rowKey: 'r7', outcome: 'completed', attempts: 1, credits: 2 });
    expect(result.signals).toEqual([]);
    expect(placed).toEqual(['attempt 1']);
    // The post-call step got the call's end, and writes the row's result (its only attempt).
    expect(finished).toEqual([
      expect.objectContaining({
        attempt: 1,
        call: expect.objectContaining({ sid, status: 'completed', via: 'webhook' }),
        result: expect.objectContaining({ outcome: 'completed' }),
      }),
    ]);
    // The webhook's transcript ("Hello.") never entered history: the post-call step reads it from the API.
    // At rest it is all ciphertext; decrypted, the end is there and the transcript is not.
    expect(result.history).not.toContain(sid);
    expect(result.decrypted).toContain(sid);
    expect(result.history).not.toContain('Hello.');
    expect(result.decrypted).not.toContain('Hello.');
  });

  it('answers 503 while Temporal is unreachable, so CallMyCall retries', async () => {
    const deadConnection = await Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
    await withReceiver(
      { signalTimeoutMs: 1_000, temporal: new Client({ connection: deadConnection }) },
      async (unreachable) => {
        const body = completedEvent(newSid());
        const response = await post('/webhooks/c1/r1/1', body, signatureHeader(SECRET, body), unreachable);
        expect(response.status).toBe(503);
      },
    );
  });

  describe('secrets', () => {
    it('refuses to start with no secret or an empty one', async () => {
      for (const secrets of [[], [''], [SECRET, ''], [SECRET, '   ']]) {
        await expect(
          startWebhookReceiver({ temporal: ctx.client, secrets, logger }),
          JSON.stringify(secrets),
        ).rejects.toThrow(/secret/);
      }
    });

    it('gives 401 to a signature made with an empty key when CALLMYCALL_WEBHOOK_SECRET ends in a comma', async () => {
      const handle = await waitingCallWorkflow('recv-empty-key', 'r1');
      try {
        const secrets = webhookSecrets({ CALLMYCALL_WEBHOOK_SECRET: `${SECRET},` });
        await withReceiver({ secrets }, async (running) => {
          const body = completedEvent(newSid());
          const forged = await post(
            '/webhooks/recv-empty-key/r1/1',
            body,
            signatureHeader('', body),
            running,
          );
          expect(forged.status).toBe(401);
          expect(await forged.json()).toEqual({ error: 'signature rejected: bad_signature' });
        });
        expect(await signalsOf(handle)).toEqual([]);
      } finally {
        await handle.terminate('test done');
      }
    });

    it('never writes a secret or a signature to the log', async () => {
      const body = completedEvent(newSid());
      const header = signatureHeader(SECRET, body);
      await post('/webhooks/no-such-campaign/r1/1', body, header);
      await post('/webhooks/no-such-campaign/r1/1', body, signatureHeader('wrong_secret_wrong_secret', body));
      const text = log.text();
      expect(text).toContain('webhook');
      for (const secret of [SECRET, OLD_SECRET, header, header.split('v1=')[1] ?? 'x'])
        expect(text).not.toContain(secret);
    });
  });

  describe('replays', () => {
    it('signals once for an exact replay (same t and v1) and answers it 200 ignored', async () => {
      const handle = await waitingCallWorkflow('recv-replay', 'r1');
      try {
        const body = completedEvent(newSid());
        const header = signatureHeader(SECRET, body);
        const first = await post('/webhooks/recv-replay/r1/1', body, header);
        expect(first.status).toBe(200);
        expect(await first.json()).toEqual({ ok: true });
        for (const replayed of [
          header,
          `${header},v1=${'0'.repeat(64)}`,
          header.toUpperCase().replace('T=', 't=').replace('V1=', 'v1='),
        ]) {
          const again = await post('/webhooks/recv-replay/r1/1', body, replayed);
          expect(again.status, replayed).toBe(200);
          expect(await again.json()).toEqual({ ok: true, ignored: 'replay' });
        }
        expect(await signalsOf(handle)).toEqual(['callEvent']);
      } finally {
        await handle.terminate('test done');
      }
    });

    it('treats the same signed delivery posted to another row’s URL as a replay', async () => {
      const [rowA, rowB] = [
        await waitingCallWorkflow('recv-cross', 'rA'),
        await waitingCallWorkflow('recv-cross', 'rB'),
      ];
      try {
        const body = completedEvent(newSid());
        const header = signatureHeader(SECRET, body);
        expect((await post('/webhooks/recv-cross/rA/1', body, header)).status).toBe(200);
        const moved = await post('/webhooks/recv-cross/rB/1', body, header);
        expect(await moved.json()).toEqual({ ok: true, ignored: 'replay' });
        expect(await signalsOf(rowA)).toEqual(['callEvent']);
        expect(await signalsOf(rowB)).toEqual([]);
      } finally {
        await rowA.terminate('test done');
        await rowB.terminate('test done');
      }
    });

    it('signals once when the same delivery arrives twice at the same moment', async () => {
      const handle = await waitingCallWorkflow('recv-concurrent', 'r1');
      try {
        const body = completedEvent(newSid());
        const header = signatureHeader(SECRET, body);
        const answers = await Promise.all(
          [1, 2, 3].map(async () => (await post('/webhooks/recv-concurrent/r1/1', body, header)).status),
        );
        expect(answers.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
        for (const status of answers) expect([200, 503]).toContain(status);
        expect(await signalsOf(handle)).toEqual(['callEvent']);
        expect(await (await post('/webhooks/recv-concurrent/r1/1', body, header)).json()).toEqual({
          ok: true,
          ignored: 'replay',
        });
      } finally {
        await handle.terminate('test done');
      }
    });

    it('accepts the retry of a delivery that got 503 while Temporal was down', async () => {
      const handle = await waitingCallWorkflow('recv-retry', 'r1');
      const proxy = await startSwitchableProxy(ctx.address);
      const connection = await Connection.connect({ address: proxy.address });
      try {
        await withReceiver(
          { temporal: new Client({ connection, namespace: ctx.namespace }), signalTimeoutMs: 1_000 },
          async (running) => {
            const body = completedEvent(newSid());
            const header = signatureHeader(SECRET, body);
            proxy.setReachable(false);
            const down = await post('/webhooks/recv-retry/r1/1', body, header, running);
            expect(down.status).toBe(503);
            proxy.setReachable(true);
            // CallMyCall sends the very same delivery again (same t, same v1).
            let retried = await post('/webhooks/recv-retry/r1/1', body, header, running);
            for (let i = 0; i < 20 && retried.status === 503; i++) {
              await new Promise((done) => setTimeout(done, 500));
              retried = await post('/webhooks/recv-retry/r1/1', body, header, running);
            }
            expect(retried.status).toBe(200);
            expect(await retried.json()).toEqual({ ok: true });
          },
        );
        expect(await signalsOf(handle)).toEqual(['callEvent']);
      } finally {
        await connection.close();
        await proxy.close();
        await handle.terminate('test done');
      }
    });
  });

  describe('event values', () => {
    const absurd: Array<[string, Record<string, unknown>, string]> = [
      ['negative credits', { credits: -5 }, 'data.credits'],
      ['credits over 10,000', { credits: 10_001 }, 'data.credits'],
      ['a duration over a day', { duration: 86_401 }, 'data.duration'],
      ['a negative duration', { duration: -1 }, 'data.duration'],
    ];
    it.each(absurd)(
      'refuses %s with 400 naming the field, and signals nothing',
      async (_what, data, field) => {
        const handle = await waitingCallWorkflow('recv-values', 'r1');
        try {
          const body = completedEvent(newSid(), data);
          const response = await post('/webhooks/recv-values/r1/1', body, signatureHeader(SECRET, body));
          expect(response.status).toBe(400);
          expect(((await response.json()) as { error: string }).error).toContain(`${field}:`);
          expect(await signalsOf(handle)).toEqual([]);
        } finally {
          await handle.terminate('test done');
        }
      },
    );

    it('refuses credits of 1e999 (Infinity once parsed) and an absurd event timestamp', async () => {
      const infinite = completedEvent(newSid()).replace(
        '"status":"completed"',
        '"status":"completed","credits":1e999',
      );
      const response = await post('/webhooks/c1/r1/1', infinite, signatureHeader(SECRET, infinite));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain('data.credits:');
      const future = JSON.stringify({ ...JSON.parse(completedEvent('CA1')), timestamp: 99_999_999_999 });
      const late = await post('/webhooks/c1/r1/1', future, signatureHeader(SECRET, future));
      expect(late.status).toBe(400);
      expect(((await late.json()) as { error: string }).error).toContain('timestamp:');
    });
  });

  describe('paths', () => {
    const notRoutes = [
      '/webhooks/%E0%A4%A/x/1', // a malformed % escape
      '/webhooks/c1/%E0%A4%A/1',
      '/webhooks/c1/r1/01', // attempts are plain integers
      '/webhooks/c1/r1/0',
      '/webhooks/c1/r1/100',
      '/webhooks/-c1/r1/1', // campaign IDs start with a letter or digit
      '/webhooks/c1/r%2F1/1',
      `/webhooks/c1/${'r'.repeat(65)}/1`, // row keys are at most 64 characters
      `/webhooks/${'c'.repeat(101)}/r1/1`,
      '/webhooks/c1/r1/1/extra',
    ];
    it.each(notRoutes)('answers 404 to %s, and logs no error', async (path) => {
      const body = completedEvent(newSid());
      const logBefore = log.text().length;
      const response = await post(path, body, signatureHeader(SECRET, body));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found' });
      expect(log.text().slice(logBefore)).not.toMatch(/"level":50|URIError|stack/);
    });

    it('answers 404 before reading the body', async () => {
      const socket = await openRaw(receiver.url);
      socket.socket.write(
        'POST /webhooks/%E0%A4%A/x/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n' +
          `x-callmycall-signature: ${forgedHeader()}\r\n\r\n`,
      );
      await socket.waitFor('HTTP/1.1 404', 2_000);
      expect(await closedWithin(socket, 2_000)).toBeDefined();
    });
  });

  describe('slow and hostile clients', () => {
    it('answers 401 to a bad signature header before the body arrives, then closes the connection', async () => {
      for (const header of [
        '',
        'x-callmycall-signature: t=1,v1=nothex\r\n',
        `x-callmycall-signature: t=1000,v1=${'0'.repeat(64)}\r\n`,
      ]) {
        const socket = await openRaw(receiver.url);
        socket.socket.write(
          `POST /webhooks/c1/r1/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n${header}\r\n`,
        );
        await socket.waitFor('HTTP/1.1 401', 2_000);
        // It keeps sending; the receiver does not wait for (or read) the rest.
        socket.drip('x'.repeat(100), 50);
        expect(await closedWithin(socket, 2_000), header).toBeDefined();
      }
    });

    it('closes a connection whose body trickles in, once the request timeout passes', async () => {
      await withReceiver({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 }, async (running) => {
        const socket = await openRaw(running.url);
        socket.socket.write(
          'POST /webhooks/c1/r1/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n' +
            `x-callmycall-signature: ${forgedHeader()}\r\n\r\n`,
        );
        socket.drip('x', 200); // 1 byte every 200 ms: would take 200 s
        const closedAfter = await closedWithin(socket, 4_000);
        expect(closedAfter).toBeDefined();
        expect(closedAfter).toBeGreaterThanOrEqual(900);
      });
    });

    it('closes a connection whose headers trickle in, once the headers timeout passes', async () => {
      await withReceiver({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 }, async (running) => {
        const socket = await openRaw(running.url);
        socket.socket.write('POST /webhooks/c1/r1/1 HTTP/1.1\r\nHost: x\r\n');
        socket.drip('X-a: b\r\n', 100);
        const closedAfter = await closedWithin(socket, 3_000);
        expect(closedAfter).toBeDefined();
      });
    });

    it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
      await withReceiver({ keepAliveTimeoutMs: 300 }, async (running) => {
        const socket = await openRaw(running.url);
        socket.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        await socket.waitFor('HTTP/1.1 200', 2_000);
        expect(await closedWithin(socket, 2_000)).toBeDefined();
      });
    });

    it('holds at most maxConnections connections; others are dropped at once', async () => {
      await withReceiver({ maxConnections: 2 }, async (running) => {
        const held = [await openRaw(running.url), await openRaw(running.url)];
        const third = await openRaw(running.url);
        expect(await closedWithin(third, 1_000)).toBeDefined();
        for (const socket of held) expect(socket.isOpen()).toBe(true);
        for (const socket of held) socket.socket.destroy();
        await Promise.all(held.map((socket) => socket.closed));
        await new Promise((done) => setTimeout(done, 100));
        expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      });
    });
  });
});
