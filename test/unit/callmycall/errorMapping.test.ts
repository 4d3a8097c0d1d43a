import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../../src/callmycall/client.js';
import {
  AuthError,
  CallMyCallError,
  InsufficientCreditsError,
  NotFoundError,
  RateLimitedError,
  ResponseShapeError,
  ServerError,
  UnexpectedStatusError,
  ValidationError,
} from '../../../src/callmycall/errors.js';
import { sendJson, startTestServer, type TestServer } from './httpTestServer.js';

/** Canned answers keyed by the `x-canned` request header, set per test through a custom fetch. */
const CANNED: Record<string, (res: ServerResponse) => void> = {
  '400': (res) => sendJson(res, 400, { error: 'Missing phone_number' }),
  '401': (res) => sendJson(res, 401, { error: 'Authorization header with API key is required' }),
  '403': (res) => sendJson(res, 403, { error: 'Forbidden for this key' }),
  '402': (res) =>
    sendJson(res, 402, { error: 'Insufficient credits', credits_balance: 3, minimum_required: 5 }),
  '402-strings': (res) =>
    sendJson(res, 402, { error: 'Insufficient credits', credits_balance: '3', minimum_required: '5' }),
  '402-subscription': (res) => sendJson(res, 402, { error: 'Subscription inactive' }),
  '404': (res) => sendJson(res, 404, { error: 'Call not found' }),
  '429-seconds': (res) => sendJson(res, 429, { error: 'Too Many Requests' }, { 'retry-after': '7' }),
  '429-date': (res) =>
    sendJson(
      res,
      429,
      { error: 'Too Many Requests' },
      { 'retry-after': new Date(Date.now() + 30_000).toUTCString() },
    ),
  '429-none': (res) => sendJson(res, 429, { error: 'Too Many Requests' }),
  '500': (res) =>
    sendJson(res, 500, { error: 'Failed to initiate calendar authorization', details: 'provider down' }),
  '502-text': (res) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('upstream exploded\nstack trace here');
  },
  '503-html': (res) => {
    res.writeHead(503, { 'content-type': 'text/html' });
    res.end('<html><body>Service Unavailable</body></html>');
  },
  '409': (res) => sendJson(res, 409, { error: 'Conflict' }),
  '302': (res) => {
    res.writeHead(302, { location: 'https://elsewhere.example/login' });
    res.end();
  },
  'bad-shape': (res) => sendJson(res, 200, { success: true, call: 'CA1' }),
  'not-json': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>hello</html>');
  },
};

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const canned = CANNED[String(req.headers['x-canned'])];
    if (canned) canned(res);
    else sendJson(res, 500, { error: 'no canned response' });
  });
});
afterAll(() => server.close());

/** A client whose every request carries `x-canned: <name>`, still over real HTTP. */
function clientAnswering(name: string): CallMyCallClient {
  return new CallMyCallClient({
    baseUrl: server.url,
    apiKey: 'sk_test_mapping',
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('x-canned', name);
      return fetch(input, { ...init, headers });
    },
  });
}

const CALL = { phone_number: '+46700000000', task: 'Confirm booking' };

async function failure(promise: Promise<unknown>): Promise<CallMyCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallMyCallError);
  return error as CallMyCallError;
}

