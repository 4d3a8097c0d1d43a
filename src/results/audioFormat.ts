/**
 * What a downloaded recording must look like before it is kept: the content type the
 * server declared for the requested format, and the file's own signature, so an HTML
 * error page served with 200 never lands in the report as `…mp3`.
 */
export type RecordingFormat = 'mp3' | 'wav';

export const RECORDING_FORMATS: readonly RecordingFormat[] = ['mp3', 'wav'];

const CONTENT_TYPES: Record<RecordingFormat, readonly string[]> = {
  // audio/mp3 is not registered, but some servers send it for MP3.
  mp3: ['audio/mpeg', 'audio/mp3'],
  wav: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
};

/** `audio/mpeg; charset=binary` -> `audio/mpeg`. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

export function isExpectedContentType(format: RecordingFormat, contentType: string): boolean {
  return CONTENT_TYPES[format].includes(mediaTypeOf(contentType));
}

/** MP3: an ID3v2 tag or an MPEG audio frame sync (11 set bits, 0xFFE). */
export function looksLikeMp3(bytes: Uint8Array): boolean {
  if (bytes.length < 3) return false;
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) return true; // "ID3"
  return bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0;
}

/** WAV: `RIFF` <size> `WAVE`. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  return ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE';
}

export function hasAudioSignature(format: RecordingFormat, bytes: Uint8Array): boolean {
  return format === 'mp3' ? looksLikeMp3(bytes) : looksLikeWav(bytes);
}
