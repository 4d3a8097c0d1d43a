import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** ElevenLabs takes samples up to 10 MB each; more is refused before anything is sent. */
export const MAX_SAMPLE_BYTES = 10 * 1024 * 1024;
/** And a few minutes of audio in all: one upload stays a bounded request. */
export const MAX_TOTAL_SAMPLE_BYTES = 50 * 1024 * 1024;
export const MAX_SAMPLES = 25;

export interface AudioSample {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export class AudioSampleError extends Error {
  override readonly name = 'AudioSampleError';
}

/**
 * The audio type of a file from its first bytes, not its name: a renamed text file or
 * image is refused before it is uploaded as someone's voice.
 */
export function sniffAudioType(head: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString('latin1');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
  // An MPEG audio frame header: 11 sync bits.
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) return 'audio/mpeg';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(4, 8) === 'ftyp') return 'audio/mp4';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'audio/webm';
  return undefined;
}

/**
 * Reads the sample files for a voice clone, refusing (AudioSampleError naming the file)
 * one that is missing, not a regular file (a directory, /dev/zero, a FIFO), empty,
 * larger than MAX_SAMPLE_BYTES, or not audio. The size is checked before reading.
 */
export async function readAudioSamples(files: readonly string[]): Promise<AudioSample[]> {
  if (files.length === 0) throw new AudioSampleError('give at least one audio sample file');
  if (files.length > MAX_SAMPLES) throw new AudioSampleError(`at most ${MAX_SAMPLES} sample files`);
  const samples: AudioSample[] = [];
  let total = 0;
  for (const file of files) {
    const shown = JSON.stringify(file.slice(0, 200));
    let resolved: string;
    try {
      resolved = await realpath(file);
    } catch {
      throw new AudioSampleError(`${shown}: no such file`);
    }
    const info = await stat(resolved);
    if (!info.isFile()) throw new AudioSampleError(`${shown}: not a regular file`);
    if (info.size === 0) throw new AudioSampleError(`${shown}: the file is empty`);
    if (info.size > MAX_SAMPLE_BYTES) {
      throw new AudioSampleError(
        `${shown}: ${info.size} bytes is more than the ${MAX_SAMPLE_BYTES / 1024 / 1024} MB a sample may have`,
      );
    }
    total += info.size;
    if (total > MAX_TOTAL_SAMPLE_BYTES) {
      throw new AudioSampleError(
        `${shown}: the samples come to more than ${MAX_TOTAL_SAMPLE_BYTES / 1024 / 1024} MB`,
      );
    }
    const handle = await open(resolved, 'r');
    let data: Uint8Array;
    try {
      // Read at most what stat said: a file that grows meanwhile cannot make us read more.
      const buffer = Buffer.alloc(info.size);
      const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
      data = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const contentType = sniffAudioType(data.subarray(0, 16));
    if (contentType === undefined) {
      throw new AudioSampleError(`${shown}: not an audio file (expected WAV, MP3, M4A, OGG, FLAC or WebM)`);
    }
    samples.push({ filename: path.basename(resolved), contentType, data });
  }
  return samples;
}
