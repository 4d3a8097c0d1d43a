import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { webhookEventSchema } from '../callmycall/schemas.js';
import { SIGNATURE_HEADER, verifySignature } from '../callmycall/webhookSignature.js';
import { callWorkflowId } from '../engine/ids.js';
import type { Logger } from '../logging/logger.js';
import { callEventSignal } from '../workflows/callMessages.js';
import { callEventFromWebhook } from './callEventFromWebhook.js';

export interface WebhookReceiverOptions {
  temporal: Client;
  /** One secret, or several while rotating. */
  secrets: string[];
  logger: Logger;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  /** Give up on Temporal after this long and answer 503: CallMyCall waits at most 10 s per delivery. */
  signalTimeoutMs?: number;
}

export interface RunningWebhookReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SIGNAL_TIMEOUT_MS = 5_000;
const ROUTE = /^\/webhooks\/([^/]+)\/([^/]+)\/(\d{1,3})$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Receives CallMyCall webhooks on the per-attempt URL
 * `/webhooks/<campaignId>/<rowKey>/<attempt>`, verifies the signature, and signals the
 * row's call workflow. It answers 2xx only once Temporal has accepted the signal, so
 * CallMyCall retries while Temporal is unreachable.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<RunningWebhookReceiver> {
  const { logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { ok: true });
    const match = ROUTE.exec(path);
    if (!match) throw new HttpError(404, 'not found');
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const [, campaignId = '', rowKey = '', attemptText = ''] = match.map((part) =>
      decodeURIComponent(part ?? ''),
    );
    const raw = await readBody(req, maxBodyBytes);

    const verification = verifySignature(req.headers[SIGNATURE_HEADER] as string | undefined, raw, {
      secrets: options.secrets,
      toleranceSeconds: options.toleranceSeconds,
    });
    if (!verification.ok) throw new HttpError(401, `signature rejected: ${verification.reason}`);

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
    const event = callEventFromWebhook(parsed.data, Number(attemptText));
    const workflowId = callWorkflowId(campaignId, rowKey);
    try {
      const deadline = Date.now() + (options.signalTimeoutMs ?? DEFAULT_SIGNAL_TIMEOUT_MS);
      await options.temporal.connection.withDeadline(deadline, () =>
        options.temporal.workflow.getHandle(workflowId).signal(callEventSignal, event),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        logger.info(
          { workflowId, event: event.event, sid: event.sid },
          'webhook for a finished or unknown call: acknowledged',
        );
        return reply(res, 200, { ok: true, ignored: 'no running workflow for this call' });
      }
      logger.error({ err: error, workflowId }, 'could not signal the call workflow; CallMyCall will retry');
      throw new HttpError(503, 'temporarily unable to accept the event');
    }
    logger.info(
      { workflowId, event: event.event, sid: event.sid, attempt: event.attempt },
      'webhook accepted',
    );
    reply(res, 200, { ok: true });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : 'internal error';
      if (status >= 500 && !(error instanceof HttpError))
        logger.error({ err: error }, 'webhook receiver error');
      else logger.warn({ status, path: req.url?.split('?')[0], reason: message }, 'webhook refused');
      if (!res.headersSent) reply(res, status, { error: message });
      // After a body-size refusal, drop the rest of the upload instead of reading it.
      if (status === 413) req.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
