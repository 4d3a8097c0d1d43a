import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionPurgeResult } from '../activities/retentionActivities.js';

export interface RetentionPurgeInput {
  /** Finished campaigns prepared longer ago than this lose their personal data. */
  olderThanMs: number;
}

// A purge of a large store pages through it; an hour is ample, and a rerun carries on where one stopped.
const { purgeExpiredCampaigns } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 minute', maximumAttempts: 5 },
});

/** One run of the nightly retention schedule (CMC_RETENTION): the purge of `cmc purge --older-than`. */
export async function retentionPurgeWorkflow(input: RetentionPurgeInput): Promise<RetentionPurgeResult> {
  return await purgeExpiredCampaigns(input);
}
