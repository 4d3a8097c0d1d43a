/** Recordings live in `recordings/` beside report.html; results name them by that relative path. */
export const RECORDINGS_PREFIX = 'recordings/';

/** Only a path into our own recordings folder may become a link or an `<audio src>`. */
const RECORDING_PATH = /^recordings\/[A-Za-z0-9_:-][A-Za-z0-9._:-]*\.(mp3|wav)$/;

/** `recording` when it is such a path, else null (`javascript:`, `../`, a URL: never linked). */
export function safeRecordingPath(recording: string | undefined): string | null {
  return recording !== undefined && RECORDING_PATH.test(recording) ? recording : null;
}
