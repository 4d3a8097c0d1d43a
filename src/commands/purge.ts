import path from 'node:path';
import { Command } from 'commander';
import { DurationError, parseDuration } from '../campaign/duration.js';
import { quotedExcerpt } from '../campaign/quotedExcerpt.js';
import { isSafePathSegment } from '../results/pathSegment.js';
import {
  MAX_RETENTION,
  PurgeCampaignNotFoundError,
  type PurgedCampaign,
  type PurgeSummary,
  purgeCampaigns,
} from '../storage/campaignPurge.js';
import { type OpenDatabase, openDatabase } from '../storage/database.js';
import { type DatabaseLocation, DatabaseUrlError, parseDatabaseUrl } from '../storage/databaseUrl.js';
import { CAMPAIGN_ID_PATTERN } from '../temporal/startCampaign.js';
import { CliError, ExitCode } from './exitCodes.js';
import { loadCliEnv } from './temporalConnection.js';

const HELP = `
A campaign is finished when the campaign store has a row result for every valid row
(the database decides, Temporal is not asked). Only finished campaigns prepared
(campaigns.prepared_at) before now minus --older-than are purged.

Removed: phone numbers and every column of the contacts file (names, dates, notes)
from the stored rows and results; the rendered task text; transcripts; the free text
of call summaries (flags and numbers such as goal_completed stay); quoted cell values
and the row's own values inside reasons and errors; the recordings in
CMC_REPORTS_DIR/<id>/recordings/ (those the results name, and any other file left in
that folder); and CMC_REPORTS_DIR/<id>/results.csv, results.jsonl and report.html.

Kept: line numbers, row keys, statuses, outcomes, every attempt (status, sid, times,
duration, credits), each attempt's dial-time checks, the attempt ledger (without the
dialled number), the campaign's plan and summary.json (an error it quotes loses the
row's number and cell values). The suppression list (cmc suppress) is never purged. The
campaign is marked purged (purgedAt in its manifest) and skipped from then on, so a
second run removes nothing. Temporal's own history is not touched: it goes when the
namespace retention deletes closed workflows (docs/DEPLOY.md, "What lives where").

Examples:
  cmc purge --older-than 90d --dry-run      what a 90-day retention would remove
  cmc purge --older-than 90d                remove it
  cmc purge --older-than 0s --campaign reminders-2026-03-02 --json

Reads CMC_DATABASE_URL (or CMC_DATA_DIR) and CMC_REPORTS_DIR: run it where the workers
keep their data.

Exit status: 0 done (also when nothing was left to purge); 1 --campaign names a
campaign that is not finished or not old enough; 2 bad usage (a bad duration or ID);
3 the campaign store cannot be opened; 4 --campaign names no campaign in the store.`;

