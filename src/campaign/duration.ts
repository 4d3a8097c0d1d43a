import { quotedExcerpt } from './quotedExcerpt.js';

/**
 * Strict durations for campaign files: whole numbers with units, largest unit first,
 * each unit at most once ("90s", "2m", "1h30m", "1d", "500ms"). Anything looser
 * ("1.5h", "2 min", "5", "30m1h") is rejected, because a mistyped pacing or retry
 * delay is a silent bug in a running campaign.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

/**
 * The longest duration a campaign setting may have. Temporal timers would take
 * longer ones, but no retry delay or recheck interval means more than a month: a
 * larger value is a typo, and a big enough one is not even a whole number of ms.
 */
export const MAX_DURATION_MS = 30 * UNIT_MS.d;
export const MAX_DURATION_TEXT = '30d';

/** Also exported into the JSON Schema so editors flag a bad duration while typing. */
export const DURATION_PATTERN = '^(?=\\d)(?:\\d+d)?(?:\\d+h)?(?:\\d+m(?!s))?(?:\\d+s)?(?:\\d+ms)?$';

const durationRegex = new RegExp(DURATION_PATTERN);
const partRegex = /(\d+)(ms|d|h|m|s)/g;

export const DURATION_HINT =
  'use whole numbers with units d, h, m, s or ms, largest first, e.g. "90s", "2m", "1h30m"';

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/** The largest duration a caller accepts, and how its message says it. */
export interface DurationLimit {
  ms: number;
  text: string;
}

/**
 * Returns the duration in milliseconds, at most `limit` (MAX_DURATION_MS for campaign
 * settings; a retention period may allow more); throws a DurationError that quotes the
 * bad text.
 */
export function parseDuration(
  text: string,
  limit: DurationLimit = { ms: MAX_DURATION_MS, text: MAX_DURATION_TEXT },
): number {
  if (typeof text !== 'string' || text === '' || !durationRegex.test(text)) {
    throw new DurationError(`invalid duration ${quotedExcerpt(String(text))}: ${DURATION_HINT}`);
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(partRegex)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  // Also catches sums past Number.MAX_SAFE_INTEGER, and Infinity.
  if (!(total <= limit.ms)) {
    throw new DurationError(`${quotedExcerpt(text)} is too large: a duration may be at most ${limit.text}`);
  }
  return total;
}

/** "2h 00m" / "3m 00s" / "45s": a span for people to read (how long a run waited or will wait). */
export function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours > 0) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
