import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityNotFoundError, type Client, WorkflowNotFoundError } from '@temporalio/client';
import { webhookEventSchema } from '../callmycall/schemas.js';
import {
  checkSignatureHeader,
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  verifySignature,
} from '../callmycall/webhookSignature.js';
import { type CallEvent, callEndOf } from '../engine/callEvent.js';
import { callActivityId, callWorkflowId } from '../engine/ids.js';
import type { PlaceCallResult } from '../engine/startCallResult.js';
import { HttpError, readBody, replyJson } from '../httpServer/jsonHttp.js';
import type { Logger } from '../logging/logger.js';
import { callEventSignal } from '../workflows/callMessages.js';
import { parseAttemptRoute } from './attemptRoute.js';
import { callEventFromWebhook } from './callEventFromWebhook.js';
import { ProbeDeliveries, probeNonce } from './probeDeliveries.js';
import { ReplayGuard } from './replayGuard.js';

export interface WebhookReceiverOptions {
  temporal: Client;
  /** One secret, or several while rotating; none may be empty. */
  secrets: string[];
  logger: Logger;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  /** Give up on Temporal after this long and answer 503: CallMyCall waits at most 10 s per delivery. */
  signalTimeoutMs?: number;
  /** A client gets this long to send its request headers. */
  headersTimeoutMs?: number;
  /** ...and this long for the whole request, body included. */
  requestTimeoutMs?: number;
  /** An idle kept-alive connection is closed after this long. */
  keepAliveTimeoutMs?: number;
  /** Connections held at once; more are dropped as they arrive. */
  maxConnections?: number;
  /** Most deliveries remembered to refuse exact replays. */
  maxRememberedDeliveries?: number;
}

export interface RunningWebhookReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 256;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SIGNAL_TIMEOUT_MS = 5_000;
// A delivery is one small POST, and CallMyCall gives up on it after 10 s: a client that
// needs longer is not CallMyCall.
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A test event is one small synthetic call_completed. */
const MAX_PROBE_BODY_BYTES = 64 * 1024;

