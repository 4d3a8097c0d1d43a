import type { DialAudit } from '../compliance/dialChecks.js';
import type { Disposition } from '../dispositions/classifyDisposition.js';
import type { CallAction } from './callAction.js';

/**
 * What a campaign hands back for one contact row. Every row of the contacts file ends
 * with exactly one of these outcomes in the report.
 */
export const FINAL_OUTCOMES = [
  'completed',
  'no-answer',
  'busy',
  'failed',
  'voicemail',
  'rejected',
  'invalid',
  'duplicate',
  'suppressed',
  'no_consent',
  'capped',
  'not_called_budget',
  'cancelled',
  'unknown',
] as const;

export type FinalOutcome = (typeof FINAL_OUTCOMES)[number];

/** Outcomes of rows no call was placed for: the contacts file, a dial-time check, the budget or a cancel stopped them. */
export const NEVER_CALLED_OUTCOMES: readonly FinalOutcome[] = [
  'invalid',
  'duplicate',
  'suppressed',
  'no_consent',
  'capped',
  'not_called_budget',
  'cancelled',
];

/** Outcomes a person should look at: the runner could not decide, or the API refused the row. */
export const NEEDS_HUMAN: readonly FinalOutcome[] = ['unknown', 'rejected'];

export interface TranscriptLine {
  role: string;
  text: string;
  seq: number;
  timestamp?: string;
}

/** One start-call attempt for a row, as the runner saw it. */
export interface AttemptRecord {
  attempt: number;
  /** `<campaignId>:<rowKey>:<attempt>`, sent as metadata.client_request_id. */
  clientRequestId: string;
  sid?: string;
  /** The call's final status (`completed`, `busy`, ...), or the runner's own state when no call was placed. */
  status: string;
  startedAt?: string;
  endedAt?: string;
  durationS?: number;
  credits?: number;
  error?: string;
}

export interface RowResult {
  campaignId: string;
  rowKey: string;
  /** Physical line in the contacts CSV (header = line 1). */
  line: number;
  /** The row's original columns, header -> value. */
  columns: Record<string, string>;
  phoneE164?: string;
  outcome: FinalOutcome;
  /** What the row means for the clinic, by the campaign's disposition rules (absent in results of older builds). */
  disposition?: Disposition;
  goalCompleted?: boolean;
  summary?: Record<string, unknown>;
  transcript?: TranscriptLine[];
  attempts: AttemptRecord[];
  /** Each attempt's dial-time checks and decision (absent in results of older builds). */
  audit?: DialAudit[];
  /** What operators did to the row's live calls with `cmc call` (end, transfer, update, activate...; absent: nothing). */
  actions?: CallAction[];
  /** Recording path relative to the report folder, e.g. `recordings/r1a2b-1.mp3`. */
  recording?: string;
  error?: string;
  /** When this result was recorded (ISO 8601). */
  recordedAt: string;
}
