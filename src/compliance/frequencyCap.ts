import { DurationError, parseDuration } from '../campaign/duration.js';

/** At most `calls` start-calls to one number within `perMs`, in any campaign. */
export interface FrequencyCap {
  calls: number;
  perMs: number;
  /** Where the cap comes from, for the audit: "campaign", "CMC_FREQUENCY_CAP", "us-tcpa (FL)". */
  source: string;
}

/** The longest period a cap may count over: a year. */
const MAX_CAP_PERIOD = { ms: 366 * 86_400_000, text: '366d' };

/** `CMC_FREQUENCY_CAP`, e.g. "3/24h": calls / period. Throws a message naming the variable, never guessing. */
export function parseFrequencyCap(text: string, source: string): FrequencyCap {
  const match = /^(\d{1,3})\/(\S+)$/.exec(text.trim());
  const calls = match ? Number(match[1]) : Number.NaN;
  if (!match || calls < 1 || calls > 100) {
    throw new DurationError(`${source} must look like "3/24h" (1 to 100 calls per period)`);
  }
  try {
    return { calls, perMs: parseDuration(match[2], MAX_CAP_PERIOD), source };
  } catch (error) {
    throw new DurationError(`${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** "3 calls per 24h" */
export function describeFrequencyCap(cap: FrequencyCap): string {
  const hours = cap.perMs / 3_600_000;
  const period = Number.isInteger(hours) ? `${hours}h` : `${Math.round(cap.perMs / 60_000)}m`;
  return `${cap.calls} call${cap.calls === 1 ? '' : 's'} per ${period} (${cap.source})`;
}
