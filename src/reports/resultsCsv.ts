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

/**
 * What results.csv needs of one record, without its transcript: taken in the report's
 * first pass, and turned into a line once every row's columns are known.
 */
export interface CsvRowParts {
  columns: Record<string, string>;
  /** The RESULT_COLUMNS cells, in order. */
  cells: string[];
}

export function csvRowParts(record: ReportRecord): CsvRowParts {
  const figures = recordFigures(record);
  return {
    columns: record.row.columns,
    cells: [
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
    ],
  };
}

export function resultsCsvRow(parts: CsvRowParts, originalColumns: readonly string[]): string {
  return safeLine([...originalColumns.map((name) => parts.columns[name] ?? ''), ...parts.cells]);
}

function safeLine(cells: readonly string[]): string {
  return csvLine(cells.map(spreadsheetSafe));
}
