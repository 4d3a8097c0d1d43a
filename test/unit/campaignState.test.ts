import { describe, expect, it } from 'vitest';
import { fullJitterBackoffMs } from '../../src/activities/backoff.js';
import type { CampaignPlan } from '../../src/engine/campaignPlan.js';
import { CampaignState } from '../../src/workflows/campaignState.js';

const plan = (overrides: Partial<CampaignPlan> = {}): CampaignPlan => ({
  campaignId: 'c1',
  name: 'Test',
  concurrency: 2,
  callsPerMinute: 60,
  maxAttempts: 2,
  retryOn: ['no-answer'],
  retryDelayMs: 1_000,
  budget: 10,
  estimatePerCall: 3,
  ambiguousStart: 'unknown',
  reconcileAfterMs: 1_000,
  creditRecheckEveryMs: 1_000,
  maxCallDurationMs: 60_000,
  webhookGraceMs: 1_000,
  priceWebhook: false,
  callingWindow: { timezone: 'UTC', days: ['mon'], startMinute: 0, endMinute: 1440 },
  totalRows: 5,
  validRows: 4,
  ...overrides,
});

describe('CampaignState', () => {
  it('counts reserved credits against the budget until an attempt settles', () => {
    const state = CampaignState.fresh(plan(), '2026-11-23T00:00:00Z', 0);
    state.reserve('a');
    state.reserve('b');
    expect(state.reserved).toBe(6);
    expect(state.budgetAllowsAnother()).toBe(true); // 0 + 6 + 3 <= 10
    state.reserve('c');
    expect(state.budgetAllowsAnother()).toBe(false); // 0 + 9 + 3 > 10
    state.settle('a', 1);
    state.settle('a', 1); // a duplicate report changes nothing
    expect(state.data.creditsSpent).toBe(1);
    expect(state.reserved).toBe(6);
    expect(state.budgetAllowsAnother()).toBe(true); // 1 spent + 6 reserved (b, c) + 3 = 10: exactly the budget
    state.reserve('d');
    expect(state.budgetAllowsAnother()).toBe(false);
  });

  it('limits slots to concurrency and stops granting when paused', () => {
    const state = CampaignState.fresh(plan({ budget: undefined }), '2026-11-23T00:00:00Z', 0);
    expect(state.canGrant()).toBe(true);
    state.reserve('a');
    state.reserve('b');
    expect(state.canGrant()).toBe(false);
    state.rowFinished('a', 'completed', 1, true);
    expect(state.canGrant()).toBe(true);
    state.data.pausedByOperator = true;
    expect(state.canGrant()).toBe(false);
  });

  it('gives each slot of a user-on-call campaign its own operator phone, and frees it with the slot', () => {
    const state = CampaignState.fresh(
      plan({ budget: undefined, concurrency: 5, operatorPhones: 2 }),
      '2026-11-23T00:00:00Z',
      0,
    );
    expect(state.slotLimit).toBe(2); // two operators: two calls at once, whatever concurrency says
    expect(state.reserve('a')).toBe(0);
    expect(state.reserve('b')).toBe(1);
    expect(state.canGrant()).toBe(false);
    expect(state.progress(0).concurrency).toBe(2);

    state.settle('a', 1); // attempt over (the row re-attempts later): operator 0 is free
    expect(state.canGrant()).toBe(true);
    expect(state.reserve('c')).toBe(0);
    state.creditsExhausted('b', 0); // a 402 releases the slot and its operator too
    state.data.pausedForCredits = undefined;
    expect(state.reserve('a')).toBe(1);
    state.rowFinished('c', 'completed', 1, true);
    expect(state.reserve('d')).toBe(0);
    expect(Object.values(state.data.operatorOf ?? {}).sort()).toEqual([0, 1]);

    // Carried across continue-as-new: the rows in flight keep theirs, a new one gets the free one.
    const next = new CampaignState(JSON.parse(JSON.stringify(state.carry())));
    next.rowFinished('a', 'completed', 1, true);
    expect(next.reserve('e')).toBe(1);
    // Raising concurrency does not raise the operator bound.
    next.data.concurrency = 10;
    expect(next.slotLimit).toBe(2);
    expect(next.canGrant()).toBe(false);
  });

  it('assigns no operator in a campaign without operator phones', () => {
    const state = CampaignState.fresh(plan({ budget: undefined }), '2026-11-23T00:00:00Z', 0);
    expect(state.reserve('a')).toBeUndefined();
    expect(state.data.operatorOf).toBeUndefined();
  });

  it('counts a row reported finished twice once, and remembers that across continue-as-new', () => {
    const state = CampaignState.fresh(plan({ budget: undefined, validRows: 2 }), '2026-11-23T00:00:00Z', 0);
    state.data.started = 2;
    state.reserve('a');
    state.reserve('b');
    state.rowFinished('a', 'completed', 1, true, 0);
    state.rowFinished('a', 'completed', 1, true, 0);
    expect(state.data.finished).toBe(1);
    expect(state.data.outcomes).toEqual({ completed: 1 });
    expect(state.isDone()).toBe(false); // row b is still calling
    for (const bogus of [2, -1, 1.5, 1e12]) state.rowFinished('b', 'completed', 1, true, bogus);
    expect(state.data.finished).toBe(1);
    const next = new CampaignState(JSON.parse(JSON.stringify(state.carry())));
    next.rowFinished('a', 'completed', 1, true, 0);
    expect(next.data.finished).toBe(1);
    next.rowFinished('b', 'busy', 0, true, 1);
    expect(next.data.outcomes).toEqual({ completed: 1, busy: 1 });
    expect(next.isDone()).toBe(true);
  });

  it('counts reports without a row index (call workflows from before it existed) as they come', () => {
    const state = CampaignState.fresh(plan({ budget: undefined }), '2026-11-23T00:00:00Z', 0);
    state.rowFinished('a', 'completed', 1, false);
    state.rowFinished('a', 'completed', 1, false);
    expect(state.data.finished).toBe(2);
  });

  it('paces grants with a token bucket and honours Retry-After', () => {
    const state = CampaignState.fresh(plan({ callsPerMinute: 60 }), '2026-11-23T00:00:00Z', 0);
    expect(state.msUntilNextGrant(0)).toBe(0);
    state.tookGrant(0);
    expect(state.msUntilNextGrant(0)).toBe(1_000); // one call per second
    expect(state.msUntilNextGrant(1_000)).toBe(0);
    state.rateLimited(1_000, 5_000);
    expect(state.data.currentCallsPerMinute).toBe(30); // halved
    expect(state.msUntilNextGrant(1_000)).toBe(5_000); // Retry-After holds every grant
    state.rateLimited(2_000, undefined); // the same burst does not halve again
    expect(state.data.currentCallsPerMinute).toBe(30);
    state.rowFinished('x', 'completed', 1, false);
    expect(state.data.currentCallsPerMinute).toBe(31); // additive increase
  });

  it('is not done while rows remain or stopping still has to close unstarted rows', () => {
    const state = CampaignState.fresh(plan(), '2026-11-23T00:00:00Z', 0);
    expect(state.isDone()).toBe(false);
    state.data.stopping = { reason: 'not_called_budget', unstartedRecorded: false };
    expect(state.isDone()).toBe(false);
    state.data.stopping.unstartedRecorded = true;
    expect(state.isDone()).toBe(true);
  });
});