interface PurgeCliOptions {
  olderThan: string;
  campaign?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `cmc purge --older-than 30d [--campaign ID] [--dry-run] [--json]`: retention for finished campaigns. */
export function purgeCommand(): Command {
  return new Command('purge')
    .description('Delete the personal data of finished campaigns older than a cutoff; keep their outcomes.')
    .requiredOption(
      '--older-than <duration>',
      `purge campaigns prepared longer ago than this, e.g. 30d (at most ${MAX_RETENTION.text})`,
    )
    .option('--campaign <id>', 'only this campaign')
    .option('--dry-run', 'print what would be removed; change nothing')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', HELP)
    .action(async (options: PurgeCliOptions) => {
      const olderThanMs = parseOlderThan(options.olderThan);
      const campaignId = options.campaign === undefined ? undefined : parseCampaignOption(options.campaign);
      const env = loadCliEnv();
      const database = await openStore(env.CMC_DATABASE_URL, env.CMC_DATA_DIR);
      let summary: PurgeSummary;
      try {
        summary = await purgeCampaigns(database.db, {
          olderThanMs,
          ...(campaignId === undefined ? {} : { campaignId }),
          now: new Date(),
          reportsDir: env.CMC_REPORTS_DIR,
          dryRun: options.dryRun === true,
        });
      } catch (error) {
        if (error instanceof PurgeCampaignNotFoundError)
          throw new CliError(`${error.message} (${database.description})`, ExitCode.notFound);
        throw error;
      } finally {
        await database.close();
      }
      const reportsDir = path.resolve(env.CMC_REPORTS_DIR);
      if (options.json) {
        const out = { store: database.description, reportsDir, olderThan: options.olderThan, ...summary };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        process.stdout.write(
          formatPurgeSummary(summary, { store: database.description, olderThan: options.olderThan }),
        );
      }
      const refused = campaignId === undefined ? undefined : whyNotPurged(summary);
      // After the summary (also the JSON one), so a script sees both what happened and why not.
      if (refused !== undefined) throw new CliError(refused, ExitCode.failure);
    });
}

function parseOlderThan(text: string): number {
  try {
    return parseDuration(text, MAX_RETENTION);
  } catch (error) {
    if (error instanceof DurationError) throw new CliError(`--older-than: ${error.message}`, ExitCode.usage);
    throw error;
  }
}

function parseCampaignOption(text: string): string {
  // The ID also names a folder under CMC_REPORTS_DIR: nothing that could climb out of it.
  if (!CAMPAIGN_ID_PATTERN.test(text) || !isSafePathSegment(text))
    throw new CliError(
      `--campaign: ${quotedExcerpt(text)} is not a campaign ID (letters, digits, . _ -; no "..")`,
      ExitCode.usage,
    );
  return text;
}

async function openStore(url: string | undefined, dataDir: string): Promise<OpenDatabase> {
  let location: DatabaseLocation;
  try {
    location = parseDatabaseUrl(url, dataDir);
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
  try {
    return await openDatabase(location);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `cannot open the campaign store (${describeLocation(location)}): ${withoutPassword(message, location)}`,
      ExitCode.unavailable,
    );
  }
}

/** Where the store is, never with its credentials. */
function describeLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return location.path;
  const url = new URL(location.url);
  return `postgres ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function withoutPassword(message: string, location: DatabaseLocation): string {
  if (location.kind !== 'postgres') return message;
  let out = message.split(location.url).join('postgres://…');
  const password = new URL(location.url).password;
  if (password !== '') {
    out = out.split(password).join('***');
    const decoded = decodeURIComponent(password);
    if (decoded !== '') out = out.split(decoded).join('***');
  }
  return out;
}

/** With --campaign: why that campaign was not purged now, or undefined when it was (or had been). */
function whyNotPurged(summary: PurgeSummary): string | undefined {
  const id = summary.campaignId;
  const unfinished = summary.skipped.unfinished[0];
  if (unfinished !== undefined)
    return `campaign ${id} is not finished: ${unfinished.rowsWithoutResult} valid row(s) have no result yet`;
  if (summary.skipped.recent.length > 0)
    return `campaign ${id} was prepared after ${summary.cutoff}: not old enough`;
  if (summary.purged.length === 0 && summary.skipped.alreadyPurged.length === 0)
    return `campaign ${id} was not purged (see the warnings above)`;
  return undefined;
}

/** The text `cmc purge` prints: what went (or would go), and what was left and why. */
export function formatPurgeSummary(
  summary: PurgeSummary,
  context: { store: string; olderThan: string },
): string {
  const verb = summary.dryRun ? 'would be' : '';
  const lines: string[] = [];
  lines.push(
    `${summary.dryRun ? 'Dry run, nothing changed. ' : ''}Finished campaigns prepared before ${summary.cutoff} (older than ${context.olderThan}) in ${context.store}:`,
  );
  if (summary.purged.length === 0) {
    lines.push(
      `  nothing to purge${summary.skipped.alreadyPurged.length > 0 ? ' (already purged before)' : ''}`,
    );
  }
  for (const campaign of summary.purged) lines.push(`  ${formatCampaign(campaign, verb)}`);
  const totals = summary.totals;
  if (summary.purged.length > 0) {
    lines.push(
      `${summary.dryRun ? 'Would purge' : 'Purged'} ${count(totals.campaigns, 'campaign')}: ` +
        `${count(totals.rowsScrubbed, 'row')} and ${count(totals.resultsScrubbed, 'result')} scrubbed, ` +
        `${count(totals.recordingsDeleted, 'recording')} (${formatBytes(totals.recordingBytes)}) and ` +
        `${count(totals.reportFilesDeleted, 'report file')} ${summary.dryRun ? 'to delete' : 'deleted'}.`,
    );
  }
  const skipped = summary.skipped;
  const notes: string[] = [];
  if (skipped.alreadyPurged.length > 0)
    notes.push(
      `${count(skipped.alreadyPurged.length, 'campaign')} already purged (${skipped.alreadyPurged
        .map((entry) => `${entry.campaignId} on ${entry.purgedAt}`)
        .join(', ')})`,
    );
  if (skipped.unfinished.length > 0)
    notes.push(
      `${count(skipped.unfinished.length, 'campaign')} not finished (${skipped.unfinished
        .map((entry) => `${entry.campaignId}: ${count(entry.rowsWithoutResult, 'row')} without a result`)
        .join(', ')})`,
    );
  if (skipped.recent.length > 0) notes.push(`${count(skipped.recent.length, 'campaign')} too recent`);
  if (notes.length > 0) lines.push(`Left alone: ${notes.join('; ')}.`);
  for (const warning of summary.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

function formatCampaign(campaign: PurgedCampaign, verb: string): string {
  const deleted = verb ? `${verb} deleted` : 'deleted';
  const scrubbed = verb ? `${verb} scrubbed` : 'scrubbed';
  const files = campaign.reportFilesDeleted;
  return (
    `${campaign.campaignId} (${quotedExcerpt(campaign.name)}, prepared ${campaign.preparedAt}): ` +
    `${count(campaign.rowsScrubbed, 'row')} and ${count(campaign.resultsScrubbed, 'result')} ${scrubbed}; ` +
    `${count(campaign.recordingsDeleted, 'recording')} (${formatBytes(campaign.recordingBytes)}) ${deleted}; ` +
    `${count(files.length, 'report file')} ${deleted}${files.length > 0 ? ` (${files.join(', ')})` : ''}` +
    (campaign.summaryRedacted ? `; summary.json errors ${verb ? `${verb} ` : ''}redacted` : '')
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}, ${bytes} bytes`;
}
