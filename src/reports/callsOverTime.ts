/**
 * Calls ended per time bucket, for the "calls over time" chart. The bucket grows with
 * the campaign's span so the chart keeps at most ~MAX_BUCKETS bars: one minute for a
 * short run, up to a day for a campaign spread over weeks.
 */
export interface CallsOverTime {
  bucketMinutes: number;
  /** Start of the first bucket (ms since the epoch, UTC). */
  startMs: number;
  counts: number[];
}

const BUCKET_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440];
const MAX_BUCKETS = 120;
const MINUTE_MS = 60_000;

export function callsOverTime(endedAtMs: readonly number[]): CallsOverTime | null {
  if (endedAtMs.length === 0) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const ms of endedAtMs) {
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  const spanMinutes = (max - min) / MINUTE_MS;
  const bucketMinutes =
    BUCKET_MINUTES.find((size) => spanMinutes / size < MAX_BUCKETS) ?? (BUCKET_MINUTES.at(-1) as number);
  const bucketMs = bucketMinutes * MINUTE_MS;
  const startMs = Math.floor(min / bucketMs) * bucketMs;
  const counts = new Array<number>(Math.floor((max - startMs) / bucketMs) + 1).fill(0);
  for (const ms of endedAtMs) {
    const index = Math.floor((ms - startMs) / bucketMs);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return { bucketMinutes, startMs, counts };
}
