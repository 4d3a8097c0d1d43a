import type { ReportableRow } from '../../../src/reports/reportRecord.js';
import type { AttemptRecord, FinalOutcome, RowResult } from '../../../src/results/rowResult.js';

/** Small builders for hand-made contacts rows and results. */
export const CAMPAIGN = 'spring-recall';

export function contactRow(line: number, overrides: Partial<ReportableRow> = {}): ReportableRow {
  return {
    line,
    rowKey: `r${line}`,
    columns: { name: `Patient ${line}`, phone: `070-123 45 ${String(line).padStart(2, '0')}` },
    phoneE164: `+467012345${String(line).padStart(2, '0')}`,
    status: 'valid',
    ...overrides,
  };
}

export function attempt(n: number, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: n,
    clientRequestId: `${CAMPAIGN}:r:${n}`,
    sid: `CA${n}`,
    status: 'completed',
    startedAt: '2026-02-14T10:00:00.000Z',
    endedAt: '2026-02-14T10:01:00.000Z',
    durationS: 60,
    credits: 2,
    ...overrides,
  };
}

export function rowResult(
  row: ReportableRow,
  outcome: FinalOutcome,
  attempts: AttemptRecord[],
  overrides: Partial<RowResult> = {},
): RowResult {
  return {
    campaignId: CAMPAIGN,
    rowKey: row.rowKey,
    line: row.line,
    columns: row.columns,
    ...(row.phoneE164 === undefined ? {} : { phoneE164: row.phoneE164 }),
    outcome,
    attempts,
    recordedAt: '2026-02-14T10:05:00.000Z',
    ...overrides,
  };
}

export async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
