import type { FinalOutcome } from '../results/rowResult.js';

/** Maps a call's final status from CallMyCall to the row outcome in the report. */
export function outcomeOfCallStatus(status: string): FinalOutcome {
  switch (status) {
    case 'completed':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'voicemail':
      return 'voicemail';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return 'unknown';
  }
}
