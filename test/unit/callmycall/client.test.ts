import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../../src/callmycall/client.js';
import {
  NotFoundError,
  ResponseShapeError,
  TimeoutError,
  ValidationError,
} from '../../../src/callmycall/errors.js';
import type { TranscriptStreamEvent } from '../../../src/callmycall/schemas.js';
import { sendJson, startTestServer, type TestServer } from './httpTestServer.js';

const API_KEY = 'sk_unit_key';
const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('requests on the wire', () => {
  it('startCall sends Bearer auth and JSON, normalizes voiceGender, keeps extra response fields', async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 200, { success: true, sid: 'CA1', queued: true }),
    );
    const client = new CallMyCallClient({
      baseUrl: `${server.url}/`,
      apiKey: API_KEY,
      userAgent: 'test-agent',
    });
    const result = await client.startCall({
      phone_number: '+46700000000',
      task: 'Confirm booking',
      voiceGender: 'female',
      webhook_events: ['call_completed', 'price_updated'],
      metadata: { client_request_id: 'camp:row:1', campaign: 'c1' },
    });
    expect(result).toEqual({ success: true, sid: 'CA1', queued: true });
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/start-call');
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('test-agent');
    expect(JSON.parse(request?.body.toString() ?? '')).toEqual({
      phone_number: '+46700000000',
      task: 'Confirm booking',
      voice_gender: 'female',
      webhook_events: ['call_completed', 'price_updated'],
      metadata: { client_request_id: 'camp:row:1', campaign: 'c1' },
    });
  });

  it('refuses an invalid request locally, without any HTTP call', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { success: true, sid: 'CA1' }));
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY });
    const error = await rejection(
      client.startCall({ phone_number: '0700000000', task: ' ', userOnCall: true, tts_provider: 'openai' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.status).toBeUndefined();
    expect(validation.issues.map((issue) => issue.split(':')[0])).toEqual([
      'phone_number',
      'task',
      'userPhone',
    ]);
    expect(validation.message).toMatch(/^CallMyCall POST \/v1\/start-call: invalid request, not sent \(/);
    await expect(client.getCall('')).rejects.toBeInstanceOf(ValidationError);
    // A sid of "." or ".." would be resolved away by URL normalization (GET /v1/calls/.. -> /v1/).
    await expect(client.getCall('..')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getRecordingUrl('.', 'mp3')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateCall('CA1', {})).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('encodes path parameters and sends documented query strings', async () => {
    const server = await serve((req, res) => {
      if (req.url?.includes('/recording')) {
        sendJson(res, 200, { recording_url: 'https://h/v1/recordings/RE1.wav?token=t', expires_at: 'soon' });
      } else if (req.url === '/v1/end-call') {
        sendJson(res, 200, { ok: true, alreadyClosed: false, transcript: [] });
      } else {
        sendJson(res, 200, { success: true });
      }
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY });
    await client.getRecordingUrl('CA 1/2', 'wav');
    await client.deleteVerifiedCallerId('+46123456789');
    await client.endCall('CA9');
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/calls/CA%201%2F2/recording?format=wav',
      'DELETE /v1/verified-caller-ids/%2B46123456789',
      'POST /v1/end-call',
    ]);
    expect(JSON.parse(server.requests[2]?.body.toString() ?? '')).toEqual({ callSid: 'CA9' });
  });

  it('createElevenLabsVoice sends multipart name, files[] and the noise flag', async () => {
    let fields: {
      name: unknown;
      files: Array<{ name: string; type: string; size: number }>;
      noise: unknown;
    } = { name: undefined, files: [], noise: undefined };
    const server = await serve(async (req, res, body) => {
      const form = await new Request('http://x/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body,
      }).formData();
      fields = {
        name: form.get('name'),
        files: form.getAll('files').map((f) => {
          const file = f as File;
          return { name: file.name, type: file.type, size: file.size };
        }),
        noise: form.get('remove_background_noise'),
      };
      sendJson(res, 200, { voice_id: 'v1', name: 'My Voice' });
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY });
    const result = await client.createElevenLabsVoice({
      name: 'My Voice',
      files: [
        { filename: 'sample1.wav', data: new Uint8Array([1, 2, 3]) },
        { filename: 'sample2.mp3', data: new Blob([new Uint8Array([4, 5])], { type: 'audio/mpeg' }) },
      ],
      remove_background_noise: true,
    });
    expect(result.voice_id).toBe('v1');
    expect(server.requests[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(fields).toEqual({
      name: 'My Voice',
      files: [
        { name: 'sample1.wav', type: 'audio/wav', size: 3 },
        { name: 'sample2.mp3', type: 'audio/mpeg', size: 2 },
      ],
      noise: 'true',
    });
  });

  it('calendarCallback returns the HTML page and maps a JSON error', async () => {
    const server = await serve((req, res) => {
      if (req.url?.includes('code=good')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html>Calendar Authorization Successful</html>');
      } else {
        sendJson(res, 400, { error: 'Invalid or expired authorization request' });
      }
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY });
    const page = await client.calendarCallback({ code: 'good', state: 's1' });
    expect(page.html).toContain('Calendar Authorization Successful');
    expect(page.contentType).toMatch(/^text\/html/);
    expect(server.requests[0]?.url).toBe('/auth/google/callback?state=s1&code=good');
    const error = await rejection(client.calendarCallback({ code: 'bad', state: 's2' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
  });
});

describe('downloadRecording', () => {
  it('sends the API key only to the API origin, and follows a redirect to storage without it', async () => {
    const storage = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.end(Buffer.from([0xff, 0xfb, 0x90]));
    });
    const api = await serve((_req, res) => {
      res.writeHead(302, { location: `${storage.url}/bucket/RE1.mp3?sig=abc` });
      res.end();
    });
    const client = new CallMyCallClient({ baseUrl: api.url, apiKey: API_KEY });
    const result = await client.downloadRecording(`${api.url}/v1/recordings/RE1.mp3?token=t1`);
    expect(result.contentType).toBe('audio/mpeg');
    expect([...result.bytes]).toEqual([0xff, 0xfb, 0x90]);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(api.requests[0]?.url).toBe('/v1/recordings/RE1.mp3?token=t1');
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
    expect(storage.requests[0]?.url).toBe('/bucket/RE1.mp3?sig=abc');
  });

  it('rejects a body that is not audio, and maps an expired token to an HTTP error', async () => {
    const server = await serve((req, res) => {
      if (req.url?.includes('expired')) {
        sendJson(res, 404, { error: 'Recording not found for this call' });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const client = new CallMyCallClient({ baseUrl: 'http://api.invalid', apiKey: API_KEY });
    const notAudio = await rejection(client.downloadRecording(`${server.url}/v1/recordings/RE1.wav?token=t`));
    expect(notAudio).toBeInstanceOf(ResponseShapeError);
    expect((notAudio as Error).message).toContain('expected audio, got application/json');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    const expired = await rejection(
      client.downloadRecording(`${server.url}/v1/recordings/expired.mp3?token=t`),
    );
    expect(expired).toBeInstanceOf(NotFoundError);
    await expect(client.downloadRecording('not a url')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('streamTranscript', () => {
  function sse(res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  }

  it('yields typed added and ping events until the server closes the stream', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.write('event: ping\ndata: {"ts":1739511142}\n\n');
      res.write('id: 1\nevent: added\ndata: {"role":"assistant","text":"Hello.","seq":1}\n\n');
      res.write('event: status\ndata: completed\n\n');
      res.end();
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY });
    const events: TranscriptStreamEvent[] = [];
    for await (const event of client.streamTranscript('CA1')) events.push(event);
    expect(events).toEqual([
      { event: 'ping', data: { ts: 1739511142 } },
      { event: 'added', data: { role: 'assistant', text: 'Hello.', seq: 1 }, id: '1' },
      { event: 'other', name: 'status', data: 'completed', id: '1' },
    ]);
    expect(server.requests[0]?.url).toBe('/v1/calls/CA1/transcripts/stream');
    expect(server.requests[0]?.headers.accept).toBe('text/event-stream');
  });

  it('ends quietly when the signal aborts an open stream', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.write('event: added\ndata: {"role":"user","text":"Hi","seq":1}\n\n');
      // keep the stream open
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY, timeoutMs: 200 });
    const controller = new AbortController();
    const events: TranscriptStreamEvent[] = [];
    for await (const event of client.streamTranscript('CA1', { signal: controller.signal })) {
      events.push(event);
      // The header timeout (200 ms) must not cut a stream that is already open.
      setTimeout(() => controller.abort(), 400);
    }
    expect(events).toHaveLength(1);
  });

  it('maps HTTP errors, malformed events and a silent server', async () => {
    const server = await serve((req, res) => {
      if (req.url?.includes('missing')) return sendJson(res, 404, { error: 'Call not found' });
      if (req.url?.includes('silent')) return;
      sse(res);
      res.end('event: added\ndata: {"role":"user"}\n\n');
    });
    const client = new CallMyCallClient({ baseUrl: server.url, apiKey: API_KEY, timeoutMs: 200 });
    const drain = async (id: string) => {
      for await (const _ of client.streamTranscript(id)) {
        // consume
      }
    };
    expect(await rejection(drain('missing'))).toBeInstanceOf(NotFoundError);
    const malformed = await rejection(drain('CA1'));
    expect(malformed).toBeInstanceOf(ResponseShapeError);
    expect((malformed as ResponseShapeError).issues.map((i) => i.split(':')[0])).toEqual(['text', 'seq']);
    expect(await rejection(drain('silent'))).toBeInstanceOf(TimeoutError);
  });
});
