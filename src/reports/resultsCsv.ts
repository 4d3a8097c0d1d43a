import { csvLine } from './csvCell.js';
import { type ReportRecord, recordFigures } from './reportRecord.js';
import { spreadsheetSafe } from './spreadsheetSafe.js';

/**
 * results.csv: the contacts file's own columns (the union of every row's headers, in
 * first-seen order), then what happened to the row. Every cell, headers included,
 * goes through spreadsheetSafe, so `phone_e164` reads `'+46701234567`.
 */
export const RESULT_COLUMNS = [
  'row_key',
  'line',
  'phone_e164',
  'outcome',
  'goal_completed',
  'attempts',
  'last_sid',
  'duration_s',
  'credits',
  'recording',
  'error',
] as const;

/** UTF-8 byte order mark: without it Excel reads the file as ANSI and mangles å, ä, ö. */
export const UTF8_BOM = '\uFEFF';

export function resultsCsvHeader(originalColumns: readonly string[]): string {
  return safeLine([...originalColumns, ...RESULT_COLUMNS]);
}

export function resultsCsvRow(record: ReportRecord, originalColumns: readonly string[]): string {
  const figures = recordFigures(record);
  const columns = record.row.columns;
  return safeLine([
    ...originalColumns.map((name) => columns[name] ?? ''),
    record.rowKey,
    String(record.line),
    record.row.phoneE164 ?? '',
    record.outcome,
    figures.goalCompleted === undefined ? '' : String(figures.goalCompleted),
    String(figures.attempts),
    figures.lastSid ?? '',
    record.result === null ? '' : String(Math.round(figures.durationS * 10) / 10),
    record.result === null ? '' : String(Math.round(figures.credits * 1000) / 1000),
    figures.recording ?? '',
    record.error ?? '',
  ]);
}

function safeLine(cells: readonly string[]): string {
  return csvLine(cells.map(spreadsheetSafe));
}
