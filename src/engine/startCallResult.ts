import type { CallEnd } from './callEvent.js';

/**
 * What the startCall activity reports. `uncertain` means a request may have reached the
 * API and nobody knows whether a call was placed: never re-send it blindly.
 */
export type StartCallResult =
  | { kind: 'placed'; sid: string; startedAt: string }
  | { kind: 'uncertain'; reason: string; startedAt: string }
  | NotDialled;

/** A dial-time check said no: nothing was sent, and this attempt never will be. */
export interface NotDialled {
  kind: 'not_dialled';
  outcome: 'suppressed' | 'capped';
  reason: string;
}

/** ApplicationFailure types the startCall activity throws; workflows branch on them. */
export const StartCallFailure = {
  insufficientCredits: 'InsufficientCredits',
  rejected: 'CallRejected',
  unauthorized: 'Unauthorized',
} as const;

export interface InsufficientCreditsDetails {
  creditsBalance?: number;
  minimumRequired?: number;
}

/** A 429, as the row workflow sees it: it waits `delayMs`, and its campaign slows down. */
export const RATE_LIMITED_FAILURE = 'RateLimited';
export interface RateLimitedDetails {
  delayMs: number;
  retryAfterMs?: number;
}

/**
 * What the placeCall activity reports when it does not wait for the webhook itself: the
 * calling window is closed (or never opens), a dial-time check refused the call, the
 * start is uncertain, or the call ended.
 */
export type PlaceCallResult =
  | { kind: 'window_closed'; waitMs: number }
  | { kind: 'never_in_window' }
  | { kind: 'uncertain'; reason: string; startedAt: string }
  | NotDialled
  | { kind: 'ended'; end: CallEnd; startedAt?: string }
  /** Hung up before any call was placed (a campaign cancelled with hang-up). */
  | { kind: 'never_placed' };
