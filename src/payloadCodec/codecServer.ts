import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { HttpError, readBody, replyJson } from '../httpServer/jsonHttp.js';
import type { Logger } from '../logging/logger.js';
import { PayloadShapeError, payloadsFromJsonBody, payloadToJson } from './payloadJson.js';

export interface CodecServerOptions {
  codec: PayloadCodec;
  logger: Logger;
  port?: number;
  /** Default 127.0.0.1: the server decrypts for whoever can reach it. */
  host?: string;
  /** Browser origins allowed to call it (the Temporal Web UI's), exactly as the browser sends them. */
  corsOrigins?: readonly string[];
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Namespaces it answers for; a request whose X-Namespace names another is refused. Empty: any. */
  namespaces?: readonly string[];
  maxBodyBytes?: number;
}

export interface RunningCodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The UI decodes one event's payloads per request; a history's worth of large payloads still fits. */
export const DEFAULT_CODEC_MAX_BODY_BYTES = 4 * 1024 * 1024;
const ALLOWED_HEADERS = 'content-type, x-namespace, authorization';

function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time whatever the lengths.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Temporal's remote codec protocol (the Web UI's and `temporal --codec-endpoint`'s):
 * POST /encode and /decode with `{"payloads": [{metadata, data}]}` in base64, answered
 * in the same shape. CORS for the listed UI origins, with credentials, since the UI may
 * send cookies or its access token; any other browser origin is refused. Bodies are
 * bounded and parsed strictly; errors name what is wrong, never a payload or a key.
 */
export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const { codec, logger } = options;
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const namespaces = new Set(options.namespaces ?? []);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_CODEC_MAX_BODY_BYTES;
  if (options.token !== undefined && options.token.trim() === '') {
    throw new Error('the codec server token must not be empty');
  }

  function corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin === undefined) return {};
    if (!corsOrigins.has(origin)) throw new HttpError(403, 'origin not allowed (see --cors-origin)');
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/healthz') return replyJson(res, 200, { ok: true });
    // `/decode`, or `/<namespace>/decode` for endpoints templated with {namespace} (CLI and UI).
    const route = /^(?:\/([^/]{1,255}))?\/(encode|decode)$/.exec(path);
    const operation = route?.[2];
    if (!operation) throw new HttpError(404, 'not found; use POST /encode or POST /decode');
    const pathNamespace = route?.[1] === undefined ? undefined : namespaceFromPath(route[1]);
    const cors = corsHeaders(req);
    if (req.method === 'OPTIONS') {
      // A preflight carries no credentials: answering it reveals nothing.
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    if (options.token !== undefined) {
      const header = req.headers.authorization ?? '';
      const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
      if (!sameSecret(given, options.token)) throw new HttpError(401, 'missing or wrong bearer token');
    }
    for (const namespace of [req.headers['x-namespace'], pathNamespace]) {
      if (typeof namespace === 'string' && namespaces.size > 0 && !namespaces.has(namespace)) {
        throw new HttpError(403, `this codec server does not serve namespace "${namespace.slice(0, 100)}"`);
      }
    }
    const raw = await readBody(req, maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    let payloads: ReturnType<typeof payloadsFromJsonBody>;
    try {
      payloads = payloadsFromJsonBody(body);
    } catch (error) {
      if (error instanceof PayloadShapeError) throw new HttpError(400, error.message);
      throw error;
    }
    let result: Awaited<ReturnType<PayloadCodec['decode']>>;
    try {
      result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    } catch (error) {
      // PayloadDecryptionError and friends: the message names a key id at most.
      throw new HttpError(400, error instanceof Error ? error.message : String(error));
    }
    replyJson(res, 200, { payloads: result.map(payloadToJson) }, cors);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const status = error instanceof HttpError ? error.status : 500;
    const message = error instanceof HttpError ? error.message : 'internal error';
    if (!(error instanceof HttpError)) logger.error({ err: error }, 'codec server: request failed');
    else logger.debug({ status, path: req.url?.slice(0, 100) }, 'codec server: request refused');
    if (res.headersSent) return void res.destroy();
    // A refused browser request still gets CORS headers when its origin is allowed, so the UI can show why.
    let cors: Record<string, string> = {};
    try {
      cors = corsHeaders(req);
    } catch {
      // origin not allowed: no CORS headers
    }
    const closeAfter = !req.complete;
    replyJson(res, status, { error: message }, closeAfter ? { ...cors, connection: 'close' } : cors);
    if (closeAfter) res.once('finish', () => req.socket.destroy());
  }

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => refuse(req, res, error));
  });
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

function namespaceFromPath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'the namespace in the path is not valid percent-encoding');
  }
}
