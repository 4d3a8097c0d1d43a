import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { rootCauseMessage } from '../temporal/rootCause.js';
import { readCampaignStatus } from './campaignView.js';
import { CliError } from './exitCodes.js';

/** How one run of a schedule went, as `cmc schedule describe` shows it. */
export interface ScheduledRunOutcome {
  /** The campaign's state (completed, cancelled, running, waiting for contacts, ...) or its workflow's status. */
  outcome: string;
  /** A failed run's root cause ("contacts file ... not found"), never Temporal's wrapper message. */
  failure?: string;
}

/**
 * The run's campaign tells how it went; when the run never got to start one (or the
 * campaign is gone), the schedule's own workflow does.
 */
export async function scheduledRunOutcome(
  client: Client,
  run: { workflowId: string; runId: string },
  campaignId: string | undefined,
): Promise<ScheduledRunOutcome> {
  if (campaignId !== undefined) {
    try {
      const view = await readCampaignStatus(client, campaignId);
      if (view.result)
        return { outcome: view.result.status, ...(view.result.error ? { failure: view.result.error } : {}) };
      if (view.failure !== undefined)
        return { outcome: view.workflowStatus.toLowerCase(), failure: view.failure };
      if (view.progress?.waitingForContacts)
        return { outcome: `waiting for contacts file ${view.progress.waitingForContacts.file}` };
      return { outcome: view.progress?.status ?? view.state ?? view.workflowStatus.toLowerCase() };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
    }
  }
  const wrapper = client.workflow.getHandle(run.workflowId, run.runId);
  try {
    const { status } = await wrapper.describe();
    if (status.name !== 'FAILED') return { outcome: status.name.toLowerCase() };
    return {
      outcome: 'failed',
      failure: await wrapper.result().then(
        () => undefined,
        (error: unknown) => rootCauseMessage(error),
      ),
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { outcome: 'unknown (history gone)' };
    throw error;
  }
}
