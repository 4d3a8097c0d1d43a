import type { ContactRow } from '../campaign/contactRow.js';
import type { FinalOutcome, RowResult } from '../results/rowResult.js';

/**
 * One line of the report: a contacts-file row joined with its result. Every row of
 * the file becomes exactly one record, in input order, valid or not.
 */

/** The fields of a contacts row the report reads; a whole ContactRow fits. */
export type ReportableRow = Pick<
  ContactRow,
  'line' | 'rowKey' | 'columns' | 'phoneE164' | 'status' | 'reason' | 'column' | 'duplicateOf'
>;

/**
 * `pending`: a valid row with no result yet. Only seen in a report written while
 * the campaign is still running; once it has finished every valid row has a result.
 */
export type ReportOutcome = FinalOutcome | 'pending';

export interface ReportRecord {
  line: number;
  rowKey: string;
  outcome: ReportOutcome;
  error?: string;
  row: ReportableRow;
  /** null for rows that were never called and for pending rows. */
  result: RowResult | null;
}

export function toReportRecord(row: ReportableRow, result: RowResult | undefined): ReportRecord {
  const base = { line: row.line, rowKey: row.rowKey, row };
  if (row.status !== 'valid') {
    // The contacts file decided this row's fate: nothing was (or will be) called for it.
    return { ...base, outcome: row.status, error: rowProblem(row), result: null };
  }
  if (result === undefined) return { ...base, outcome: 'pending', result: null };
  const error = resultError(result);
  return error === undefined
    ? { ...base, outcome: result.outcome, result }
    : { ...base, outcome: result.outcome, error, result };
}

/**
 * A contacts-file row as prepared, with what the store holds for it: no result yet,
 * the result, or (`unreadable`) why the stored one cannot be read.
 */
export interface ReportEntry {
  row: ReportableRow;
  result?: RowResult;
  unreadable?: string;
}

export function reportRecordOf({ row, result, unreadable }: ReportEntry): ReportRecord {
  return row.status === 'valid' && unreadable !== undefined
    ? unreadableResultRecord(row, unreadable)
    : toReportRecord(row, result);
}

/**
 * A valid row whose stored result cannot be read (a corrupt file): the report still
 * lists it, as `unknown` for a person to check, instead of failing as a whole.
 */
export function unreadableResultRecord(row: ReportableRow, problem: string): ReportRecord {
  return {
    line: row.line,
    rowKey: row.rowKey,
    outcome: 'unknown',
    error: `stored result unreadable: ${problem}`,
    row,
    result: null,
  };
}

function rowProblem(row: ReportableRow): string {
  if (row.reason !== undefined && row.reason !== '') {
    // Name the column at fault, so the manager knows which cell to fix: "phone: not a phone number".
    return row.status === 'invalid' && row.column !== undefined && row.column !== ''
      ? `${row.column}: ${row.reason}`
      : row.reason;
  }
  if (row.status === 'duplicate' && row.duplicateOf !== undefined)
    return `duplicate of line ${row.duplicateOf}`;
  if (row.column !== undefined) return `${row.status} ${row.column}`;
  return row.status;
}

function resultError(result: RowResult): string | undefined {
  if (result.error !== undefined && result.error !== '') return result.error;
  // An earlier attempt's error is history once a later attempt completed the call.
  if (result.outcome === 'completed') return undefined;
  return result.attempts.at(-1)?.error;
}

/** The numbers the CSV, the summary and the HTML table show for a record. */
export interface RecordFigures {
  attempts: number;
  lastSid?: string;
  /** Connected seconds over all attempts. */
  durationS: number;
  credits: number;
  goalCompleted?: boolean;
  recording?: string;
}

export function recordFigures(record: ReportRecord): RecordFigures {
  const result = record.result;
  if (result === null) return { attempts: 0, durationS: 0, credits: 0 };
  let durationS = 0;
  let credits = 0;
  let lastSid: string | undefined;
  for (const attempt of result.attempts) {
    durationS += attempt.durationS ?? 0;
    credits += attempt.credits ?? 0;
    if (attempt.sid !== undefined) lastSid = attempt.sid;
  }
  const figures: RecordFigures = { attempts: result.attempts.length, durationS, credits };
  if (lastSid !== undefined) figures.lastSid = lastSid;
  if (result.goalCompleted !== undefined) figures.goalCompleted = result.goalCompleted;
  if (result.recording !== undefined) figures.recording = result.recording;
  return figures;
}
