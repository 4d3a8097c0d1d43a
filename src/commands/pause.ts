import { Command } from 'commander';
import { pauseSignal } from '../workflows/campaignMessages.js';
import { runningCampaign, withTemporal } from './temporalConnection.js';

/** `cmc pause <id> [--reason]`: no new calls start; calls in progress finish normally. */
export function pauseCommand(): Command {
  return new Command('pause')
    .description('Pause a campaign: no new calls start; calls already in progress finish.')
    .argument('<id>', 'campaign ID')
    .option('--reason <text>', 'why; shown in cmc status and the workflow history')
    .addHelpText(
      'after',
      '\nExit status: 0 paused; 1 the campaign already ended; 3 Temporal unreachable; 4 no such campaign.',
    )
    .action(async (campaignId: string, options: { reason?: string }) => {
      await withTemporal(async ({ client }) => {
        const handle = await runningCampaign(client, campaignId, 'pause');
        await handle.signal(pauseSignal, options.reason === undefined ? {} : { reason: options.reason });
        console.log(`Campaign ${campaignId} paused. Resume it with: cmc resume ${campaignId}`);
      });
    });
}
