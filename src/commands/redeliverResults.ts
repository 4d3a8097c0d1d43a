import { Command } from 'commander';
import { wakeResultDeliverer } from '../resultWebhooks/wakeResultDeliverer.js';
import { openCampaignStore } from '../storage/campaignStore.js';
import { CAMPAIGN_ID_PATTERN } from '../temporal/startCampaign.js';
import { CliError, ExitCode } from './exitCodes.js';
import { withTemporal } from './temporalConnection.js';

/**
 * `cmc webhooks redeliver <campaignId> [--dead-letter]`: puts a campaign's result events
 * back in the outbox (every one, or only the dead-lettered and stopped ones) and starts
 * its deliverer. Each event keeps its webhook-id and body, so a receiver that already has
 * one can tell it is the same.
 */
export function redeliverResultsCommand(): Command {
  return new Command('redeliver')
    .description("Send a campaign's result webhooks again")
    .argument('<campaignId>', 'the campaign')
    .option('--dead-letter', 'only the dead-lettered events and those a 410 stopped')
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  cmc webhooks redeliver appointments-2026-12-06 --dead-letter\n  cmc webhooks redeliver appointments-2026-12-06',
    )
    .action(async (campaignId: string, options: { deadLetter?: boolean; json?: boolean }) => {
      if (!CAMPAIGN_ID_PATTERN.test(campaignId))
        throw new CliError(`"${campaignId}" is not a campaign ID`, ExitCode.notFound);
      await withTemporal(async ({ env, client }) => {
        const store = await openCampaignStore(env);
        try {
          const manifest = await store.prepared.readManifest(campaignId);
          if (!manifest)
            throw new CliError(`no campaign "${campaignId}" in ${store.description}`, ExitCode.notFound);
          if (!manifest.resultWebhook) {
            throw new CliError(
              `campaign "${campaignId}" has no resultWebhook in its campaign.json`,
              ExitCode.usage,
            );
          }
          const requeued = await store.resultEvents.requeue(
            campaignId,
            options.deadLetter ? 'dead-letter' : 'all',
          );
          if (requeued > 0) await wakeResultDeliverer(client, campaignId, env.TEMPORAL_TASK_QUEUE);
          const counts = await store.resultEvents.counts(campaignId);
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ campaignId, requeued, events: counts })}\n`
              : `${requeued} event(s) of ${campaignId} queued for delivery to ${manifest.resultWebhook.url}\n`,
          );
        } finally {
          await store.close();
        }
      });
    });
}
