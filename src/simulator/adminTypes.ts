import type { z } from 'zod';
import type { StartCallRequestRecord } from './callRegistry.js';
import type { faultsSchema } from './faults.js';
import type { outcomeSchema, scenarioSchema } from './scenario.js';
import type { DeliveryAttempt } from './webhookDelivery.js';

/** Shapes of the admin API (/_sim/*), shared by admin.ts and adminClient.ts. */

/**
 * One scripted outcome: `{ status?, goal_completed?, duration_ms?, transcript? }`, or a ready-made
 * conversation `{ script, language?, proposed_time? }` (scriptedTranscripts.ts); no status is completed.
 */
export type SimOutcome = z.input<typeof outcomeSchema>;
/**
 * PUT /_sim/scenario: `{ default?, mix?, byNumber? }`, each an Outcome or a list used in order;
 * `mix: [{ share, outcome }]` gives a share of the numbers (by a stable hash) their own outcome.
 */
export type SimScenario = z.input<typeof scenarioSchema>;
/** PUT /_sim/faults: `{ start_call?: [...], webhooks?: { duplicate?, reorder?, drop? } }`. */
export type SimFaults = z.input<typeof faultsSchema>;

/** A voice cloned through POST /v1/elevenlabs/voices, with what was uploaded for it. */
export interface SimVoice {
  voice_id: string;
  name: string;
  remove_background_noise: boolean;
  files: Array<{ filename: string; type: string; size: number }>;
  created_at: string;
}

export interface SimCall {
  sid: string;
  to: string;
  task: string;
  metadata: Record<string, unknown>;
  status: 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  created_at: string;
  connected_at: string | null;
  ended_at: string | null;
  /** Connected seconds; null until final. */
  duration: number | null;
  /** Credits charged; null until final. */
  credits: number | null;
  goal_completed: boolean | null;
  webhook: string | null;
  webhook_events: string[];
  from_number: string | null;
  user_on_call: boolean;
  /** The user-on-call session, when the call has one: the operator leg and its state. */
  user_on_call_session: {
    user_phone: string;
    state: string;
    ai_active: boolean;
    user_dropped: boolean;
  } | null;
  transfers: Array<{ destination: string; warm: boolean; reason?: string; at: string }>;
  /** Set at start-call or by PATCH. */
  transfer_number: string | null;
  /** Seconds; set at start-call or by PATCH. */
  max_duration: number | null;
}

/** One start-call request and its answer, as GET /_sim/start-call-requests lists it. */
export type SimStartCallRequest = StartCallRequestRecord;

/** One webhook delivery attempt, as GET /_sim/webhook-deliveries lists it. */
export type SimDelivery = DeliveryAttempt;

export interface SimStats {
  /** Most calls in flight (created, not yet final) at any one time. */
  maxConcurrentCalls: number;
  activeCalls: number;
  /** Authenticated start-call requests, whatever their answer. */
  startCallRequests: number;
  /** Epoch ms of each of those requests. */
  startCallTimestamps: number[];
  callsCreated: number;
  creditsBalance: number;
  /** Deliveries lost to the `webhooks.drop` fault. */
  webhooksDropped: number;
  /** Deliveries queued or in progress. */
  webhooksPending: number;
}

export interface SimCredits {
  balance: number;
  minimum: number;
}
