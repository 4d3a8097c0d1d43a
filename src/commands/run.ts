import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { durationText } from '../campaign/duration.js';
import { validateCampaign } from '../campaign/validateCampaign.js';
import { assertNoPublicDefaults } from '../config/publicDefaults.js';
import { campaignWorkflowId } from '../engine/ids.js';
import { CAMPAIGN_ID_PATTERN, startCampaign } from '../temporal/startCampaign.js';
import { formatCampaignStatus, readCampaignStatus } from './campaignView.js';
import { CliError, ExitCode } from './exitCodes.js';
import { watchCampaign } from './progressWatch.js';
import { startupCheck } from './startupCheck.js';
import { loadCliEnv, withTemporal } from './temporalConnection.js';
import { formatValidationSummary } from './validate.js';

/**
 * `cmc run <campaignDir> [--id ID] [--date YYYY-MM-DD] [--wait]`: validates the campaign,
 * then starts it once. Exit status: 0 started (or already exists: shown, never started
 * twice; with --wait, 0 when it completed); 1 it ended cancelled or failed (--wait);
 * 2 the campaign cannot run (validation errors shown, nothing started) or bad usage;
 * 3 Temporal unreachable.
 */
export function runCommand(): Command {
  return new Command('run')
    .description('Validate a campaign folder and start it as a durable campaign workflow.')
    .argument('<campaignDir>', 'folder holding campaign.json, e.g. campaigns/appointment-confirmation')
    .option('--id <id>', 'campaign ID (default: <folder-name>-<YYYYMMDD-HHMMSS>)', parseCampaignId)
    .option('--date <YYYY-MM-DD>', 'date for {{date}} in the contacts path (default: today)', parseDate)
    .option('--wait', 'show live progress until the campaign ends (Ctrl-C detaches, it does not cancel)')
    .addHelpText(
      'after',
      '\nStarting an ID that already exists never starts a second campaign: cmc says so,\n' +
        'shows its state and exits 0.\n' +
        '\nExit status: 0 started, already exists, or (--wait) completed; 1 (--wait) ended\n' +
        'cancelled or failed; 2 the campaign cannot run (nothing started) or bad usage;\n' +
        '3 Temporal cannot be reached.',
    )
    .action(async (campaignDir: string, options: { id?: string; date?: string; wait?: boolean }) => {
      const env = loadCliEnv();
      // Row keys computed with the public default secret reverse to phone numbers.
      startupCheck(() => assertNoPublicDefaults(env, ['CMC_ROW_KEY_SECRET']));
      const dir = path.resolve(campaignDir);
      const validation = await validateCampaign(dir, {
        ...(options.date === undefined ? {} : { date: options.date }),
        rowKeySecret: env.CMC_ROW_KEY_SECRET,
      });
      if (!validation.canRun) {
        process.stderr.write(formatValidationSummary(validation));
        const why = validation.errors.length > 0 ? `${validation.errors.length} error(s)` : 'no valid rows';
        throw new CliError(`campaign cannot run: ${why}; no campaign was started`, ExitCode.usage);
      }
      const campaignId = options.id ?? defaultCampaignId(dir);
      const campaignName = validation.name ?? path.basename(dir);

      await withTemporal(async ({ client }) => {
        const { started } = await startCampaign(client, {
          campaignId,
          campaignDir: dir,
          ...(options.date === undefined ? {} : { date: options.date }),
          campaignName,
          taskQueue: env.TEMPORAL_TASK_QUEUE,
        });
        const awaited = validation.awaitingContacts;
        if (started && awaited) {
          console.log(
            `Started campaign ${campaignId} ("${campaignName}") as ${campaignWorkflowId(campaignId)}; it waits up to ${durationText(awaited.waitMs)} for ${awaited.file} (contactsWait)`,
          );
        } else if (started) {
          console.log(
            `Started campaign ${campaignId} ("${campaignName}", ${validation.valid} call(s)) as ${campaignWorkflowId(campaignId)}`,
          );
        } else {
          console.log(`Campaign ${campaignId} already exists; it was not started again.`);
          process.stdout.write(formatCampaignStatus(await readCampaignStatus(client, campaignId)));
        }
        console.log(
          `Temporal UI: ${env.TEMPORAL_UI_URL}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(`CampaignId="${campaignId}"`)}`,
        );
        if (!options.wait) {
          if (started) console.log(`Follow it with: cmc status ${campaignId}`);
          return;
        }
        console.log('Waiting for the campaign to finish. Ctrl-C detaches; the campaign keeps running.');
        const end = await watchCampaign(client, campaignId);
        if (end.kind === 'detached') {
          console.log(
            `\nDetached. Campaign ${campaignId} keeps running (it was NOT cancelled).\n` +
              `  cmc status ${campaignId}   to check on it\n` +
              `  cmc cancel ${campaignId}   to stop it`,
          );
          return;
        }
        process.stdout.write(`\n${formatCampaignStatus(end.view)}`);
        const status = end.view.result?.status;
        if (status !== 'completed') {
          throw new CliError(
            `campaign ${campaignId} ended ${status ?? end.view.workflowStatus.toLowerCase()}`,
            ExitCode.failure,
          );
        }
      });
    });
}

/** `<folder-name>-<YYYYMMDD-HHMMSS>` in local time, with the folder name made ID-safe. */
export function defaultCampaignId(campaignDir: string, now: Date = new Date()): string {
  const folder =
    path
      .basename(path.resolve(campaignDir))
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 80)
      .replace(/[-._]+$/, '') || 'campaign';
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${folder}-${stamp}`;
}

export function parseCampaignId(value: string): string {
  if (!CAMPAIGN_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      'use letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit.',
    );
  }
  return value;
}

export function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('expected a date as YYYY-MM-DD.');
  return value;
}
