import { Command } from 'commander';
import { cancelSignal } from '../workflows/campaignMessages.js';
import { runningCampaign, withTemporal } from './temporalConnection.js';

/** `cmc cancel <id> [--hangup]`: stops the campaign; rows never started are reported as cancelled. */
export function cancelCommand(): Command {
  return new Command('cancel')
    .description('Cancel a campaign: no new calls start; unstarted rows end as "cancelled" in the report.')
    .argument('<id>', 'campaign ID')
    .option('--hangup', 'also hang up calls in progress (default: let them finish)')
    .addHelpText(
      'after',
      '\nExit status: 0 cancelling; 1 the campaign already ended; 3 Temporal unreachable; 4 no such campaign.',
    )
    .action(async (campaignId: string, options: { hangup?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const handle = await runningCampaign(client, campaignId, 'cancel');
        await handle.signal(cancelSignal, { hangup: options.hangup ?? false });
        console.log(
          `Campaign ${campaignId} is cancelling: no new calls start; ` +
            (options.hangup ? 'calls in progress are hung up.' : 'calls in progress finish normally.'),
        );
        console.log(`Its report is written when it ends: cmc status ${campaignId}`);
      });
    });
}
