import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../logging/logger.js';
import { addAdminRoutes } from './admin.js';
import { requireApiKey } from './auth.js';
import {
  calendarCallback,
  calendarStatus,
  consentPage,
  revokeCalendar,
  startCalendarAuthorization,
} from './calendar.js';
import {
  deleteVerifiedCallerId,
  listVerifiedCallerIds,
  startVerification,
  verificationStatus,
} from './callerIds.js';
import { endCall, getCall, startCall } from './callRoutes.js';
import { HttpError, sendError, sendJson } from './http.js';
import { activateAi, conferenceStatus, dropUser, transferCall, updateCall } from './liveCallRoutes.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { recordingBytes, recordingUrl } from './recordings.js';
import { Router } from './router.js';
import { SimulatorState } from './state.js';
import { cloneVoice } from './voices.js';
import { sendTestWebhook } from './webhookTest.js';

export type { SimulatorOptions } from './options.js';

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Every route of the reference, plus the admin API. */
function buildRouter(): Router {
  const router = new Router()
    .add('POST', '/v1/start-call', 'apiKey', startCall)
    .add('GET', '/v1/calls/:callId', 'apiKey', getCall)
    .add('PATCH', '/v1/calls/:callId', 'apiKey', updateCall)
    .add('GET', '/v1/calls/:callId/transcripts/stream', 'apiKey', (ctx) => ctx.sim.streams.handle(ctx))
    .add('GET', '/v1/calls/:callId/recording', 'apiKey', recordingUrl)
    .add('POST', '/v1/calls/:callId/transfer', 'apiKey', transferCall)
    .add('POST', '/v1/calls/:callId/activate', 'apiKey', activateAi)
    .add('GET', '/v1/calls/:callId/conference-status', 'apiKey', conferenceStatus)
    .add('POST', '/v1/calls/:callId/drop-user', 'apiKey', dropUser)
    .add('POST', '/v1/end-call', 'apiKey', endCall)
    .add('POST', '/v1/verify-caller-id', 'apiKey', startVerification)
    .add('GET', '/v1/verification-status/:id', 'apiKey', verificationStatus)
    .add('GET', '/v1/verified-caller-ids', 'apiKey', listVerifiedCallerIds)
    .add('DELETE', '/v1/verified-caller-ids/:phoneNumber', 'apiKey', deleteVerifiedCallerId)
    .add('POST', '/v1/webhook/test', 'apiKey', sendTestWebhook)
    .add('POST', '/v1/elevenlabs/voices', 'apiKey', cloneVoice)
    // The signed token is the authorization: the URL is meant to be handed to a player.
    .add('GET', '/v1/recordings/:recordingSid.:ext', 'none', recordingBytes)
    .add('GET', '/auth/google/calendar', 'apiKeyOrQuery', startCalendarAuthorization)
    // Opened by the browser after consent, so it carries no API key.
    .add('GET', '/auth/google/callback', 'none', calendarCallback)
    .add('POST', '/auth/google/revoke', 'apiKey', revokeCalendar)
    .add('GET', '/calendar/status', 'apiKey', calendarStatus)
    .add('GET', '/_sim/google/consent', 'none', consentPage);
  addAdminRoutes(router);
  return router;
}

const AUTHENTICATED_PREFIX = /^\/(v1\/(?!recordings\/)|calendar\/)/;

/** The host to put in URLs: a wildcard bind address is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the CallMyCall simulator: an HTTP server behaving like the documented API
 * (auth, credits, rate limit, call lifecycle, signed webhooks, recordings, SSE),
 * plus the /_sim/ admin API to script outcomes and inject faults.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const logger = options.logger ?? createLogger('simulator');
  const sim = new SimulatorState(resolved, logger);
  const router = buildRouter();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    // Prefixing keeps a path like `//x` a path instead of a host.
    const url = new URL(`http://simulator${req.url ?? '/'}`);
    // Only the pathname is logged: never the query (recording tokens, api_key) nor headers.
    res.on('close', () => {
      logger.info(
        {
          method,
          path: url.pathname,
          status: res.headersSent ? res.statusCode : null,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    try {
      const match = router.match(method, url.pathname);
      if (match.kind === 'not-found') {
        // As behind the real API's auth middleware, an unknown /v1 path is a 401 before it is a 404.
        if (AUTHENTICATED_PREFIX.test(url.pathname)) requireApiKey(req, resolved.apiKey);
        throw new HttpError(404, 'Not found');
      }
      if (match.kind === 'wrong-method') {
        throw new HttpError(405, 'Method not allowed', {}, { allow: match.allowed.join(', ') });
      }
      const { route, params } = match;
      if (route.auth === 'apiKey') requireApiKey(req, resolved.apiKey);
      if (route.auth === 'apiKeyOrQuery')
        requireApiKey(req, resolved.apiKey, url.searchParams.get('api_key'));
      await route.handler({ req, res, url, params, sim });
    } catch (error) {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendError(res, error);
        return;
      }
      logger.error({ err: error, method, path: url.pathname }, 'simulator request failed');
      sendJson(res, 500, { error: 'Internal simulator error' });
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(resolved.host)}:${port}`;
  sim.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  logger.info(
    { url, speed: resolved.speed, credits: resolved.credits, rateLimit: resolved.rateLimit ?? 'off' },
    'CallMyCall simulator listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        sim.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
