import { describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../../src/webhooks/replayGuard.js';

const T = 1_739_511_142;

describe('ReplayGuard', () => {
  it('calls a delivery a replay only after it was accepted', () => {
    const guard = new ReplayGuard({ windowSeconds: 300 });
    expect(guard.claim('a', T)).toBe('new');
    expect(guard.claim('a', T)).toBe('in_flight');
    guard.settle('a'); // Temporal did not take it (503): the retry must get through
    expect(guard.claim('a', T + 1)).toBe('new');
    guard.settle('a', T);
    expect(guard.claim('a', T + 2)).toBe('replay');
    expect(guard.claim('b', T + 2)).toBe('new');
  });

  it('forgets a delivery once its signature is stale anyway', () => {
    const guard = new ReplayGuard({ windowSeconds: 300 });
    guard.claim('a', T);
    guard.settle('a', T);
    expect(guard.claim('a', T + 300)).toBe('replay');
    expect(guard.claim('a', T + 301)).toBe('new');
    guard.settle('a');
    expect(guard.size).toBe(0);
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const guard = new ReplayGuard({ windowSeconds: 300, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) {
      guard.claim(key, T);
      guard.settle(key, T);
    }
    expect(guard.size).toBe(3);
    expect(guard.claim('d', T)).toBe('replay');
    expect(guard.claim('a', T)).toBe('new');
  });
});
