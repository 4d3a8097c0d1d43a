/**
 * Campaign ids and row keys become file and folder names. Only a plain, non-empty
 * name made of `[A-Za-z0-9._:-]` with no `..` can never climb out of its folder or
 * name a hidden/temp file, whatever a campaign file or a CSV says.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9._:-]+$/;
const MAX_LENGTH = 200;

export class UnsafePathSegmentError extends Error {
  override readonly name = 'UnsafePathSegmentError';
}

export function isSafePathSegment(value: string): boolean {
  return (
    value.length > 0 &&
    value.length <= MAX_LENGTH &&
    SAFE_SEGMENT.test(value) &&
    !value.includes('..') &&
    // A leading dot would be a hidden file, and our temp files start with one.
    !value.startsWith('.')
  );
}

/** Throws unless `value` is safe as one path segment; `what` names it in the message. */
export function assertSafePathSegment(what: string, value: string): string {
  if (!isSafePathSegment(value)) {
    // JSON.stringify shows control characters as escapes instead of printing them raw.
    throw new UnsafePathSegmentError(
      `${what} ${JSON.stringify(value.slice(0, 80))} is not allowed: use 1-${MAX_LENGTH} characters of A-Z a-z 0-9 . _ : - (no "..", no leading ".")`,
    );
  }
  return value;
}
