import { describe, expect, it } from 'vitest';
import { APPOINTMENT_CONFIRMATION } from '../../../src/dispositions/defaultDispositions.js';
import { dispositionNames } from '../../../src/reports/dispositionNames.js';
import { toReportRecord } from '../../../src/reports/reportRecord.js';
import { percentile, SummaryAccumulator } from '../../../src/reports/summary.js';
import { FINAL_OUTCOMES } from '../../../src/results/rowResult.js';
import { attempt, CAMPAIGN, contactRow, rowResult } from './reportFixtures.js';

const t = (minute: number) => `2026-02-14T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** Nine hand-made rows covering every kind of record the summary counts. */
function handMadeCampaign() {
  const r2 = contactRow(2);
  const r3 = contactRow(3);
  const r4 = contactRow(4, { status: 'invalid', reason: 'phone: not a phone number', phoneE164: undefined });
  const r5 = contactRow(5, { status: 'duplicate', duplicateOf: 2 });
  const r6 = contactRow(6);
  const r7 = contactRow(7);
  const r8 = contactRow(8);
  const r9 = contactRow(9);
  const r10 = contactRow(10);
  const results = new Map([
    [
      2,
      rowResult(
        r2,
        'completed',
        [attempt(1, { startedAt: t(0), endedAt: t(1), durationS: 30, credits: 1 })],
        { goalCompleted: true },
      ),
    ],
    [
      3,
      rowResult(
        r3,
        'completed',
        [
          attempt(1, {
            status: 'busy',
            startedAt: t(1),
            endedAt: t(2),
            durationS: 0,
            credits: 0,
            error: 'busy',
          }),
          attempt(2, { startedAt: t(3), endedAt: t(5), durationS: 120, credits: 4 }),
        ],
        { goalCompleted: false },
      ),
    ],
    [
      6,
      rowResult(r6, 'unknown', [attempt(1, { startedAt: t(2), endedAt: t(3), durationS: 45, credits: 2 })], {
        error: 'no final status after 30 min',
      }),
    ],
    [
      7,
      rowResult(r7, 'rejected', [
        {
          attempt: 1,
          clientRequestId: `${CAMPAIGN}:r7:1`,
          status: 'rejected',
          error: '400 Invalid phone_number',
        },
      ]),
    ],
    [
      9,
      rowResult(
        r9,
        'completed',
        [attempt(1, { startedAt: t(2), endedAt: t(4), durationS: 90, credits: 3 })],
        { goalCompleted: true },
      ),
    ],
    [
      10,
      rowResult(
        r10,
        'no-answer',
        [1, 2, 3].map((n) =>
          attempt(n, { status: 'no-answer', startedAt: t(n), endedAt: t(n + 1), durationS: 0, credits: 0 }),
        ),
      ),
    ],
  ]);
  const rows = [r2, r3, r4, r5, r6, r7, r8, r9, r10];
  return rows.map((row) => toReportRecord(row, results.get(row.line), APPOINTMENT_CONFIRMATION));
}

describe('percentile (nearest rank)', () => {
  const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it('picks the smallest value with at least p% at or below it', () => {
    expect(percentile(oneToTen, 50)).toBe(5);
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile(oneToTen, 95)).toBe(10);
    expect(percentile(oneToTen, 100)).toBe(10);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('SummaryAccumulator', () => {
  const summarize = (budget?: number) => {
    const acc = new SummaryAccumulator(dispositionNames(APPOINTMENT_CONFIRMATION));
    for (const record of handMadeCampaign()) acc.add(record);
    return acc.finish({
      campaignId: CAMPAIGN,
      campaignName: 'Spring recall',
      ...(budget === undefined ? {} : { budget }),
      now: () => new Date('2026-02-14T11:00:00.000Z'),
    });
  };

  it('counts every outcome, zeros included, with pending only while rows wait', () => {
    const summary = summarize(25);
    expect(summary.totalRows).toBe(9);
    for (const outcome of FINAL_OUTCOMES) expect(summary.outcomes).toHaveProperty(outcome);
    expect(summary.outcomes).toMatchObject({
      completed: 3,
      'no-answer': 1,
      busy: 0,
      invalid: 1,
      duplicate: 1,
      unknown: 1,
      rejected: 1,
      not_called_budget: 0,
      pending: 1,
    });
    const counted = Object.values(summary.outcomes).reduce((a, b) => a + b, 0);
    expect(counted).toBe(summary.totalRows);
  });

  it('leaves pending out once every valid row has a result', () => {
    const acc = new SummaryAccumulator(dispositionNames(APPOINTMENT_CONFIRMATION));
    for (const record of handMadeCampaign().filter((r) => r.outcome !== 'pending')) acc.add(record);
    expect(acc.finish({ campaignId: CAMPAIGN, campaignName: 'x' }).outcomes).not.toHaveProperty('pending');
  });

  it('rates goal completion over completed calls only', () => {
    const summary = summarize();
    expect(summary.completed).toBe(3);
    expect(summary.goalCompleted).toBe(2);
    expect(summary.goalCompletionRate).toBeCloseTo(2 / 3);
  });

  it('counts attempts in total and per valid row, and calls that got a SID', () => {
    const summary = summarize();
    expect(summary.attempts).toEqual({ total: 9, perRow: { '0': 1, '1': 4, '2': 1, '3': 1 } });
    expect(summary.callsPlaced).toBe(8);
  });

  it('sets credits against the budget', () => {
    expect(summarize(25).credits).toEqual({ spent: 10, budget: 25, remaining: 15, fractionOfBudget: 0.4 });
    expect(summarize().credits).toEqual({ spent: 10, budget: null, remaining: null, fractionOfBudget: null });
  });

  it('gives duration percentiles over connected calls', () => {
    // Connected: 30, 45, 90, 120 s (the zero-second busy and no-answer attempts are left out).
    expect(summarize().callDurationsS).toEqual({
      count: 4,
      total: 285,
      p50: 45,
      p90: 120,
      p95: 120,
      max: 120,
    });
  });

  it('takes start and end from the attempts when not given, and the wall time between them', () => {
    const summary = summarize();
    expect(summary.startedAt).toBe(t(0));
    expect(summary.endedAt).toBe(t(5));
    expect(summary.wallTimeS).toBe(300);
    expect(summary.generatedAt).toBe('2026-02-14T11:00:00.000Z');
  });

  it('lists unknown and rejected rows for a person to look at', () => {
    expect(summarize().needsHuman).toEqual([
      { line: 6, rowKey: 'r6', outcome: 'unknown', error: 'no final status after 30 min' },
      { line: 7, rowKey: 'r7', outcome: 'rejected', error: '400 Invalid phone_number' },
    ]);
  });

  it('buckets calls by the minute they ended', () => {
    const series = summarize().callsOverTime;
    expect(series?.bucketMinutes).toBe(1);
    expect(series?.startMs).toBe(Date.parse(t(1)));
    // Ends at minutes 1, 2, 5, 3, 4, 2, 3, 4 (the rejected attempt placed no call).
    expect(series?.counts).toEqual([1, 2, 2, 2, 1]);
  });
});
