import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import {
  AuthError,
  CallMyCallError,
  InsufficientCreditsError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '../../src/callmycall/errors.js';
import {
  type GetCallResponse,
  type TranscriptStreamEvent,
  webhookEventSchema,
} from '../../src/callmycall/schemas.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/callmycall/webhookSignature.js';
import { createLogger } from '../../src/logging/logger.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';

/**
 * The client against the simulator over real HTTP: every documented endpoint and
 * every error class. The simulator runs 100x faster than real time, so a scripted
 * 30-second call takes well under a second.
 */
const API_KEY = 'sim_contract_key';
const WEBHOOK_SECRET = 'whsec_contract_secret';
const SPEED = 100;
const TARGET = '+46700000000';
const LIVE = '+46700000099'; // scripted to stay connected for a long time

let sim: RunningSimulator;
let admin: SimulatorAdmin;
let client: CallMyCallClient;

interface ReceivedWebhook {
  signature: string | undefined;
  body: string;
}
let receiver: Server;
let receiverUrl: string;
const received: ReceivedWebhook[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    credits: 1000,
    minimumCredits: 5,
    speed: SPEED,
    logger: createLogger('simulator', { level: 'silent' }),
  });
  admin = new SimulatorAdmin(sim.url);
  client = new CallMyCallClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 5_000 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const header = req.headers[SIGNATURE_HEADER];
      received.push({
        signature: Array.isArray(header) ? header[0] : header,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cmc`;
});

afterAll(async () => {
  await sim?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

beforeEach(async () => {
  await admin.reset();
  received.length = 0;
  await admin.setScenario({
    default: {
      status: 'completed',
      goal_completed: true,
      duration_ms: 30_000,
      transcript: [
        { role: 'assistant', text: 'Hello, confirming your booking.' },
        { role: 'user', text: 'Yes, confirmed.' },
      ],
    },
    byNumber: { [LIVE]: { status: 'completed', duration_ms: 3_600_000 } },
  });
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
const finished = (callId: string) =>
  until(
    () => client.getCall(callId),
    (r: GetCallResponse) => FINAL.has(r.call.status),
    `${callId} to finish`,
  );
const connected = (callId: string) =>
  until(
    () => client.getCall(callId),
    (r: GetCallResponse) => r.call.status === 'in-progress',
    `${callId} to connect`,
  );

async function failure(promise: Promise<unknown>): Promise<CallMyCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CallMyCallError);
  return error as CallMyCallError;
}

describe('core endpoints', () => {
  it('startCall places a call that getCall follows to completion', async () => {
    const started = await client.startCall({
      phone_number: TARGET,
      task: 'Confirm the booking',
      language: 'en',
      voice_gender: 'female',
      metadata: { client_request_id: 'camp1:row1:1' },
    });
    expect(started.success).toBe(true);
    expect(started.sid).toMatch(/^CA/);

    const first = await client.getCall(started.sid);
    expect(first.call).toMatchObject({ call_id: started.sid, to: TARGET });
    expect(Number.isNaN(Date.parse(first.call.created_at))).toBe(false);

    const done = await finished(started.sid);
    expect(done.call.status).toBe('completed');
    expect(done.call.duration).toBe(30);
    expect(done.call.credits).toBeGreaterThan(0);
    expect(done.call.summary).toEqual({ goal_completed: true });
    expect(done.transcripts.map((t) => [t.seq, t.role])).toEqual([
      [1, 'assistant'],
      [2, 'user'],
    ]);
    const [simCall] = await admin.calls();
    expect(simCall?.metadata).toEqual({ client_request_id: 'camp1:row1:1' });
  });

  it('streamTranscript yields the lines as typed added events and ends with the call', async () => {
    const { sid } = await client.startCall({ phone_number: TARGET, task: 'Confirm' });
    const events: TranscriptStreamEvent[] = [];
    for await (const event of client.streamTranscript(sid)) events.push(event);
    const added = events.flatMap((e) => (e.event === 'added' ? [e.data] : []));
    expect(added).toEqual([
      { role: 'assistant', text: 'Hello, confirming your booking.', seq: 1 },
      { role: 'user', text: 'Yes, confirmed.', seq: 2 },
    ]);
    expect(events.every((e) => e.event === 'added' || e.event === 'ping')).toBe(true);
  });

  it('getRecordingUrl + downloadRecording fetch mp3 and wav audio with the signed URL', async () => {
    const { sid } = await client.startCall({ phone_number: TARGET, task: 'Confirm' });
    await finished(sid);
    const mp3 = await client.getRecordingUrl(sid);
    expect(mp3.recording_url).toMatch(/\/v1\/recordings\/RE\w+\.mp3\?token=/);
    expect(Date.parse(mp3.expires_at)).toBeGreaterThan(Date.now());
    const mp3Audio = await client.downloadRecording(mp3.recording_url);
    expect(mp3Audio.contentType).toBe('audio/mpeg');
    expect(mp3Audio.bytes.length).toBeGreaterThan(0);

    const wav = await client.getRecordingUrl(sid, 'wav');
    const wavAudio = await client.downloadRecording(wav.recording_url);
    expect(wavAudio.contentType).toBe('audio/wav');
    expect(Buffer.from(wavAudio.bytes.subarray(0, 4)).toString('ascii')).toBe('RIFF');

    const forged = wav.recording_url.replace(/token=[^&]+/, 'token=forged');
    const denied = await failure(client.downloadRecording(forged));
    expect(denied).toBeInstanceOf(AuthError);
    expect(denied.message).not.toContain('forged');
  });

  it('caller ID verification: verify, poll status, list, use as from_number, delete', async () => {
    const started = await client.verifyCallerId({ phone_number: '+46123456789' });
    const verificationId = started.verification_id ?? started.id;
    expect(verificationId).toBeTruthy();
    const status = await until(
      () => client.getVerificationStatus(verificationId ?? ''),
      (s) => s.status !== 'pending',
      'verification',
    );
    expect(status.status).toBe('verified');

    const listed = await client.listVerifiedCallerIds();
    expect(JSON.stringify(listed)).toContain('+46123456789');

    const call = await client.startCall({
      phone_number: TARGET,
      task: 'Confirm',
      from_number: '+46123456789',
    });
    expect(call.sid).toMatch(/^CA/);

    await client.deleteVerifiedCallerId('+46123456789');
    expect(JSON.stringify(await client.listVerifiedCallerIds())).not.toContain('+46123456789');
    expect(await failure(client.deleteVerifiedCallerId('+46123456789'))).toBeInstanceOf(NotFoundError);
    expect(await failure(client.getVerificationStatus('VA_unknown'))).toBeInstanceOf(NotFoundError);
  });

  it('sendTestWebhook delivers a signed payload that matches the webhook schema', async () => {
    const result = await client.sendTestWebhook({ webhook_url: receiverUrl, event: 'price_updated' });
    expect(result).toMatchObject({ success: true });
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const verified = verifySignature(delivery?.signature, delivery?.body ?? '', { secrets: WEBHOOK_SECRET });
    expect(verified.ok).toBe(true);
    const event = webhookEventSchema.parse(JSON.parse(delivery?.body ?? ''));
    expect(event.event).toBe('price_updated');
    expect(typeof event.data.credits).toBe('number');
  });

  it('createElevenLabsVoice uploads samples as multipart', async () => {
    const voice = await client.createElevenLabsVoice({
      name: 'Clinic voice',
      files: [
        { filename: 'sample1.wav', data: new Uint8Array([82, 73, 70, 70, 0, 0, 0, 0]) },
        { filename: 'sample2.wav', data: new Uint8Array([82, 73, 70, 70, 1, 1, 1, 1]) },
      ],
      remove_background_noise: true,
    });
    expect(voice.voice_id).toBeTruthy();
    expect(voice.name).toBe('Clinic voice');
  });
});

describe('calendar authorization', () => {
  it('start, callback, status, revoke', async () => {
    expect((await client.getCalendarStatus()).authorized).toBe(false);
    const start = await client.startCalendarAuth();
    expect(start.success).toBe(true);
    expect(new URL(start.auth_url).searchParams.get('state')).toBe(start.state);

    const page = await client.calendarCallback({ code: 'sim_code_1', state: start.state });
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.html).toContain('Calendar Authorization Successful');

    const status = await client.getCalendarStatus();
    expect(status).toMatchObject({ authorized: true, scopes: ['https://www.googleapis.com/auth/calendar'] });

    const reused = await failure(client.calendarCallback({ code: 'sim_code_1', state: start.state }));
    expect(reused).toBeInstanceOf(ValidationError);
    expect(reused.apiMessage).toBe('Invalid or expired authorization request');

    const revoked = await client.revokeCalendar();
    expect(revoked).toMatchObject({ success: true, message: 'Calendar authorization revoked successfully' });
    expect((await client.getCalendarStatus()).authorized).toBe(false);
  });
});

describe('ongoing-call and user-on-call endpoints', () => {
  it('updateCall and transferCall act on a live call; endCall ends it once', async () => {
    const { sid } = await client.startCall({ phone_number: LIVE, task: 'Long chat' });
    await connected(sid);
    const updated = await client.updateCall(sid, { task: 'Updated task', transfer_number: '+46123456780' });
    expect(updated).toMatchObject({ success: true });
    const transferred = await client.transferCall(sid, {
      destination: '+46123456789',
      warm: false,
      reason: 'human_requested',
    });
    expect(transferred).toEqual({ success: true, transferType: 'cold', callSid: sid });
    const [simCall] = await admin.calls();
    expect(simCall?.task).toBe('Updated task');
    expect(simCall?.transfers).toMatchObject([{ destination: '+46123456789', warm: false }]);

    const ended = await client.endCall(sid);
    expect(ended).toMatchObject({ ok: true, alreadyClosed: false });
    expect(Array.isArray(ended.transcript)).toBe(true);
    expect((await client.endCall(sid)).alreadyClosed).toBe(true);
    expect(await failure(client.updateCall(sid, { task: 'too late' }))).toBeInstanceOf(NotFoundError);
  });

  it('user-on-call: conference status, activate AI, drop user', async () => {
    const { sid } = await client.startCall({
      phone_number: LIVE,
      task: 'Wait in the queue',
      userOnCall: true,
      userPhone: '+46700000001',
    });
    await connected(sid);
    const before = await client.getConferenceStatus(sid);
    expect(before.state).toBe('connected');
    expect(before.participants).toHaveLength(2);

    const activated = await client.activateAi(sid, { task: 'Take over now', drop_user: false });
    expect(activated).toMatchObject({ success: true, ai_activated: true, user_dropped: false });
    const again = await failure(client.activateAi(sid));
    expect(again).toBeInstanceOf(ValidationError);
    expect(again.status).toBe(400);

    expect(await client.dropUser(sid)).toMatchObject({ success: true });
    expect(await failure(client.dropUser(sid))).toBeInstanceOf(ValidationError);
    await client.endCall(sid);
  });

  it('user-on-call endpoints answer 404 for a plain call', async () => {
    const { sid } = await client.startCall({ phone_number: LIVE, task: 'Plain' });
    const error = await failure(client.activateAi(sid));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.apiMessage).toBe('Call not found or not a userOnCall session');
    await client.endCall(sid);
  });
});

describe('every error class', () => {
  const CALL = { phone_number: TARGET, task: 'Confirm', metadata: { client_request_id: 'camp1:row9:1' } };

  it('400 -> ValidationError (server-side checks the client cannot make)', async () => {
    const unverified = await failure(client.startCall({ ...CALL, from_number: '+46111111111' }));
    expect(unverified).toBeInstanceOf(ValidationError);
    expect(unverified).toMatchObject({ status: 400, apiMessage: 'from_number is not a verified caller ID' });
    const language = await failure(client.startCall({ ...CALL, language: 'klingon' }));
    expect(language).toBeInstanceOf(ValidationError);
    expect(await admin.calls()).toHaveLength(0);
  });

  it('401 -> AuthError, without the key in the message', async () => {
    const wrong = new CallMyCallClient({ baseUrl: sim.url, apiKey: 'sk_wrong_key_123' });
    const error = await failure(wrong.startCall(CALL));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('sk_wrong_key_123');
    expect(await failure(wrong.getCalendarStatus())).toBeInstanceOf(AuthError);
  });

  it('402 -> InsufficientCreditsError with balance and minimum', async () => {
    await admin.setCredits(3);
    const error = (await failure(client.startCall(CALL))) as InsufficientCreditsError;
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ status: 402, creditsBalance: 3, minimumRequired: 5 });
    expect(error.message).toBe(
      'CallMyCall POST /v1/start-call: 402 Insufficient credits (balance 3, minimum 5)',
    );
    expect(await admin.calls()).toHaveLength(0);
  });

  it('404 -> NotFoundError', async () => {
    expect(await failure(client.getCall('CA_does_not_exist'))).toBeInstanceOf(NotFoundError);
    expect(await failure(client.endCall('CA_does_not_exist'))).toBeInstanceOf(NotFoundError);
    expect(await failure(client.getRecordingUrl('CA_does_not_exist'))).toBeInstanceOf(NotFoundError);
    const { sid } = await client.startCall({ phone_number: TARGET, task: 'x' });
    const noRecordingYet = await failure(client.getRecordingUrl(sid));
    expect(noRecordingYet).toBeInstanceOf(NotFoundError);
    expect(noRecordingYet.apiMessage).toBe('Recording not found for this call');
  });

  it('429 -> RateLimitedError with Retry-After in seconds and as an HTTP date', async () => {
    await admin.setFaults({
      start_call: [
        { type: '429', count: 1, retry_after: 2 },
        { type: '429', count: 1, retry_after: 3, retry_after_format: 'http-date' },
      ],
    });
    const seconds = (await failure(client.startCall(CALL))) as RateLimitedError;
    expect(seconds).toBeInstanceOf(RateLimitedError);
    expect(seconds.retryAfterMs).toBe(2000);
    const date = (await failure(client.startCall(CALL))) as RateLimitedError;
    expect(date).toBeInstanceOf(RateLimitedError);
    // An HTTP date has whole-second precision.
    expect(date.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(3000);
    expect(await admin.calls()).toHaveLength(0);
    expect((await client.startCall(CALL)).sid).toMatch(/^CA/);
  });

  it('429 from the token-bucket rate limit', async () => {
    const limited = await startSimulator({
      port: 0,
      apiKey: API_KEY,
      speed: SPEED,
      rateLimit: { capacity: 1, refillPerSecond: 0.5 },
      logger: createLogger('simulator', { level: 'silent' }),
    });
    try {
      const limitedClient = new CallMyCallClient({ baseUrl: limited.url, apiKey: API_KEY });
      await limitedClient.startCall(CALL);
      const error = (await failure(limitedClient.startCall(CALL))) as RateLimitedError;
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('500 -> ServerError that may have side effects; here nothing was placed', async () => {
    await admin.setFaults({ start_call: [{ type: '500', count: 1 }] });
    const error = (await failure(client.startCall(CALL))) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, mayHaveSideEffects: true });
    expect(await admin.calls()).toHaveLength(0);
  });

  it('500_after_create -> ServerError that may have side effects, and indeed the call exists', async () => {
    await admin.setFaults({ start_call: [{ type: '500_after_create', count: 1 }] });
    const error = (await failure(client.startCall(CALL))) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.mayHaveSideEffects).toBe(true);
    const calls = await admin.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.metadata).toEqual({ client_request_id: 'camp1:row9:1' });
  });

  it('drop_after_create -> ambiguous NetworkError, and the call exists', async () => {
    await admin.setFaults({ start_call: [{ type: 'drop_after_create', count: 1 }] });
    const error = (await failure(client.startCall(CALL))) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error.ambiguous).toBe(true);
    expect(await admin.calls()).toHaveLength(1);
  });

  it('slow -> TimeoutError (ambiguous), and the call exists', async () => {
    await admin.setFaults({ start_call: [{ type: 'slow', count: 1, delay_ms: 2_000 }] });
    const impatient = new CallMyCallClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 300 });
    const error = (await failure(impatient.startCall(CALL))) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ ambiguous: true, timeoutMs: 300, code: 'timeout' });
    expect(await admin.calls()).toHaveLength(1);
  });

  it('connection refused -> NetworkError that is not ambiguous', async () => {
    const gone = await startSimulator({ port: 0, logger: createLogger('simulator', { level: 'silent' }) });
    await gone.close();
    const offline = new CallMyCallClient({ baseUrl: gone.url, apiKey: API_KEY });
    const error = (await failure(offline.startCall(CALL))) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.ambiguous).toBe(false);
  });

  it('a 2xx that is not audio -> ResponseShapeError', async () => {
    const error = await failure(client.downloadRecording(`${sim.url}/_sim/health?token=abc`));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toContain('expected audio');
    expect(error.message).toContain('token=[redacted]');
  });
});
