import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { ResultEventCounts } from '../storage/resultEventStore.js';
import { rootCauseMessage } from '../temporal/rootCause.js';
import { CampaignNameKey, CampaignStateKey } from '../temporal/searchAttributes.js';
import type { CampaignProgress } from '../workflows/campaignMessages.js';
import { progressQuery } from '../workflows/campaignMessages.js';
import type { CampaignWorkflowResult } from '../workflows/campaignWorkflow.js';
import { formatProgressLine } from './progressLine.js';
import { describeCampaign } from './temporalConnection.js';

/** What `cmc status` knows about one campaign: Temporal's view plus the workflow's own. */
export interface CampaignStatusView {
  campaignId: string;
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  workflowStatus: WorkflowExecutionStatusName;
  /** The campaign's own state (CampaignState search attribute): running, paused, completed, ... */
  state?: string;
  name?: string;
  startedAt: string;
  closedAt?: string;
  /** The progress query; absent while the campaign is still preparing or once it is closed. */
  progress?: CampaignProgress;
  /** The workflow result of a finished campaign. */
  result?: CampaignWorkflowResult;
  /** Why a closed campaign has no result (failed, terminated, timed out). */
  failure?: string;
  /** What the campaign store holds for it: rows as prepared, results recorded so far. */
  stored?: {
    totalRows: number;
    validRows: number;
    results: Record<string, number>;
    /** Result webhook events by state, when the campaign has a resultWebhook. */
    resultWebhooks?: ResultEventCounts;
  };
}

export async function readCampaignStatus(client: Client, campaignId: string): Promise<CampaignStatusView> {
  const { handle, description } = await describeCampaign(client, campaignId);
  const view: CampaignStatusView = {
    campaignId,
    workflowId: description.workflowId,
    runId: description.runId,
    workflowStatus: description.status.name,
    state: description.typedSearchAttributes.get(CampaignStateKey),
    name: description.typedSearchAttributes.get(CampaignNameKey),
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString(),
  };
  if (description.status.name === 'RUNNING') {
    // The query handler exists once the campaign is prepared; before that there is no progress yet.
    view.progress = await handle.query(progressQuery).catch(() => undefined);
  } else if (description.status.name === 'COMPLETED') {
    view.result = await handle.result();
    // Stopped by a fatal API error mid-run: the workflow completed, the campaign failed.
    if (view.result.status === 'failed' && view.result.error) view.failure = view.result.error;
  } else {
    view.failure = await campaignFailure(handle);
  }
  return view;
}

/**
 * Why a closed campaign failed: the innermost cause ("file not found: ..."), not
 * Temporal's wrappers; or, for a run a fatal API error stopped, the error it ended with.
 */
export async function campaignFailure(handle: { result(): Promise<unknown> }): Promise<string | undefined> {
  return await handle.result().then(
    (result) => {
      const ended = result as Partial<CampaignWorkflowResult> | undefined;
      return ended?.status === 'failed' ? ended.error : undefined;
    },
    (error: unknown) => rootCauseMessage(error),
  );
}

/** The state line: a run waiting for its dated contacts file says so. */
function stateText(view: CampaignStatusView): string {
  const waiting = view.progress?.waitingForContacts;
  if (waiting)
    return `preparing: waiting for contacts file ${waiting.file} (since ${waiting.since}, gives up at ${waiting.giveUpAt})`;
  return (
    view.result?.status ??
    view.progress?.status ??
    view.state ??
    (view.workflowStatus === 'RUNNING' ? 'preparing' : 'unknown')
  );
}

/** The human-readable block `cmc status` prints. */
export function formatCampaignStatus(view: CampaignStatusView): string {
  const lines = [
    `Campaign ${view.campaignId}${view.name ? ` ("${view.name}")` : ''}`,
    `  workflow   ${view.workflowId}  (${view.workflowStatus.toLowerCase()})`,
    `  state      ${stateText(view)}`,
    `  started    ${view.startedAt}${view.closedAt ? `, closed ${view.closedAt}` : ''}`,
  ];
  if (view.progress && !view.progress.waitingForContacts) {
    const p = view.progress;
    lines.push(`  progress   ${formatProgressLine(p)}`);
    lines.push(
      `  pace       concurrency ${p.concurrency}, ${p.currentCallsPerMinute}/${p.callsPerMinute} calls per minute`,
    );
  }
  if (view.result) {
    const r = view.result;
    const outcomes = Object.entries(r.outcomes)
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
    lines.push(`  outcomes   ${outcomes || '-'}`);
    lines.push(`  credits    ${r.creditsSpent} spent`);
    lines.push(`  report     ${r.reportDir}`);
    if (r.error && r.error !== view.failure) lines.push(`  error      ${r.error}`);
  }
  if (view.failure) lines.push(`  failure    ${view.failure}`);
  if (view.stored) {
    const s = view.stored;
    const recorded = Object.values(s.results).reduce((sum, n) => sum + n, 0);
    const byOutcome = Object.entries(s.results)
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
    lines.push(
      `  stored     ${s.totalRows} row(s), ${s.validRows} valid; ${recorded} result(s)${byOutcome ? ` (${byOutcome})` : ''}`,
    );
    const w = s.resultWebhooks;
    if (w) {
      lines.push(
        `  webhooks   ${w.delivered} delivered, ${w.pending} pending, ${w.dead} dead-lettered, ${w.stopped} stopped (410)`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
