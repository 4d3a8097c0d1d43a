import { describe, expect, it } from 'vitest';
import { AttemptEvents, MAX_CANDIDATE_SIDS } from '../../../src/engine/attemptEvents.js';
import type { CallEvent } from '../../../src/engine/callEvent.js';

const completed = (sid: string, status = 'completed'): CallEvent => ({
  attempt: 1,
  event: 'call_completed',
  sid,
  status,
});
const price = (sid: string, credits?: number): CallEvent => ({
  attempt: 1,
  event: 'price_updated',
  sid,
  ...(credits === undefined ? {} : { credits }),
});

describe('AttemptEvents', () => {
  it('keeps the first call_completed and the first priced price_updated per call', () => {
    const events = new AttemptEvents();
    events.add(completed('CA1'));
    events.add(completed('CA1', 'failed')); // a duplicate or replay with other content changes nothing
    events.add(price('CA1'));
    events.add(price('CA1', 4));
    events.add(price('CA1', 99));
    expect(events.completed('CA1')?.status).toBe('completed');
    expect(events.credits('CA1')).toBe(4);
  });

  it('once bound to its call, drops events about any other call', () => {
    const events = new AttemptEvents();
    events.add(completed('CA-other'));
    events.bind('CA1');
    expect(events.add(completed('CA-replayed', 'failed'))).toBe(false);
    expect(events.candidates).toEqual([]);
    expect(events.add(completed('CA1'))).toBe(true);
    expect(events.completed('CA1')?.status).toBe('completed');
    expect(events.completed('CA-replayed')).toBeUndefined();
  });

  it('before that, lists candidate sids in arrival order, bounded, and forgets rejected ones', () => {
    const events = new AttemptEvents();
    for (let i = 0; i < MAX_CANDIDATE_SIDS + 5; i++)
      events.add({ attempt: 1, event: 'call_started', sid: `CA${i}` });
    expect(events.candidates).toHaveLength(MAX_CANDIDATE_SIDS);
    expect(events.candidates[0]).toBe('CA0');
    events.reject('CA0');
    expect(events.candidates[0]).toBe('CA1');
    // A rejected sid frees its place for a new candidate.
    expect(events.add(completed('CA-new'))).toBe(true);
    expect(events.candidates).toContain('CA-new');
  });
});
