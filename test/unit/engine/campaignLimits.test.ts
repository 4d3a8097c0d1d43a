import { describe, expect, it } from 'vitest';
import { campaignSchema } from '../../../src/campaign/campaignSchema.js';
import {
  concurrencyProblem,
  MAX_CALLS_PER_MINUTE,
  MAX_CONCURRENCY,
} from '../../../src/engine/campaignLimits.js';
import { BASE_CAMPAIGN } from '../campaign/campaignFixture.js';

const accepts = (overrides: object) => campaignSchema.safeParse({ ...BASE_CAMPAIGN, ...overrides }).success;

describe('campaign limits', () => {
  it('lets campaign.json ask for hundreds of calls at once, as large accounts run', () => {
    expect(accepts({ concurrency: 500, callsPerMinute: 3_000 })).toBe(true);
  });

  it('agrees with the set-concurrency validator at both ends and beyond them', () => {
    for (const concurrency of [0, 1, 2.5, MAX_CONCURRENCY, MAX_CONCURRENCY + 1, Number.NaN]) {
      expect(accepts({ concurrency }), String(concurrency)).toBe(
        concurrencyProblem(concurrency) === undefined,
      );
    }
  });

  it('names the range in the refusal', () => {
    expect(concurrencyProblem(MAX_CONCURRENCY + 1)).toBe(
      `concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${MAX_CONCURRENCY + 1}`,
    );
  });

  it('caps callsPerMinute at the constant, not below it', () => {
    expect(accepts({ callsPerMinute: MAX_CALLS_PER_MINUTE })).toBe(true);
    expect(accepts({ callsPerMinute: MAX_CALLS_PER_MINUTE + 1 })).toBe(false);
  });
});
