/**
 * How far campaign.json and `cmc set-concurrency` may go: one definition for the
 * schema, the campaign workflow's update validator and the CLI's help. High on
 * purpose: large accounts run hundreds of calls at once, and CallMyCall's 429 is
 * the real limit (the runner slows down on it by itself).
 */
export const MAX_CONCURRENCY = 1_000;
/** 100 starts a second. */
export const MAX_CALLS_PER_MINUTE = 6_000;

/** Why `concurrency` cannot be used, or undefined when it can. */
export function concurrencyProblem(concurrency: number): string | undefined {
  return Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY
    ? undefined
    : `concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${concurrency}`;
}
