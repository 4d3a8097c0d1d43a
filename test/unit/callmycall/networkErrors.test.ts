import { afterEach, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../../src/callmycall/client.js';
import { NetworkError, networkErrorFrom, TimeoutError } from '../../../src/callmycall/errors.js';
import { closedPort, startTestServer, type TestServer } from './httpTestServer.js';

const CALL = { phone_number: '+46700000000', task: 'Confirm booking' };
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
}

describe('failures without an HTTP response', () => {
  it('connection refused -> NetworkError that is not ambiguous (nothing was sent)', async () => {
    const port = await closedPort();
    const client = new CallMyCallClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' });
    const error = await rejection(client.startCall(CALL));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'network', ambiguous: false, reason: 'ECONNREFUSED' });
    expect((error as NetworkError).message).toContain('the request was not sent');
  });

  it('socket closed after the server read the body -> ambiguous NetworkError', async () => {
    server = await startTestServer((req) => req.socket.destroy());
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: 'k' });
    const error = await rejection(client.startCall(CALL));
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]?.body.toString() ?? '{}')).toMatchObject(CALL);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network', ambiguous: true, endpoint: 'POST /v1/start-call' });
    expect((error as NetworkError).message).toContain('may have reached the server');
  });

  it('socket closed in the middle of the response body -> ambiguous NetworkError', async () => {
    server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"success":true,');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: 'k' });
    const error = await rejection(client.startCall(CALL));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).ambiguous).toBe(true);
  });

  it('a server that never answers -> TimeoutError, ambiguous, after timeoutMs', async () => {
    server = await startTestServer(() => {
      // never respond
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 200 });
    const started = Date.now();
    const error = await rejection(client.startCall(CALL));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'timeout', ambiguous: true, timeoutMs: 200 });
    expect((error as TimeoutError).message).toBe(
      'CallMyCall POST /v1/start-call: no response within 200 ms [the request may have reached the server]',
    );
  });

  it('a per-request timeout overrides the client default', async () => {
    server = await startTestServer(() => {});
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 60_000 });
    const error = await rejection(client.getCall('CA1', { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
  });

  it("a caller's abort is rethrown as the abort reason, not as a network failure", async () => {
    server = await startTestServer(() => {});
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: 'k' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('activity cancelled')), 50);
    const error = await rejection(client.getCall('CA1', { signal: controller.signal }));
    expect(error).not.toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe('activity cancelled');
  });
});

describe('networkErrorFrom classifies low-level codes', () => {
  const fetchFailed = (code: string) =>
    new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('%s before a response -> not ambiguous', (code) => {
    const error = networkErrorFrom('POST /v1/start-call', fetchFailed(code), { responseStarted: false });
    expect(error.ambiguous).toBe(false);
    expect(error.reason).toBe(code);
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'SOMETHING_NEW'])('%s -> ambiguous', (code) => {
    const error = networkErrorFrom('POST /v1/start-call', fetchFailed(code), { responseStarted: false });
    expect(error.ambiguous).toBe(true);
  });

  it('reads the code from an AggregateError of per-address connect failures', () => {
    const aggregate = Object.assign(
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
      {},
    );
    const error = networkErrorFrom(
      'GET /v1/calls/:callId',
      new TypeError('fetch failed', { cause: aggregate }),
      {
        responseStarted: false,
      },
    );
    expect(error.ambiguous).toBe(false);
  });

  it('anything after the response started is ambiguous', () => {
    const error = networkErrorFrom('POST /v1/start-call', fetchFailed('ECONNREFUSED'), {
      responseStarted: true,
    });
    expect(error.ambiguous).toBe(true);
  });
});
