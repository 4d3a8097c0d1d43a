import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { delay, startTestSimulator, type TestSimulator } from './simulator.support.js';

/** Signed recording URLs and the real audio behind them. */

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const CALL = { phone_number: '+46700000000', task: 'Confirm the booking' };

async function completedCall(extra: Record<string, unknown> = {}): Promise<string> {
  const sid = await t.startCall({ ...CALL, ...extra });
  await t.waitForStatus(sid, ['completed', 'busy', 'no-answer', 'failed', 'canceled']);
  return sid;
}

async function recordingUrl(
  sid: string,
  format?: string,
): Promise<{ recording_url: string; expires_at: string }> {
  const response = await t.api(`/v1/calls/${sid}/recording${format ? `?format=${format}` : ''}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { recording_url: string; expires_at: string };
}

describe('GET /v1/calls/:sid/recording', () => {
  it('returns a signed, short-lived mp3 URL by default', async () => {
    const sid = await completedCall();
    const { recording_url, expires_at } = await recordingUrl(sid);
    expect(recording_url).toMatch(new RegExp(`^${t.url}/v1/recordings/RE[0-9a-f]{32}\\.mp3\\?token=[^&]+$`));
    const ttl = Date.parse(expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
  });

  it('serves a real MP3 (ID3 tag then an MPEG frame sync) as audio/mpeg, without an API key', async () => {
    const sid = await completedCall();
    const { recording_url } = await recordingUrl(sid, 'mp3');
    const response = await fetch(recording_url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(1000);
    let offset = 0;
    if (bytes.subarray(0, 3).toString('latin1') === 'ID3') {
      // ID3v2 size: 4 syncsafe bytes.
      const size =
        ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0);
      offset = 10 + size;
    }
    expect(bytes[offset]).toBe(0xff);
    expect((bytes[offset + 1] ?? 0) & 0xe0).toBe(0xe0);
  });

  it('serves a valid PCM WAV as audio/wav, longer for longer calls', async () => {
    await t.admin.setScenario({
      byNumber: {
        '+46700000001': { status: 'completed', duration_ms: 10_000 },
        '+46700000002': { status: 'completed', duration_ms: 40_000 },
      },
    });
    const lengths: number[] = [];
    for (const phone_number of ['+46700000001', '+46700000002']) {
      const sid = await completedCall({ phone_number });
      const { recording_url } = await recordingUrl(sid, 'wav');
      expect(recording_url).toMatch(/\.wav\?token=/);
      const response = await fetch(recording_url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('audio/wav');
      const wav = Buffer.from(await response.arrayBuffer());
      expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
      expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
      expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
      expect(wav.subarray(12, 16).toString('ascii')).toBe('fmt ');
      expect(wav.readUInt16LE(20)).toBe(1); // PCM
      expect(wav.readUInt16LE(22)).toBe(1); // mono
      const sampleRate = wav.readUInt32LE(24);
      expect(wav.readUInt16LE(34)).toBe(16);
      expect(wav.subarray(36, 40).toString('ascii')).toBe('data');
      expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
      // Not silence.
      let peak = 0;
      for (let i = 44; i < wav.length; i += 2) peak = Math.max(peak, Math.abs(wav.readInt16LE(i)));
      expect(peak).toBeGreaterThan(1000);
      lengths.push((wav.length - 44) / 2 / sampleRate);
    }
    expect(lengths[0]).toBeCloseTo(1, 1);
    expect(lengths[1]).toBeCloseTo(4, 1);
  });

  it('is 404 while the call is live, for unconnected calls, and when recording was turned off', async () => {
    await t.admin.setScenario({
      byNumber: {
        '+46700000001': { status: 'completed', duration_ms: 600_000 },
        '+46700000002': { status: 'busy' },
      },
    });
    const live = await t.startCall({ ...CALL, phone_number: '+46700000001' });
    const busy = await completedCall({ phone_number: '+46700000002' });
    const off = await completedCall({ recording: false });
    for (const sid of [live, busy, off]) {
      const response = await t.api(`/v1/calls/${sid}/recording`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'Recording not found for this call' });
    }
    expect((await t.api('/v1/calls/CA123/recording')).status).toBe(404);
  });

  it('rejects an unknown format with 400', async () => {
    const sid = await completedCall();
    const response = await t.api(`/v1/calls/${sid}/recording?format=ogg`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/format/);
  });
});

describe('GET /v1/recordings/:sid.:ext?token=', () => {
  it('answers 403 for a missing, tampered or other-format token', async () => {
    const sid = await completedCall();
    const { recording_url } = await recordingUrl(sid, 'mp3');
    const url = new URL(recording_url);
    const token = url.searchParams.get('token') ?? '';

    const expect403 = async (target: string) => {
      const response = await fetch(target);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'Invalid or expired recording token' });
    };
    await expect403(`${url.origin}${url.pathname}`);
    const [expiry, mac = ''] = token.split('.');
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    await expect403(`${url.origin}${url.pathname}?token=${expiry}.${flipped}`);
    // A later expiry with the same MAC is a forgery.
    await expect403(`${url.origin}${url.pathname}?token=${Number(expiry) + 60_000}.${mac}`);
    await expect403(`${url.origin}${url.pathname}?token=garbage`);
    // A token signed for the mp3 does not open the wav.
    await expect403(`${url.origin}${url.pathname.replace(/\.mp3$/, '.wav')}?token=${token}`);
    // Nor another recording.
    await expect403(`${url.origin}/v1/recordings/RE${'0'.repeat(32)}.mp3?token=${token}`);
    expect((await fetch(recording_url)).status).toBe(200);
  });

  it('answers 400 for an unsupported extension', async () => {
    const sid = await completedCall();
    const { recording_url } = await recordingUrl(sid, 'mp3');
    const response = await fetch(recording_url.replace('.mp3?', '.ogg?'));
    expect(response.status).toBe(400);
  });

  it('answers 403 once the token has expired', async () => {
    const shortLived = await startTestSimulator({ recordingUrlTtlMs: 200 });
    try {
      const sid = await shortLived.startCall(CALL);
      await shortLived.waitForStatus(sid, ['completed']);
      const response = await shortLived.api(`/v1/calls/${sid}/recording?format=wav`);
      const { recording_url, expires_at } = (await response.json()) as {
        recording_url: string;
        expires_at: string;
      };
      expect(Date.parse(expires_at) - Date.now()).toBeLessThanOrEqual(200);
      expect((await fetch(recording_url)).status).toBe(200);
      await delay(250);
      const expired = await fetch(recording_url);
      expect(expired.status).toBe(403);
      expect(await expired.json()).toEqual({ error: 'Invalid or expired recording token' });
    } finally {
      await shortLived.sim.close();
    }
  });
});
