import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { campaignWorkflowId } from '../engine/ids.js';
import { type CampaignWorkflowInput, campaignWorkflow } from '../workflows/campaignWorkflow.js';
import { CampaignIdKey, CampaignNameKey, CampaignStateKey } from './searchAttributes.js';

/** Campaign IDs become workflow IDs, file names and part of client_request_id. */
export const CAMPAIGN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface StartCampaignOptions extends Omit<CampaignWorkflowInput, 'carry'> {
  campaignName: string;
  taskQueue: string;
}

export type StartCampaignResult =
  | { started: true; handle: WorkflowHandle<typeof campaignWorkflow> }
  | { started: false; handle: WorkflowHandle<typeof campaignWorkflow> };

/**
 * Starts a campaign run once: a second start with the same ID never starts a second
 * campaign (Temporal rejects a duplicate running workflow ID); it returns the existing one.
 */
export async function startCampaign(
  client: Client,
  options: StartCampaignOptions,
): Promise<StartCampaignResult> {
  const { campaignName, taskQueue, ...input } = options;
  if (!CAMPAIGN_ID_PATTERN.test(input.campaignId)) {
    throw new Error(
      `campaign id ${JSON.stringify(input.campaignId)} is not valid: use letters, digits, ".", "_" and "-" (at most 100)`,
    );
  }
  const workflowId = campaignWorkflowId(input.campaignId);
  try {
    const handle = await client.workflow.start(campaignWorkflow, {
      workflowId,
      taskQueue,
      args: [input],
      // A finished campaign's ID is never reused for a new run: its report and calls belong to it.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: CampaignIdKey, value: input.campaignId },
        { key: CampaignNameKey, value: campaignName },
        // The workflow publishes every later state itself; this one holds while it prepares.
        { key: CampaignStateKey, value: 'preparing' },
      ],
      staticSummary: `Campaign ${campaignName}`,
    });
    return { started: true, handle };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return { started: false, handle: client.workflow.getHandle(workflowId) };
    }
    throw error;
  }
}
