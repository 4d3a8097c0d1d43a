import type { TranscriptLine } from '../results/rowResult.js';

/** A verified CallMyCall webhook, as the receiver hands it to a call workflow. */
export interface CallEvent {
  attempt: number;
  event: 'call_started' | 'transcript_updated' | 'price_updated' | 'call_completed';
  sid: string;
  status?: string;
  goalCompleted?: boolean;
  summary?: Record<string, unknown>;
  transcript?: TranscriptLine[];
  credits?: number;
  durationS?: number;
  /** The webhook's own `timestamp` (unix seconds). */
  timestamp?: number;
}

/** What we know about a call at one moment, from a webhook or from GET /v1/calls/:id. */
export interface CallSnapshot {
  sid: string;
  status: string;
  final: boolean;
  goalCompleted?: boolean;
  summary?: Record<string, unknown>;
  transcript?: TranscriptLine[];
  credits?: number;
  durationS?: number;
  endedAt?: string;
}

/** Twilio-style final statuses. */
export const FINAL_CALL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled', 'voicemail'];

export const isFinalCallStatus = (status: string | undefined): boolean =>
  status !== undefined && FINAL_CALL_STATUSES.includes(status);
