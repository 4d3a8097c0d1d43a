import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallMyCallClient, createCallMyCallClient } from '../../../src/callmycall/client.js';
import { CallMyCallError, NetworkError, redactSecrets } from '../../../src/callmycall/errors.js';
import { closedPort, sendJson, startTestServer, type TestServer } from './httpTestServer.js';

const API_KEY = 'sk_live_TOPSECRET_0123456789';
const TOKEN = 'SIGNEDTOKEN_abcdef';

let server: TestServer;

beforeAll(async () => {
  // A hostile server that echoes the credentials back in every error it can.
  server = await startTestServer((req, res) => {
    const auth = String(req.headers.authorization);
    if (req.url?.startsWith('/v1/recordings/')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<p>${req.url}</p>`);
      return;
    }
    if (req.url === '/v1/start-call') {
      sendJson(res, 401, {
        error: `Invalid API key: ${auth}`,
        details: { seen: auth, url: `/x?token=${TOKEN}` },
      });
      return;
    }
    if (req.url?.startsWith('/v1/calls/')) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`crashed with ${auth}`);
      return;
    }
    sendJson(res, 404, { error: `no route for ${auth}` });
  });
});
afterAll(() => server.close());

function assertNoSecret(value: unknown) {
  const text = [
    String(value),
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value) ?? '',
    value instanceof Error ? (value.stack ?? '') : '',
  ].join('\n');
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(TOKEN);
}

async function caught(promise: Promise<unknown>): Promise<CallMyCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallMyCallError);
  return error as CallMyCallError;
}

describe('the API key and signed tokens never leak', () => {
  const client = () => new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY });

  it('not through util.inspect, JSON or toString of the client', () => {
    const instance = client();
    assertNoSecret(instance);
    const fromEnv = createCallMyCallClient({
      CALLMYCALL_BASE_URL: server.url,
      CALLMYCALL_API_KEY: API_KEY,
      CALLMYCALL_TIMEOUT_MS: 1000,
    });
    assertNoSecret(fromEnv);
    expect(fromEnv.timeoutMs).toBe(1000);
  });

  it('not through an error body that echoes the Authorization header', async () => {
    const error = await caught(client().startCall({ phone_number: '+46700000000', task: 'x' }));
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(error.message).toContain('[redacted]');
    assertNoSecret(error);
    assertNoSecret(error.apiMessage);
    assertNoSecret(error.apiDetails);
  });

  it('not through a plain-text 5xx body', async () => {
    const error = await caught(client().getCall('CA1'));
    expect(error.apiMessage).toBe('crashed with Bearer [redacted]');
    assertNoSecret(error);
  });

  it('not through a recording error, which names the URL with its token redacted', async () => {
    const error = await caught(
      client().downloadRecording(`${server.url}/v1/recordings/RE1.mp3?token=${TOKEN}`),
    );
    expect(error.message).toContain('token=[redacted]');
    assertNoSecret(error);
  });

  it('not through a network error or a local validation error', async () => {
    const port = await closedPort();
    const offline = new CallMyCallClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    const network = await caught(offline.getCall('CA1'));
    expect(network).toBeInstanceOf(NetworkError);
    assertNoSecret(network);
    const invalid = await caught(offline.startCall({ phone_number: API_KEY, task: API_KEY }));
    assertNoSecret(invalid);
  });

  it('redactSecrets blanks token query values and the given secrets', () => {
    expect(redactSecrets(`https://h/v1/recordings/RE1.mp3?a=1&token=${TOKEN}#x`)).toBe(
      'https://h/v1/recordings/RE1.mp3?a=1&token=[redacted]#x',
    );
    expect(redactSecrets(`key ${API_KEY} and again ${API_KEY}`, [API_KEY])).toBe(
      'key [redacted] and again [redacted]',
    );
  });
});
