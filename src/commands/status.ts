import { Command } from 'commander';
import { openCampaignStore } from '../storage/campaignStore.js';
import { type CampaignStatusView, formatCampaignStatus, readCampaignStatus } from './campaignView.js';
import { loadCliEnv, withTemporal } from './temporalConnection.js';

/** The store's counts for a campaign, or undefined when it has no data here. */
async function readStoredCounts(campaignId: string): Promise<CampaignStatusView['stored']> {
  const store = await openCampaignStore(loadCliEnv());
  try {
    const manifest = await store.prepared.readManifest(campaignId);
    if (!manifest) return undefined;
    const { totalRows, validRows } = manifest.plan;
    const results = await store.results.countByOutcome(campaignId);
    if (!manifest.resultWebhook) return { totalRows, validRows, results };
    return { totalRows, validRows, results, resultWebhooks: await store.resultEvents.counts(campaignId) };
  } finally {
    await store.close();
  }
}

/** `cmc status <id> [--json]`: live progress of a running campaign, the result of a finished one. */
export function statusCommand(): Command {
  return new Command('status')
    .description("Show a campaign's progress (running) or its result (finished).")
    .argument('<id>', 'campaign ID')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExit status: 0 shown; 3 Temporal cannot be reached; 4 no such campaign.')
    .action(async (campaignId: string, options: { json?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const view = await readCampaignStatus(client, campaignId);
        const stored = await readStoredCounts(campaignId);
        if (stored) view.stored = stored;
        process.stdout.write(
          options.json ? `${JSON.stringify(view, null, 2)}\n` : formatCampaignStatus(view),
        );
      });
    });
}
