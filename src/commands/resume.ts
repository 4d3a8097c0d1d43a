import { Command } from 'commander';
import { resumeSignal } from '../workflows/campaignMessages.js';
import { runningCampaign, withTemporal } from './temporalConnection.js';

/** `cmc resume <id>`: lifts an operator pause, and a credits pause (the next 402 pauses again). */
export function resumeCommand(): Command {
  return new Command('resume')
    .description('Resume a paused campaign (also one paused because credits ran out).')
    .argument('<id>', 'campaign ID')
    .addHelpText(
      'after',
      '\nExit status: 0 resumed; 1 the campaign already ended; 3 Temporal unreachable; 4 no such campaign.',
    )
    .action(async (campaignId: string) => {
      await withTemporal(async ({ client }) => {
        const handle = await runningCampaign(client, campaignId, 'resume');
        await handle.signal(resumeSignal);
        console.log(`Campaign ${campaignId} resumed.`);
      });
    });
}