describe('fullJitterBackoffMs', () => {
  it('grows exponentially to a cap, scaled by the random draw', () => {
    expect(fullJitterBackoffMs(1, () => 1)).toBe(1_000);
    expect(fullJitterBackoffMs(4, () => 1)).toBe(8_000);
    expect(fullJitterBackoffMs(20, () => 1)).toBe(60_000);
    expect(fullJitterBackoffMs(4, () => 0.5)).toBe(4_000);
    expect(fullJitterBackoffMs(4, () => 0)).toBe(0);
  });
});

describe('CampaignState after a 402', () => {
  it('lets exactly one probe attempt start per re-check, and ends the pause when it gets through', () => {
    const state = CampaignState.fresh(plan({ budget: undefined, concurrency: 3 }), '2026-11-23T00:00:00Z', 0);
    state.reserve('a');
    state.creditsExhausted('a', 0, 3, 5);
    expect(state.paused).toBe(true);
    expect(state.canGrant()).toBe(false);

    state.armCreditProbe();
    expect(state.canGrant()).toBe(true);
    state.reserve('b'); // the probe
    expect(state.canGrant()).toBe(false); // one probe, not `concurrency` of them
    expect(state.paused).toBe(true);

    state.creditsExhausted('b', 1, 3, 5); // still no credits: stays paused, no probe out
    expect(state.canGrant()).toBe(false);

    state.armCreditProbe();
    state.reserve('c');
    state.settle('c', 2); // the probe's call went through: credits are back
    expect(state.paused).toBe(false);
    expect(state.canGrant()).toBe(true);
  });
});
