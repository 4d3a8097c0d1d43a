import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_CONCURRENCY } from '../engine/campaignLimits.js';
import { setConcurrencyUpdate } from '../workflows/campaignMessages.js';
import { CliError, ExitCode } from './exitCodes.js';
import { runningCampaign, withTemporal } from './temporalConnection.js';

/** `cmc set-concurrency <id> <n>`: the campaign's update; the workflow validates the value. */
export function setConcurrencyCommand(): Command {
  return new Command('set-concurrency')
    .description('Change how many calls a running campaign places at once.')
    .argument('<id>', 'campaign ID')
    .argument('<n>', `concurrent calls (1-${MAX_CONCURRENCY})`, (value: string) => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
      return n;
    })
    .addHelpText(
      'after',
      '\nExit status: 0 changed; 1 the campaign already ended; 2 the value was refused;\n' +
        '3 Temporal unreachable; 4 no such campaign.',
    )
    .action(async (campaignId: string, concurrency: number) => {
      await withTemporal(async ({ client }) => {
        const handle = await runningCampaign(client, campaignId, 'change the concurrency of');
        let now: number;
        try {
          now = await handle.executeUpdate(setConcurrencyUpdate, { args: [concurrency] });
        } catch (error) {
          if (error instanceof WorkflowUpdateFailedError) {
            const reason = error.cause instanceof Error ? error.cause.message : error.message;
            throw new CliError(`concurrency not changed: ${reason}`, ExitCode.usage);
          }
          throw error;
        }
        console.log(`Campaign ${campaignId}: concurrency is now ${now}.`);
      });
    });
}
