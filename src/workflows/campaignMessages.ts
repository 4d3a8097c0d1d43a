import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FinalOutcome } from '../results/rowResult.js';

/**
 * Messages of the campaign workflow: what operators send (pause, resume, cancel,
 * setConcurrency, progress) and what its call workflows report back.
 */

// --- Operator steering -------------------------------------------------------------
export const pauseSignal = defineSignal<[{ reason?: string }?]>('pause');
export const resumeSignal = defineSignal('resume');
/** `hangup: true` ends live calls through end-call; otherwise they finish normally. */
export const cancelSignal = defineSignal<[{ hangup?: boolean }?]>('cancel');
export const setConcurrencyUpdate = defineUpdate<number, [number]>('setConcurrency');

export type CampaignStatus =
  | 'preparing'
  | 'running'
  | 'paused'
  | 'cancelling'
  | 'finishing'
  | 'completed'
  | 'cancelled'
  | 'failed';

/** While preparing: the dated contacts file is not there yet and the run waits for it (contactsWait). */
export interface WaitingForContacts {
  /** The contacts path as campaign.json names it, date filled in. */
  file: string;
  since: string;
  /** When the run gives up and fails. */
  giveUpAt: string;
}

export interface CampaignProgress {
  campaignId: string;
  name: string;
  status: CampaignStatus;
  waitingForContacts?: WaitingForContacts;
  pausedReason?: string;
  /** Set while paused on a 402: what the API said. */
  credits: { spent: number; reserved: number; budget?: number; balance?: number; minimumRequired?: number };
  rows: { total: number; valid: number; started: number; finished: number; notStarted: number };
  inFlight: number;
  waitingForSlot: number;
  concurrency: number;
  callsPerMinute: number;
  /** The start rate in force now; lower than callsPerMinute after 429s. */
  currentCallsPerMinute: number;
  outcomes: Partial<Record<FinalOutcome, number>>;
  /** Estimated seconds to finish, from the rate rows have finished so far. */
  etaSeconds?: number;
  startedAt: string;
  continuedAsNew: number;
}

export const progressQuery = defineQuery<CampaignProgress>('progress');

// --- Reports from call workflows ---------------------------------------------------
/** A call workflow asks for permission to place its next attempt (re-attempts only). */
export const requestSlotSignal = defineSignal<[{ rowKey: string; attempt: number }]>('requestSlot');

/** An attempt is over and its slot is free; `credits` is what it cost. */
export const attemptEndedSignal =
  defineSignal<[{ rowKey: string; attempt: number; credits: number }]>('attemptEnded');

/** A start-call got 402: the campaign pauses, the row waits. */
export const creditsExhaustedSignal =
  defineSignal<[{ rowKey: string; attempt: number; creditsBalance?: number; minimumRequired?: number }]>(
    'creditsExhausted',
  );

/** A start-call got 429: the whole campaign slows down, not only that row. */
export const rateLimitedSignal = defineSignal<[{ retryAfterMs?: number }]>('rateLimited');

/** The API refused our key (401): every call would fail, so the campaign stops. */
export const fatalErrorSignal = defineSignal<[{ message: string }]>('fatalError');

/** A row has its final outcome; releases its slot if it still held one. */
export const rowFinishedSignal =
  defineSignal<
    [
      {
        rowKey: string;
        outcome: FinalOutcome;
        credits: number;
        heldSlot: boolean;
        /** The row's place among the valid rows; absent from call workflows started before it existed. */
        rowIndex?: number;
      },
    ]
  >('rowFinished');
