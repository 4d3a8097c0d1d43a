const BASE_MS = 1_000;
const CAP_MS = 60_000;

/** "Full jitter" exponential backoff: a random delay in [0, min(cap, base * 2^(attempt-1))]. */
export function fullJitterBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}
