/**
 * A tiny PCM WAV encoder and tone generator, so recordings are real, playable
 * audio without an audio library: 8 kHz, mono, 16-bit little-endian.
 */
export const WAV_SAMPLE_RATE = 8000;

export function encodeWav(samples: Int16Array, sampleRate = WAV_SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const buffer = Buffer.alloc(44 + dataBytes);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16); // fmt chunk size
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buffer.writeUInt16LE(2, 32); // block align
  buffer.writeUInt16LE(16, 34); // bits per sample
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i += 1) buffer.writeInt16LE(samples[i] ?? 0, 44 + i * 2);
  return buffer;
}

/**
 * `seconds` of alternating tones, one per conversational turn (a higher pitch for
 * the assistant, a lower one for the callee), each faded in and out with a short
 * pause between, so a listener hears the shape of the call.
 */
export function turnTones(seconds: number, turns: number, sampleRate = WAV_SAMPLE_RATE): Int16Array {
  const total = Math.max(1, Math.round(seconds * sampleRate));
  const samples = new Int16Array(total);
  const segments = Math.max(1, turns);
  const segmentLength = Math.floor(total / segments);
  const gap = Math.floor(sampleRate * 0.1);
  const fade = Math.floor(sampleRate * 0.02);
  for (let segment = 0; segment < segments; segment += 1) {
    const frequency = segment % 2 === 0 ? 660 : 440;
    const start = segment * segmentLength;
    const length = Math.max(0, segmentLength - gap);
    for (let i = 0; i < length && start + i < total; i += 1) {
      const envelope = Math.min(1, i / fade, (length - i) / fade);
      samples[start + i] = Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 8000 * envelope);
    }
  }
  return samples;
}
