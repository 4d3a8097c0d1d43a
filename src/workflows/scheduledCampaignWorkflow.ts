import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, log, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import { campaignWorkflowId } from '../engine/ids.js';
import {
  CampaignIdKey,
  CampaignNameKey,
  CampaignStateKey,
  TemporalScheduledStartTimeKey,
} from '../temporal/searchAttributes.js';
import { type CampaignWorkflowResult, campaignWorkflow } from './campaignWorkflow.js';

/** The action arguments of a `cmc schedule create` schedule. */
export interface ScheduledCampaignInput {
  /** Each run's campaign ID is `<campaign>-<YYYY-MM-DD>`. */
  campaign: string;
  /** The campaign folder as the worker sees it. */
  campaignDir: string;
  campaignName: string;
  /** The schedule's IANA time zone: the scheduled date, and `{{date}}`, are local to it. */
  timezone: string;
  pageSize?: number;
  historyEventLimit?: number;
}

export interface ScheduledCampaignResult {
  campaignId: string;
  /** The scheduled date in `timezone` (YYYY-MM-DD). */
  date: string;
  scheduledFor: string;
  /** False when a campaign with this ID already existed: nothing was started. */
  started: boolean;
  result?: CampaignWorkflowResult;
  message: string;
}

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`. Pure Intl: safe in workflow code. */
export function localDateIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The campaign ID a scheduled run gets: `<campaign>-<scheduled date>`. */
export function scheduledCampaignId(campaign: string, date: string): string {
  return `${campaign}-${date}`;
}

/**
 * One run of a campaign schedule. It runs the day's campaign as a CHILD and waits for it,
 * so the schedule's SKIP overlap policy means "never while the previous run still calls".
 * A campaign with the day's ID that already exists (a manual trigger earlier the same day)
 * is reported and left alone: never a second campaign.
 */
export async function scheduledCampaignWorkflow(
  input: ScheduledCampaignInput,
): Promise<ScheduledCampaignResult> {
  const info = workflowInfo();
  // Set by the Schedule; a workflow started some other way falls back to its own start time.
  const scheduledFor = info.typedSearchAttributes.get(TemporalScheduledStartTimeKey) ?? info.startTime;
  const date = localDateIn(scheduledFor, input.timezone);
  const campaignId = scheduledCampaignId(input.campaign, date);
  const base = { campaignId, date, scheduledFor: scheduledFor.toISOString() };
  try {
    const result = await executeChild(campaignWorkflow, {
      workflowId: campaignWorkflowId(campaignId),
      args: [
        {
          campaignId,
          campaignDir: input.campaignDir,
          date,
          ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
          ...(input.historyEventLimit === undefined ? {} : { historyEventLimit: input.historyEventLimit }),
        },
      ],
      // A finished campaign's ID is never reused; see startCampaign.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Terminating this wrapper must not cut calls off mid-way.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: CampaignIdKey, value: campaignId },
        { key: CampaignNameKey, value: input.campaignName },
        { key: CampaignStateKey, value: 'preparing' },
      ],
      staticSummary: `Campaign ${input.campaignName} (scheduled ${date})`,
    });
    return {
      ...base,
      started: true,
      result,
      message: `campaign ${campaignId} ${result.status}`,
    };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      const message = `campaign ${campaignId} already exists; this scheduled run started nothing`;
      log.warn(message, { campaignId });
      return { ...base, started: false, message };
    }
    throw error;
  }
}
