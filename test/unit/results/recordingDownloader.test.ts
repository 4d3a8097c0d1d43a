import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, NotFoundError, UnexpectedStatusError } from '../../../src/callmycall/errors.js';
import type { RecordingFormat } from '../../../src/results/audioFormat.js';
import {
  downloadRecording,
  RecordingDownloadError,
  type RecordingSource,
  RecordingUrlExpiredError,
} from '../../../src/results/recordingDownloader.js';

const MP3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64]);
const WAV = new Uint8Array(
  [...'RIFF']
    .map((c) => c.charCodeAt(0))
    .concat(
      [36, 0, 0, 0],
      [...'WAVE'].map((c) => c.charCodeAt(0)),
    ),
);
const FUTURE = '2999-01-01T00:00:00.000Z';

type Download = { contentType: string; bytes: Uint8Array } | Error;

/** A client double: hands out numbered signed URLs and plays the scripted downloads in order. */
function fakeClient(downloads: Download[], expiresAt: string[] = []) {
  const calls = { urls: 0, downloads: [] as string[] };
  const client: RecordingSource = {
    async getRecordingUrl(sid: string, format: RecordingFormat) {
      calls.urls += 1;
      return {
        recording_url: `http://127.0.0.1:1/v1/recordings/RE${sid}.${format}?token=secret-${calls.urls}`,
        expires_at: expiresAt[calls.urls - 1] ?? FUTURE,
      };
    },
    async downloadRecording(url: string) {
      calls.downloads.push(url);
      const next = downloads.shift();
      if (next === undefined) throw new Error('unexpected download');
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { client, calls };
}

const expired403 = () =>
  new AuthError('CallMyCall GET /v1/recordings/:sid.:ext: 403 Token expired', {
    endpoint: 'GET /v1/recordings/:sid.:ext',
    status: 403,
  });

describe('downloadRecording', () => {
  let reportsDir: string;
  const base = { sid: 'CA1', campaignId: 'camp-1', rowKey: 'row-a', attempt: 1 };

  beforeEach(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-rec-'));
  });
  afterEach(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('saves the bytes under <campaign>/recordings/<rowKey>-<attempt>.<ext> and returns the relative path', async () => {
    const { client } = fakeClient([{ contentType: 'audio/mpeg', bytes: MP3 }]);
    const path = await downloadRecording({ ...base, client, format: 'mp3', reportsDir });
    expect(path).toBe('recordings/row-a-1.mp3');
    expect(new Uint8Array(await readFile(join(reportsDir, 'camp-1', path)))).toEqual(MP3);
  });

  it.each(['audio/wav', 'audio/x-wav', 'audio/wave; codecs=1'])('accepts WAV served as %s', async (type) => {
    const { client } = fakeClient([{ contentType: type, bytes: WAV }]);
    const path = await downloadRecording({ ...base, client, format: 'wav', reportsDir });
    expect(path).toBe('recordings/row-a-1.wav');
  });

  it('does not download again when the file is already there', async () => {
    const { client, calls } = fakeClient([{ contentType: 'audio/mpeg', bytes: MP3 }]);
    await downloadRecording({ ...base, client, format: 'mp3', reportsDir });
    const again = await downloadRecording({ ...base, client, format: 'mp3', reportsDir });
    expect(again).toBe('recordings/row-a-1.mp3');
    expect(calls.urls).toBe(1);
    expect(calls.downloads).toHaveLength(1);
  });

  it('downloads again over an empty file left by an earlier crash', async () => {
    await mkdir(join(reportsDir, 'camp-1', 'recordings'), { recursive: true });
    await writeFile(join(reportsDir, 'camp-1', 'recordings', 'row-a-1.mp3'), '');
    const { client, calls } = fakeClient([{ contentType: 'audio/mpeg', bytes: MP3 }]);
    await downloadRecording({ ...base, client, format: 'mp3', reportsDir });
    expect(calls.downloads).toHaveLength(1);
    expect((await stat(join(reportsDir, 'camp-1', 'recordings', 'row-a-1.mp3'))).size).toBe(MP3.length);
  });

  it.each([
    ['403', expired403()],
    ['410', new UnexpectedStatusError('410 Gone', { endpoint: 'GET /v1/recordings/:sid.:ext', status: 410 })],
  ])('asks for a fresh URL when the download answers %s', async (_, error) => {
    const { client, calls } = fakeClient([error, { contentType: 'audio/mpeg', bytes: MP3 }]);
    await downloadRecording({ ...base, client, format: 'mp3', reportsDir });
    expect(calls.urls).toBe(2);
    expect(calls.downloads[1]).toContain('token=secret-2');
  });

  it('skips a URL whose expires_at has already passed', async () => {
    const { client, calls } = fakeClient(
      [{ contentType: 'audio/mpeg', bytes: MP3 }],
      ['2000-01-01T00:00:00Z'],
    );
    await downloadRecording({ ...base, client, format: 'mp3', reportsDir });
    expect(calls.urls).toBe(2);
    expect(calls.downloads).toEqual([expect.stringContaining('token=secret-2')]);
  });

  it('gives up after two fresh URLs, with no token in the error', async () => {
    const { client, calls } = fakeClient([expired403(), expired403(), expired403()]);
    const error = await downloadRecording({ ...base, client, format: 'mp3', reportsDir }).catch((e) => e);
    expect(error).toBeInstanceOf(RecordingUrlExpiredError);
    expect(calls.urls).toBe(3);
    expect(String(error.message)).not.toMatch(/secret|token/);
  });

  it('passes NotFoundError through when the call has no recording', async () => {
    const client: RecordingSource = {
      getRecordingUrl: async () => {
        throw new NotFoundError(
          'CallMyCall GET /v1/calls/:callSid/recording: 404 Recording not found for this call',
          {
            endpoint: 'GET /v1/calls/:callSid/recording',
            status: 404,
          },
        );
      },
      downloadRecording: async () => ({ contentType: 'audio/mpeg', bytes: MP3 }),
    };
    await expect(downloadRecording({ ...base, client, format: 'mp3', reportsDir })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it.each([
    ['the wrong content type', { contentType: 'text/html', bytes: MP3 }, /content type "text\/html"/],
    ['WAV bytes for mp3', { contentType: 'audio/mpeg', bytes: WAV }, /not MP3 audio/],
    ['an empty body', { contentType: 'audio/mpeg', bytes: new Uint8Array() }, /empty/],
  ])('refuses %s and writes nothing', async (_, download, message) => {
    const { client } = fakeClient([download]);
    const error = await downloadRecording({ ...base, client, format: 'mp3', reportsDir }).catch((e) => e);
    expect(error).toBeInstanceOf(RecordingDownloadError);
    expect(error.message).toMatch(message);
    await expect(stat(join(reportsDir, 'camp-1', 'recordings', 'row-a-1.mp3'))).rejects.toThrow();
  });

  it('refuses a recording over the size cap', async () => {
    const { client } = fakeClient([{ contentType: 'audio/mpeg', bytes: MP3 }]);
    await expect(
      downloadRecording({ ...base, client, format: 'mp3', reportsDir, maxBytes: 4 }),
    ).rejects.toThrow(/over the 4-byte cap/);
  });

  it('redacts the signed URL from a low-level error that quotes it', async () => {
    const { client } = fakeClient([
      new TypeError('fetch failed for http://127.0.0.1:1/v1/recordings/x.mp3?token=secret-1'),
    ]);
    const error = await downloadRecording({ ...base, client, format: 'mp3', reportsDir }).catch((e) => e);
    expect(error.message).not.toContain('secret-1');
    expect(error.message).toContain('token=[redacted]');
  });

  it('rejects an unsafe row key before asking the API anything', async () => {
    const { client, calls } = fakeClient([]);
    await expect(
      downloadRecording({ ...base, rowKey: '../../x', client, format: 'mp3', reportsDir }),
    ).rejects.toThrow(/rowKey/);
    expect(calls.urls).toBe(0);
  });
});
