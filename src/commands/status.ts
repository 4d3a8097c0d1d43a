import { Command } from 'commander';
import { formatCampaignStatus, readCampaignStatus } from './campaignView.js';
import { withTemporal } from './temporalConnection.js';

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
        process.stdout.write(
          options.json ? `${JSON.stringify(view, null, 2)}\n` : formatCampaignStatus(view),
        );
      });
    });
}
