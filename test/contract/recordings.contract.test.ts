import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import { looksLikeMp3, looksLikeWav } from '../../src/results/audioFormat.js';
import { downloadRecording, type RecordingSource } from '../../src/results/recordingDownloader.js';
import { API_KEY, delay, startTestSimulator, type TestSimulator } from './simulator.support.js';

/**
 * Recordings end to end over real HTTP: a call placed with plain fetch on the
 * simulator, its recording fetched through the real client and our downloader.
 */

/** The real client, counting what the downloader asks of it. */
function countingClient(
  client: CallMyCallClient,
  hooks: { beforeDownload?: (n: number) => Promise<void> } = {},
) {
  const counts = { urls: 0, downloads: 0, failures: [] as string[] };
  const source: RecordingSource = {
    async getRecordingUrl(sid, format) {
      counts.urls += 1;
      return client.getRecordingUrl(sid, format);
    },
    async downloadRecording(url) {
      counts.downloads += 1;
      await hooks.beforeDownload?.(counts.downloads);
      try {
        return await client.downloadRecording(url);
      } catch (error) {
        counts.failures.push(error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
  return { source, counts };
}

async function completedCall(sim: TestSimulator): Promise<string> {
  const sid = await sim.startCall({
    phone_number: '+46701234567',
    task: 'Confirm the appointment on Thursday at 10:00',
    language: 'en',
    recording: true,
    metadata: { client_request_id: 'camp-rec:row-a:1' },
  });
  // Poll GET /v1/calls/:id until the call is over, as a runner without webhooks would.
  const call = await sim.waitForStatus(sid, ['completed', 'failed', 'busy', 'no-answer', 'canceled'], 10_000);
  expect(call.call.status).toBe('completed');
  return sid;
}

describe('recordings through the downloader (simulator)', () => {
  let sim: TestSimulator;
  let client: CallMyCallClient;
  let sid: string;
  let reportsDir: string;

  beforeAll(async () => {
    sim = await startTestSimulator();
    client = new CallMyCallClient({ baseUrl: sim.url, apiKey: API_KEY });
    sid = await completedCall(sim);
  });
  afterAll(async () => {
    await sim.sim.close();
  });
  beforeEach(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-rec-contract-'));
  });
  afterEach(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('saves the MP3 and the WAV, each a real file of its format', async () => {
    const base = { sid, campaignId: 'camp-rec', rowKey: 'row-a', attempt: 1, reportsDir, client };
    const mp3 = await downloadRecording({ ...base, format: 'mp3' });
    const wav = await downloadRecording({ ...base, format: 'wav' });
    expect(mp3).toBe('recordings/row-a-1.mp3');
    expect(wav).toBe('recordings/row-a-1.wav');
    const mp3Bytes = new Uint8Array(await readFile(join(reportsDir, 'camp-rec', mp3)));
    const wavBytes = new Uint8Array(await readFile(join(reportsDir, 'camp-rec', wav)));
    expect(mp3Bytes.length).toBeGreaterThan(0);
    expect(looksLikeMp3(mp3Bytes)).toBe(true);
    expect(String.fromCharCode(...wavBytes.subarray(0, 4))).toBe('RIFF');
    expect(String.fromCharCode(...wavBytes.subarray(8, 12))).toBe('WAVE');
    expect(looksLikeWav(wavBytes)).toBe(true);
  });

  it('does not download a second time when run twice', async () => {
    const { source, counts } = countingClient(client);
    const input = {
      sid,
      campaignId: 'camp-rec',
      rowKey: 'row-a',
      attempt: 1,
      reportsDir,
      client: source,
      format: 'mp3' as const,
    };
    const first = await downloadRecording(input);
    const { mtimeMs } = await stat(join(reportsDir, 'camp-rec', first));
    const second = await downloadRecording(input);
    expect(second).toBe(first);
    expect(counts).toEqual({ urls: 1, downloads: 1, failures: [] });
    expect((await stat(join(reportsDir, 'camp-rec', first))).mtimeMs).toBe(mtimeMs);
  });
});

describe('expired recording URLs (simulator with a short URL lifetime)', () => {
  const TTL_MS = 300;
  let sim: TestSimulator;
  let client: CallMyCallClient;
  let sid: string;
  let reportsDir: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ recordingUrlTtlMs: TTL_MS });
    client = new CallMyCallClient({ baseUrl: sim.url, apiKey: API_KEY });
    sid = await completedCall(sim);
  });
  afterAll(async () => {
    await sim.sim.close();
  });
  beforeEach(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-rec-expired-'));
  });
  afterEach(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('asks for a fresh URL when the first one expires before its download (403)', async () => {
    // The first download starts only after its URL has expired.
    const { source, counts } = countingClient(client, {
      beforeDownload: async (n) => (n === 1 ? delay(TTL_MS + 200) : undefined),
    });
    const path = await downloadRecording({
      sid,
      campaignId: 'camp-rec',
      rowKey: 'row-b',
      attempt: 2,
      reportsDir,
      client: source,
      format: 'wav',
    });
    expect(path).toBe('recordings/row-b-2.wav');
    expect(counts.urls).toBe(2);
    expect(counts.downloads).toBe(2);
    expect(counts.failures).toHaveLength(1);
    expect(counts.failures[0]).toMatch(/403/);
    // The client already keeps the token out of its message.
    expect(counts.failures[0]).not.toMatch(/token=(?!\[redacted\])/);
    expect(looksLikeWav(new Uint8Array(await readFile(join(reportsDir, 'camp-rec', path))))).toBe(true);
  });

  it('does not even try a URL whose expires_at has passed', async () => {
    let firstUrl = true;
    const { source, counts } = countingClient(client);
    const slowUrls: RecordingSource = {
      async getRecordingUrl(callSid, format) {
        const signed = await source.getRecordingUrl(callSid, format);
        if (firstUrl) {
          firstUrl = false;
          await delay(TTL_MS + 200); // handed over already stale
        }
        return signed;
      },
      downloadRecording: (url) => source.downloadRecording(url),
    };
    const path = await downloadRecording({
      sid,
      campaignId: 'camp-rec',
      rowKey: 'row-c',
      attempt: 1,
      reportsDir,
      client: slowUrls,
      format: 'mp3',
    });
    expect(path).toBe('recordings/row-c-1.mp3');
    expect(counts).toEqual({ urls: 2, downloads: 1, failures: [] });
  });
});
