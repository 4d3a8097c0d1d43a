import { describe, expect, it } from 'vitest';
import { dispositionBreakdown } from '../../../src/commands/dispositionBreakdown.js';

describe('dispositionBreakdown (the end of `npm run demo` and `cmc report`)', () => {
  it('lists the dispositions some row has, the review queue and where report.html is', () => {
    const text = dispositionBreakdown(
      {
        dispositions: {
          opted_out: 0,
          reschedule_requested: 3,
          confirmed: 12,
          needs_review: 1,
          not_called: 2,
        },
        reviewQueue: 4,
      },
      '/r/demo-1/report.html',
    );
    expect(text).toBe(
      [
        'Dispositions:',
        '  reschedule_requested       3',
        '  confirmed                 12',
        '  needs_review               1',
        '  not_called                 2',
        'Review queue: 4 row(s) need a person: /r/demo-1/report.html#review-queue',
        '',
      ].join('\n'),
    );
  });

  it('says when the queue is empty and no row has a disposition yet', () => {
    expect(dispositionBreakdown({ dispositions: { confirmed: 0 }, reviewQueue: 0 }, '/r/report.html')).toBe(
      'Dispositions:\n  (no row has one yet)\nReview queue: empty, no row needs a person.\n',
    );
  });
});
