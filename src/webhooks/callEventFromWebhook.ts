import type { WebhookEvent } from '../callmycall/schemas.js';
import type { CallEvent } from '../engine/callEvent.js';

/** Turns a verified CallMyCall webhook into the signal a call workflow understands. */
export function callEventFromWebhook(event: WebhookEvent, attempt: number): CallEvent {
  const { data } = event;
  const summary = data.summary ?? undefined;
  return {
    attempt,
    event: event.event,
    sid: event.sid,
    status: data.status,
    goalCompleted: typeof summary?.goal_completed === 'boolean' ? summary.goal_completed : undefined,
    summary: summary ? { ...summary } : undefined,
    transcript: data.transcripts?.map((line) => ({
      role: line.role,
      text: line.content,
      seq: line.seq,
      timestamp: line.timestamp,
    })),
    credits: data.credits,
    durationS: data.duration,
    timestamp: event.timestamp,
  };
}
