/**
 * What the startCall activity reports. `uncertain` means a request may have reached the
 * API and nobody knows whether a call was placed: never re-send it blindly.
 */
export type StartCallResult =
  | { kind: 'placed'; sid: string; startedAt: string }
  | { kind: 'uncertain'; reason: string; startedAt: string };

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
