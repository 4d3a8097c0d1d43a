import type { Client } from '@temporalio/client';
import { resultWebhooksWorkflowId } from '../engine/ids.js';
import { RESULT_EVENTS_WAITING_SIGNAL, RESULT_WEBHOOKS_WORKFLOW_TYPE } from './deliveryWorkflowNames.js';

/**
 * Starts the campaign's result webhooks workflow unless it is running, and tells it
 * events are waiting. Used when an event is written and by `cmc webhooks redeliver`.
 */
export async function wakeResultDeliverer(
  client: Client,
  campaignId: string,
  taskQueue: string,
): Promise<void> {
  await client.workflow.signalWithStart(RESULT_WEBHOOKS_WORKFLOW_TYPE, {
    workflowId: resultWebhooksWorkflowId(campaignId),
    taskQueue,
    args: [{ campaignId }],
    signal: RESULT_EVENTS_WAITING_SIGNAL,
    signalArgs: [],
  });
}
