/**
 * One line of `cmc doctor`: what was checked, whether it passed, and for a failure
 * what to do. `skip` is a check that does not apply (or could not run because an
 * earlier one failed); it does not fail the doctor by itself.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface PreflightCheck {
  /** Short, stable name, e.g. "temporal", "webhook receiver". */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a failure (or a skip worth acting on). */
  fix?: string;
}

export const pass = (name: string, detail: string): PreflightCheck => ({ name, status: 'pass', detail });
export const fail = (name: string, detail: string, fix: string): PreflightCheck => ({
  name,
  status: 'fail',
  detail,
  fix,
});
export const skip = (name: string, detail: string, fix?: string): PreflightCheck => ({
  name,
  status: 'skip',
  detail,
  ...(fix === undefined ? {} : { fix }),
});

/** The text of an error for a check line: its message, first line only. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'unknown error';
}
