import { mkdtemp, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AudioSampleError,
  MAX_SAMPLE_BYTES,
  readAudioSamples,
  sniffAudioType,
} from '../../../src/voices/audioSample.js';

const wavHeader = () => {
  const bytes = Buffer.alloc(64);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WAVE', 8, 'latin1');
  return bytes;
};

describe('voice clone samples', () => {
  it('knows audio by its first bytes, not its name', () => {
    expect(sniffAudioType(wavHeader())).toBe('audio/wav');
    expect(sniffAudioType(Buffer.from('ID3\x04\x00', 'latin1'))).toBe('audio/mpeg');
    expect(sniffAudioType(Buffer.from([0xff, 0xfb, 0x90, 0x00]))).toBe('audio/mpeg');
    expect(sniffAudioType(Buffer.from('OggS\x00', 'latin1'))).toBe('audio/ogg');
    expect(sniffAudioType(Buffer.from('hello world, not audio'))).toBeUndefined();
    expect(sniffAudioType(new Uint8Array())).toBeUndefined();
  });

  it('refuses, naming the file, a missing, empty, huge, non-audio or non-regular file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmc-samples-'));
    const good = join(dir, 'good.wav');
    await writeFile(good, wavHeader());
    const text = join(dir, 'notes.wav');
    await writeFile(text, 'just text pretending to be audio');
    const empty = join(dir, 'empty.wav');
    await writeFile(empty, '');
    const huge = join(dir, 'huge.wav');
    await writeFile(huge, wavHeader());
    await truncate(huge, MAX_SAMPLE_BYTES + 1);
    const link = join(dir, 'link.wav');
    await symlink(dir, link);

    expect(await readAudioSamples([good])).toEqual([
      { filename: 'good.wav', contentType: 'audio/wav', data: expect.any(Uint8Array) },
    ]);
    const refusal = async (files: string[]) =>
      readAudioSamples(files).then(
        () => 'accepted',
        (error: Error) => error,
      );
    for (const [file, reason] of [
      [join(dir, 'missing.wav'), 'no such file'],
      [empty, 'empty'],
      [huge, 'MB a sample may have'],
      [text, 'not an audio file'],
      [dir, 'not a regular file'],
      [link, 'not a regular file'],
      ['/dev/zero', 'not a regular file'],
    ] as const) {
      const error = await refusal([good, file]);
      expect(error, file).toBeInstanceOf(AudioSampleError);
      expect((error as Error).message).toContain(JSON.stringify(file));
      expect((error as Error).message).toContain(reason);
    }
    expect(await refusal([])).toBeInstanceOf(AudioSampleError);
  });
});
