import { Command, InvalidArgumentError } from 'commander';
import { CampaignIdKey, CampaignNameKey, CampaignStateKey } from '../temporal/searchAttributes.js';
import type { CampaignStatus } from '../workflows/campaignMessages.js';
import { campaignFailure } from './campaignView.js';
import { withTemporal } from './temporalConnection.js';

const STATES: CampaignStatus[] = [
  'running',
  'paused',
  'cancelling',
  'finishing',
  'completed',
  'cancelled',
  'failed',
];

export interface CampaignListEntry {
  campaignId: string;
  name?: string;
  state?: string;
  workflowId: string;
  workflowStatus: string;
  startedAt: string;
  closedAt?: string;
  /** A failed campaign's root cause ("file not found: ..."). */
  failure?: string;
}

/**
 * The visibility query behind `cmc list`: campaign workflows only (not their calls nor
 * schedules), never the closed runs a continue-as-new leaves behind.
 */
export function campaignListQuery(state?: string): string {
  const clauses = ["WorkflowType = 'campaignWorkflow'", "ExecutionStatus != 'ContinuedAsNew'"];
  if (state) clauses.push(`${CampaignStateKey.name} = '${state}'`);
  return clauses.join(' AND ');
}

/** `cmc list [--status S] [--limit N] [--json]`: campaigns, newest first. */
export function listCommand(): Command {
  return new Command('list')
    .description('List campaigns (newest first), optionally only those in one state.')
    .option('--status <state>', `only campaigns in this state: ${STATES.join(', ')}`, (value: string) => {
      if (!STATES.includes(value as CampaignStatus))
        throw new InvalidArgumentError(`expected one of ${STATES.join(', ')}.`);
      return value;
    })
    .option(
      '--limit <n>',
      'show at most this many',
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
        return n;
      },
      50,
    )
    .option('--json', 'print the list as JSON')
    .addHelpText('after', '\nExit status: 0 listed (also when empty); 3 Temporal cannot be reached.')
    .action(async (options: { status?: string; limit: number; json?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const entries: CampaignListEntry[] = [];
        for await (const info of client.workflow.list({ query: campaignListQuery(options.status) })) {
          const attrs = info.typedSearchAttributes;
          entries.push({
            campaignId: attrs.get(CampaignIdKey) ?? info.workflowId.replace(/^campaign:/, ''),
            name: attrs.get(CampaignNameKey),
            state: attrs.get(CampaignStateKey),
            workflowId: info.workflowId,
            workflowStatus: info.status.name,
            startedAt: info.startTime.toISOString(),
            closedAt: info.closeTime?.toISOString(),
            // Only failed ones (the workflow failed, or a fatal API error stopped it): each costs a history read.
            ...(info.status.name === 'FAILED' || attrs.get(CampaignStateKey) === 'failed'
              ? { failure: await campaignFailure(client.workflow.getHandle(info.workflowId, info.runId)) }
              : {}),
          });
          if (entries.length >= options.limit) break;
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        if (entries.length === 0) {
          console.log(options.status ? `No ${options.status} campaigns.` : 'No campaigns.');
          return;
        }
        const rows = entries.map((e) => [
          e.campaignId,
          e.state ?? (e.workflowStatus === 'RUNNING' ? 'preparing' : '-'),
          e.workflowStatus.toLowerCase(),
          e.startedAt.slice(0, 19).replace('T', ' '),
          e.name ?? '',
          // CampaignFileError messages list one problem per line; a table row is one line.
          (e.failure ?? '').replace(/\s*\n\s*/g, ' '),
        ]);
        const header = ['CAMPAIGN ID', 'STATE', 'WORKFLOW', 'STARTED (UTC)', 'NAME', 'FAILURE'];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
        for (const row of [header, ...rows])
          console.log(
            row
              .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
              .join('  ')
              .trimEnd(),
          );
      });
    });
}
