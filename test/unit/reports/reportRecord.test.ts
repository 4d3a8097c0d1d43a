import { describe, expect, it } from 'vitest';
import { APPOINTMENT_CONFIRMATION } from '../../../src/dispositions/defaultDispositions.js';
import {
  type ReportableRow,
  recordFigures,
  toReportRecord as toRecord,
} from '../../../src/reports/reportRecord.js';
import type { RowResult } from '../../../src/results/rowResult.js';
import { attempt, contactRow, rowResult } from './reportFixtures.js';

const toReportRecord = (row: ReportableRow, result: RowResult | undefined) =>
  toRecord(row, result, APPOINTMENT_CONFIRMATION);

describe('toReportRecord', () => {
  it('keeps the contacts file verdict for rows that were never to be called, whatever the store says', () => {
    const row = contactRow(4, { status: 'invalid', column: 'phone', reason: 'not a phone number' });
    const record = toReportRecord(row, rowResult(row, 'completed', [attempt(1)]));
    expect(record).toMatchObject({ outcome: 'invalid', error: 'phone: not a phone number', result: null });
  });

  it('explains duplicates and suppressed rows', () => {
    expect(toReportRecord(contactRow(5, { status: 'duplicate', duplicateOf: 3 }), undefined).error).toBe(
      'duplicate of line 3',
    );
    const suppressed = contactRow(6, {
      status: 'suppressed',
      reason: 'on the suppression list dnc.csv (line 9)',
    });
    expect(toReportRecord(suppressed, undefined)).toMatchObject({
      outcome: 'suppressed',
      error: 'on the suppression list dnc.csv (line 9)',
    });
  });

  it('marks a valid row without a result as pending (a report written mid-run)', () => {
    expect(toReportRecord(contactRow(2), undefined)).toMatchObject({ outcome: 'pending', result: null });
  });

  it("shows the last attempt's error for a row that did not complete, not for one that did", () => {
    const row = contactRow(2);
    const failed = rowResult(row, 'failed', [
      attempt(1, { status: 'busy', error: 'busy' }),
      attempt(2, { status: 'failed', error: 'carrier error' }),
    ]);
    expect(toReportRecord(row, failed).error).toBe('carrier error');
    const completed = rowResult(row, 'completed', [
      attempt(1, { status: 'busy', error: 'busy' }),
      attempt(2),
    ]);
    expect(toReportRecord(row, completed).error).toBeUndefined();
  });
});

describe('recordFigures', () => {
  it('adds up duration and credits over attempts and keeps the last SID', () => {
    const row = contactRow(2);
    const result = rowResult(
      row,
      'completed',
      [
        attempt(1, { sid: 'CA-a', durationS: 0, credits: 0 }),
        attempt(2, { sid: 'CA-b', durationS: 61.5, credits: 3 }),
      ],
      { goalCompleted: true, recording: 'recordings/r2-2.mp3' },
    );
    expect(recordFigures(toReportRecord(row, result))).toEqual({
      attempts: 2,
      lastSid: 'CA-b',
      durationS: 61.5,
      credits: 3,
      goalCompleted: true,
      recording: 'recordings/r2-2.mp3',
    });
  });
});
