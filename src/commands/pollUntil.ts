import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../campaign/duration.js';

/** How long --wait may wait at most: a day. */
const MAX_WAIT = { ms: 24 * 3_600_000, text: '24h' };

/** Parses a --timeout value such as "10m" or "90s" into milliseconds. */
export function waitTimeoutOption(value: string): number {
  try {
    return parseDuration(value, MAX_WAIT);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * Reads `read` every `intervalMs` until `done` says so or `timeoutMs` passes; returns the
 * last value read and whether it is done. Read failures are the caller's to throw.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { intervalMs: number; timeoutMs: number; onValue?: (value: T) => void },
): Promise<{ value: T; done: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    options.onValue?.(value);
    if (done(value)) return { value, done: true };
    if (Date.now() + options.intervalMs > deadline) return { value, done: false };
    await sleep(options.intervalMs);
  }
}