/**
 * Receives CallMyCall webhooks on the per-attempt URL
 * `/webhooks/<campaignId>/<rowKey>/<attempt>`, verifies the signature, and hands the event
 * to the row's workflow: a call's end completes the attempt's waiting placeCall activity
 * (one Temporal request, no signal, no transcript in history); anything else, or an end
 * no activity waits for (an uncertain start, a call workflow of an earlier build), is a
 * signal. It answers 2xx only once Temporal has accepted it, so CallMyCall retries
 * while Temporal is unreachable. Everything that can be refused
 * without the body (path, method, signature header) is refused before reading it.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<RunningWebhookReceiver> {
  const { logger } = options;
  if (options.secrets.length === 0 || options.secrets.some((secret) => secret.trim() === '')) {
    throw new Error('the webhook receiver needs at least one secret, and no empty one');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const probes = new ProbeDeliveries();
  const replays = new ReplayGuard({
    windowSeconds: toleranceSeconds,
    ...(options.maxRememberedDeliveries === undefined ? {} : { maxEntries: options.maxRememberedDeliveries }),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/healthz') return replyJson(res, 200, { ok: true });
    const nonce = probeNonce(path);
    if (nonce !== undefined) return handleProbe(req, res, nonce);
    const route = parseAttemptRoute(path);
    if (!route) throw new HttpError(404, 'not found');
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const header = req.headers[SIGNATURE_HEADER];
    const headerCheck = checkSignatureHeader(typeof header === 'string' ? header : undefined, {
      toleranceSeconds,
    });
    if (!headerCheck.ok) throw new HttpError(401, `signature rejected: ${headerCheck.reason}`);

    const raw = await readBody(req, maxBodyBytes);
    const verification = verifySignature(header as string, raw, {
      secrets: options.secrets,
      toleranceSeconds,
    });
    if (!verification.ok) throw new HttpError(401, `signature rejected: ${verification.reason}`);

    const delivery = `${verification.timestamp}.${verification.signature}`;
    const claim = replays.claim(delivery, Math.floor(Date.now() / 1000));
    if (claim === 'replay') {
      logger.info({ path }, 'replayed webhook delivery: acknowledged, not signalled again');
      return replyJson(res, 200, { ok: true, ignored: 'replay' });
    }
    if (claim === 'in_flight') {
      // The same delivery is being handled right now; if that fails, a retry must still get through.
      throw new HttpError(503, 'the same delivery is being handled; retry', { 'retry-after': '1' });
    }
    let acceptedAt: number | undefined;
    try {
      const outcome = await signalCallWorkflow(route, raw);
      if (outcome !== 'no running workflow for this call') acceptedAt = verification.timestamp;
      replyJson(res, 200, acceptedAt !== undefined ? { ok: true } : { ok: true, ignored: outcome });
    } finally {
      replays.settle(delivery, acceptedAt);
    }
  }

  /**
   * `cmc doctor`'s probe (probeDeliveries.ts): a POST is verified like any delivery and
   * only remembered, never sent to Temporal; a GET reads back what happened to it.
   */
  async function handleProbe(req: IncomingMessage, res: ServerResponse, nonce: string): Promise<void> {
    if (req.method === 'GET') {
      const seen = probes.lookup(nonce);
      return seen
        ? replyJson(res, 200, seen)
        : replyJson(res, 404, { error: 'no probe delivery with this nonce' });
    }
    if (req.method !== 'POST') throw new HttpError(405, 'use POST or GET');
    const header = req.headers[SIGNATURE_HEADER];
    const headerCheck = checkSignatureHeader(typeof header === 'string' ? header : undefined, {
      toleranceSeconds,
    });
    if (!headerCheck.ok) {
      probes.record(nonce, 'signature_rejected');
      throw new HttpError(401, `signature rejected: ${headerCheck.reason}`);
    }
    const raw = await readBody(req, Math.min(maxBodyBytes, MAX_PROBE_BODY_BYTES));
    const verification = verifySignature(header as string, raw, {
      secrets: options.secrets,
      toleranceSeconds,
    });
    if (!verification.ok) {
      probes.record(nonce, 'signature_rejected');
      throw new HttpError(401, `signature rejected: ${verification.reason}`);
    }
    probes.record(nonce, 'verified');
    logger.info({ path: '/webhook-probe/…' }, 'webhook probe verified');
    replyJson(res, 200, { ok: true, probe: 'verified' });
  }

  async function signalCallWorkflow(
    route: NonNullable<ReturnType<typeof parseAttemptRoute>>,
    raw: Buffer,
  ): Promise<'signalled' | 'completed' | 'no running workflow for this call'> {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    const parsed = webhookEventSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(
        400,
        `invalid webhook body: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    const event = callEventFromWebhook(parsed.data, route.attempt);
    const workflowId = callWorkflowId(route.campaignId, route.rowKey);
    try {
      const deadline = Date.now() + (options.signalTimeoutMs ?? DEFAULT_SIGNAL_TIMEOUT_MS);
      const delivered = await options.temporal.connection.withDeadline(deadline, async () => {
        if (await completeWaitingCall(workflowId, event)) return 'completed' as const;
        await options.temporal.workflow.getHandle(workflowId).signal(callEventSignal, event);
        return 'signalled' as const;
      });
      logger.info(
        { workflowId, event: event.event, sid: event.sid, attempt: event.attempt, delivered },
        'webhook accepted',
      );
      return delivered;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        logger.info(
          { workflowId, event: event.event, sid: event.sid },
          'webhook for a finished or unknown call: acknowledged',
        );
        return 'no running workflow for this call';
      }
      logger.error({ err: error, workflowId }, 'could not signal the call workflow; CallMyCall will retry');
      throw new HttpError(503, 'temporarily unable to accept the event');
    }
  }

  /** Completes the attempt's waiting placeCall activity with the call's end; false when none waits. */
  async function completeWaitingCall(workflowId: string, event: CallEvent): Promise<boolean> {
    if (event.event !== 'call_completed') return false;
    try {
      await options.temporal.activity.complete({ workflowId, activityId: callActivityId(event.attempt) }, {
        kind: 'ended',
        end: callEndOf(event, 'webhook'),
      } satisfies PlaceCallResult);
      return true;
    } catch (error) {
      if (error instanceof ActivityNotFoundError) return false;
      throw error;
    }
  }

  function refuse(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const path = req.url?.split('?')[0];
    if (!(error instanceof HttpError) && req.destroyed) {
      logger.warn({ path }, 'webhook request cut off: the client went away or was too slow');
      return;
    }
    const { status, message, headers } =
      error instanceof HttpError ? error : new HttpError(500, 'internal error');
    if (error instanceof HttpError) logger.warn({ status, path, reason: message }, 'webhook refused');
    else logger.error({ err: error }, 'webhook receiver error');
    // Refused before the body was read: close the connection rather than read (or wait for) the rest.
    const closeAfter = !req.complete;
    if (!res.headersSent)
      replyJson(res, status, { error: message }, closeAfter ? { ...headers, connection: 'close' } : headers);
    if (closeAfter) res.once('finish', () => req.socket.destroy());
  }

  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
      // Node enforces the two timeouts above only when it checks, every 30 s by default.
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => refuse(req, res, error));
    },
  );
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
