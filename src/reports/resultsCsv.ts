import { csvLine } from './csvCell.js';
import { type ReportRecord, recordFigures } from './reportRecord.js';
import { spreadsheetSafe } from './spreadsheetSafe.js';

/**
 * results.csv (and `cmc export --format csv`): the contacts file's own columns first (the
 * union of every row's headers, in first-seen order), so the file can be imported back as
 * it is; then what happened to the row; then what it means for the clinic, and one
 * column per value a disposition rule captured (`proposed_time`, ...). Every cell,
 * headers included, goes through spreadsheetSafe, so `phone_e164` reads `'+46701234567`.
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
  'why',
] as const;

/** After the outcome columns: the row's disposition, whether a person must act on it, and the rule that decided. */
export const DISPOSITION_COLUMNS = ['disposition', 'review', 'disposition_rule'] as const;

/** UTF-8 byte order mark: without it Excel reads the file as ANSI and mangles å, ä, ö. */
export const UTF8_BOM = '\uFEFF';

/** The variable columns of a results.csv, known once every row has been seen. */
export interface ResultsCsvLayout {
  /** The contacts file's own columns. */
  columns: readonly string[];
  /** Names of captured values, e.g. `proposed_time`. */
  captured: readonly string[];
}

export function resultsCsvHeader(layout: ResultsCsvLayout): string {
  const fixed = [...layout.columns, ...RESULT_COLUMNS, ...DISPOSITION_COLUMNS];
  const taken = new Set(fixed);
  // A captured value named like a column before it (`name`, `outcome`) would make two
  // columns of one name, and an import by header would pick the wrong one.
  const captured = layout.captured.map((name) => (taken.has(name) ? `captured_${name}` : name));
  return safeLine([...fixed, ...captured]);
}

/**
 * What results.csv needs of one record, without its transcript: taken as the rows are
 * read, and turned into a line once every row's columns are known (ResultsCsvWriter).
 */
export interface CsvRowParts {
  columns: Record<string, string>;
  /** The RESULT_COLUMNS then DISPOSITION_COLUMNS cells, in order. */
  cells: string[];
  captured?: Record<string, string>;
}

export function csvRowParts(record: ReportRecord): CsvRowParts {
  const figures = recordFigures(record);
  const disposition = record.disposition;
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
      record.why,
      disposition?.disposition ?? '',
      disposition === null ? '' : String(disposition.review),
      disposition?.rule ?? '',
    ],
    ...(disposition?.captured === undefined ? {} : { captured: disposition.captured }),
  };
}

export function resultsCsvRow(parts: CsvRowParts, layout: ResultsCsvLayout): string {
  return safeLine([
    ...layout.columns.map((name) => parts.columns[name] ?? ''),
    ...parts.cells,
    ...layout.captured.map((name) => parts.captured?.[name] ?? ''),
  ]);
}

function safeLine(cells: readonly string[]): string {
  return csvLine(cells.map(spreadsheetSafe));
}
