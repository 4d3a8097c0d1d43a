import type { CallStatus, TranscriptLine } from './callRegistry.js';
import type { WebhookEvent } from './startCallRequest.js';

/** What a payload needs from a call; the webhook test route fakes one. */
export interface CallSnapshot {
  sid: string;
  to: string;
  status: CallStatus;
  goalCompleted: boolean | undefined;
  transcripts: TranscriptLine[];
  credits: number | undefined;
  durationSeconds: number | undefined;
}

/** Webhook transcripts say `content` (not `text`) and carry their ISO timestamp, as in the reference. */
const webhookLine = (line: TranscriptLine) => ({
  role: line.role,
  content: line.text,
  timestamp: line.timestamp,
  seq: line.seq,
});

/**
 * The body of one webhook. call_completed matches the reference example field for
 * field; the other events reuse its envelope with the data that event is about.
 */
export function webhookPayload(event: WebhookEvent, call: CallSnapshot, newLines: TranscriptLine[] = []) {
  const base = { status: call.status, to: call.to };
  const data = (() => {
    switch (event) {
      case 'call_started':
        return base;
      case 'transcript_updated':
        return { ...base, transcripts: newLines.map(webhookLine) };
      case 'call_completed':
        return {
          ...base,
          summary: { goal_completed: call.goalCompleted ?? false },
          transcripts: call.transcripts.map(webhookLine),
        };
      case 'price_updated':
        return { ...base, credits: call.credits ?? 0, duration: call.durationSeconds ?? 0 };
    }
  })();
  return { event, call_id: call.sid, sid: call.sid, timestamp: Math.floor(Date.now() / 1000), data };
}