describe('non-2xx responses map to error classes', () => {
  it('400 -> ValidationError with the API message', async () => {
    const error = await failure(clientAnswering('400').startCall(CALL));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      name: 'ValidationError',
      code: 'validation',
      status: 400,
      endpoint: 'POST /v1/start-call',
      apiMessage: 'Missing phone_number',
      message: 'CallMyCall POST /v1/start-call: 400 Missing phone_number',
    });
  });

  it('401 and 403 -> AuthError', async () => {
    const unauthorized = await failure(clientAnswering('401').getCall('CA1'));
    expect(unauthorized).toBeInstanceOf(AuthError);
    expect(unauthorized).toMatchObject({ code: 'auth', status: 401, endpoint: 'GET /v1/calls/:callId' });
    const forbidden = await failure(clientAnswering('403').getCall('CA1'));
    expect(forbidden).toBeInstanceOf(AuthError);
    expect(forbidden.status).toBe(403);
  });

  it('402 -> InsufficientCreditsError with balance and minimum', async () => {
    const error = await failure(clientAnswering('402').startCall(CALL));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({
      name: 'InsufficientCreditsError',
      code: 'insufficient_credits',
      creditsBalance: 3,
      minimumRequired: 5,
      message: 'CallMyCall POST /v1/start-call: 402 Insufficient credits (balance 3, minimum 5)',
    });
    const fromStrings = (await failure(
      clientAnswering('402-strings').startCall(CALL),
    )) as InsufficientCreditsError;
    expect([fromStrings.creditsBalance, fromStrings.minimumRequired]).toEqual([3, 5]);
    const subscription = (await failure(
      clientAnswering('402-subscription').startCall(CALL),
    )) as InsufficientCreditsError;
    expect(subscription).toBeInstanceOf(InsufficientCreditsError);
    expect(subscription.creditsBalance).toBeUndefined();
    expect(subscription.message).toBe('CallMyCall POST /v1/start-call: 402 Subscription inactive');
  });

  it('404 -> NotFoundError naming the path template, not the id', async () => {
    const error = await failure(clientAnswering('404').getRecordingUrl('CA_secret_sid'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'not_found', endpoint: 'GET /v1/calls/:callSid/recording' });
    expect(error.message).toBe('CallMyCall GET /v1/calls/:callSid/recording: 404 Call not found');
  });

  it('429 -> RateLimitedError with Retry-After in seconds or as a date', async () => {
    const seconds = (await failure(clientAnswering('429-seconds').startCall(CALL))) as RateLimitedError;
    expect(seconds).toBeInstanceOf(RateLimitedError);
    expect(seconds.code).toBe('rate_limited');
    expect(seconds.retryAfterMs).toBe(7000);
    expect(seconds.message).toBe(
      'CallMyCall POST /v1/start-call: 429 Too Many Requests (retry after 7000 ms)',
    );

    const date = (await failure(clientAnswering('429-date').startCall(CALL))) as RateLimitedError;
    expect(date.retryAfterMs).toBeGreaterThan(25_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(30_000);

    const none = (await failure(clientAnswering('429-none').startCall(CALL))) as RateLimitedError;
    expect(none).toBeInstanceOf(RateLimitedError);
    expect(none.retryAfterMs).toBeUndefined();
  });

  it('5xx -> ServerError; only non-GET requests may have side effects', async () => {
    const post = (await failure(clientAnswering('500').startCall(CALL))) as ServerError;
    expect(post).toBeInstanceOf(ServerError);
    expect(post).toMatchObject({
      code: 'server',
      status: 500,
      mayHaveSideEffects: true,
      apiDetails: 'provider down',
    });
    expect(post.message).toContain('500 Failed to initiate calendar authorization (provider down)');
    expect(post.message).toContain('may have taken effect');

    const get = (await failure(clientAnswering('500').getCalendarStatus())) as ServerError;
    expect(get.mayHaveSideEffects).toBe(false);
    expect(get.message).not.toContain('may have taken effect');
  });

  it('tolerates non-JSON error bodies', async () => {
    const text = (await failure(clientAnswering('502-text').endCall('CA1'))) as ServerError;
    expect(text).toBeInstanceOf(ServerError);
    expect(text.apiMessage).toBe('upstream exploded');
    expect(text.message).toBe(
      'CallMyCall POST /v1/end-call: 502 upstream exploded [the request may have taken effect]',
    );

    const html = await failure(clientAnswering('503-html').getCall('CA1'));
    expect(html).toBeInstanceOf(ServerError);
    expect(html.apiMessage).toBeUndefined();
    expect(html.message).toBe('CallMyCall GET /v1/calls/:callId: 503 Service Unavailable');
  });

  it('other statuses, including redirects, -> UnexpectedStatusError', async () => {
    const conflict = await failure(clientAnswering('409').startCall(CALL));
    expect(conflict).toBeInstanceOf(UnexpectedStatusError);
    expect(conflict).toMatchObject({ code: 'unexpected_status', status: 409 });
    const redirect = await failure(clientAnswering('302').getCall('CA1'));
    expect(redirect).toBeInstanceOf(UnexpectedStatusError);
    expect(redirect.status).toBe(302);
  });
});

describe('2xx bodies that break the documented shape', () => {
  it('a missing field -> ResponseShapeError listing the issue', async () => {
    const error = (await failure(clientAnswering('bad-shape').startCall(CALL))) as ResponseShapeError;
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.code).toBe('response_shape');
    expect(error.status).toBe(200);
    expect(error.issues.some((issue) => issue.startsWith('sid:'))).toBe(true);
    expect(error.message).toContain('the request succeeded; its effect happened');
  });

  it('a body that is not JSON -> ResponseShapeError', async () => {
    const error = await failure(clientAnswering('not-json').getCall('CA1'));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toBe('CallMyCall GET /v1/calls/:callId: 200 response is not JSON');
  });
});
