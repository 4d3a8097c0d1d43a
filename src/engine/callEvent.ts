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

/**
 * How an attempt's call ended, as the webhook receiver (or a poll) hands it to the row
 * workflow. No transcript and no summary: those stay out of history, and the post-call
 * step reads them from the API.
 */
export interface CallEnd {
  sid: string;
  status: string;
  via: 'webhook' | 'poll';
  goalCompleted?: boolean;
  credits?: number;
  durationS?: number;
  endedAt?: string;
}

/** The part of a final event or snapshot that may enter history. */
export function callEndOf(source: CallEvent | CallSnapshot, via: CallEnd['via']): CallEnd {
  const endedAt =
    'endedAt' in source
      ? source.endedAt
      : 'timestamp' in source && source.timestamp !== undefined
        ? new Date(source.timestamp * 1000).toISOString()
        : undefined;
  return {
    sid: source.sid,
    status: source.status ?? 'completed',
    via,
    ...(source.goalCompleted === undefined ? {} : { goalCompleted: source.goalCompleted }),
    ...(source.credits === undefined ? {} : { credits: source.credits }),
    ...(source.durationS === undefined ? {} : { durationS: source.durationS }),
    ...(endedAt === undefined ? {} : { endedAt }),
  };
}
