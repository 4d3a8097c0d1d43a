import type { ContactRow } from '../campaign/contactRow.js';
import type { Disposition } from '../dispositions/classifyDisposition.js';
import type { DispositionDefinition } from '../dispositions/dispositionRules.js';
import type { FinalOutcome, RowResult } from '../results/rowResult.js';
import { callDecision } from './callDecision.js';
import { recordDisposition } from './recordDisposition.js';

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
  /** What the row means for the clinic (recordDisposition.ts); null while it is pending. */
  disposition: Disposition | null;
  /** Why the row was or was not called (callDecision.ts). */
  why: string;
  error?: string;
  row: ReportableRow;
  /** null for rows that were never called and for pending rows. */
  result: RowResult | null;
}

/** `definitions`: the campaign's disposition rules, for rows whose result carries no disposition. */
export function toReportRecord(
  row: ReportableRow,
  result: RowResult | undefined,
  definitions: readonly DispositionDefinition[],
): ReportRecord {
  if (row.status !== 'valid') {
    // The contacts file decided this row's fate: nothing was (or will be) called for it.
    return record(row, row.status, null, rowProblem(row), definitions);
  }
  if (result === undefined) return record(row, 'pending', null, undefined, definitions);
  return record(row, result.outcome, result, resultError(result), definitions);
}

function record(
  row: ReportableRow,
  outcome: ReportOutcome,
  result: RowResult | null,
  error: string | undefined,
  definitions: readonly DispositionDefinition[],
): ReportRecord {
  return {
    line: row.line,
    rowKey: row.rowKey,
    outcome,
    disposition: recordDisposition(definitions, outcome, result),
    why: callDecision(row, outcome, result, error),
    ...(error === undefined ? {} : { error }),
    row,
    result,
  };
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

export function reportRecordOf(
  { row, result, unreadable }: ReportEntry,
  definitions: readonly DispositionDefinition[],
): ReportRecord {
  return row.status === 'valid' && unreadable !== undefined
    ? unreadableResultRecord(row, unreadable, definitions)
    : toReportRecord(row, result, definitions);
}

/**
 * A valid row whose stored result cannot be read (a corrupt file): the report still
 * lists it, as `unknown` for a person to check (the rules send it to needs_review),
 * instead of failing as a whole.
 */
export function unreadableResultRecord(
  row: ReportableRow,
  problem: string,
  definitions: readonly DispositionDefinition[],
): ReportRecord {
  return record(row, 'unknown', null, `stored result unreadable: ${problem}`, definitions);
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
