import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { dispositionDefinitions } from '../dispositions/defaultDispositions.js';
import { dispositionNames } from '../reports/dispositionNames.js';
import { EXPORT_FORMATS, type ExportFormat, exportRows } from '../reports/exportRows.js';
import { AtomicFileWriter } from '../results/atomicFile.js';
import { type CampaignStore, openCampaignStore } from '../storage/campaignStore.js';
import { CAMPAIGN_ID_PATTERN } from '../temporal/startCampaign.js';
import { CliError, ExitCode } from './exitCodes.js';
import { streamSink } from './streamSink.js';
import { loadCliEnv } from './temporalConnection.js';

const HELP = `
Rows are written exactly as in reports/<id>/results.csv or results.jsonl (the contacts
file's own columns first, then outcome, disposition, review, disposition_rule and the
captured values), read from the campaign store, so it works mid-run too and without
writing the report. --only keeps the rows with those dispositions: the names of the
campaign's rules, needs_review (no rule matched) and not_called. Pending rows have no
disposition yet, so only an export without --only has them.

Examples:
  cmc export spring-recall --format csv --only needs_review,reschedule_requested,cancel_requested,opted_out --out review.csv
  cmc export spring-recall --format csv --only reschedule_requested > rebook.csv
  cmc export spring-recall --format jsonl --only needs_review | jq .disposition

Reads CMC_DATABASE_URL (or CMC_DATA_DIR): run it where the workers keep their data.
With --out the file appears whole or not at all, and a line says how many rows went in
(--json: as JSON); without it the rows go to stdout and nothing else does.

Exit status: 0 written (also when no row matched); 1 the file could not be written;
2 bad usage (an unknown --format or disposition name); 4 no such campaign in the store.`;

export interface ExportOptions {
  format: ExportFormat;
  /** Comma-separated disposition names. */
  only?: string;
  out?: string;
}

export interface ExportSummary {
  campaignId: string;
  format: ExportFormat;
  /** Absolute path, or null for stdout. */
  file: string | null;
  only: string[] | null;
  rows: number;
}

/**
 * The work of `cmc export`, given an open campaign store: checks the campaign and the
 * --only names, then writes the rows to `--out` (atomically) or to `stdout`.
 */
export async function exportCampaign(
  store: Pick<CampaignStore, 'prepared' | 'description'>,
  campaignId: string,
  options: ExportOptions,
  stdout: Writable = process.stdout,
): Promise<ExportSummary> {
  if (!CAMPAIGN_ID_PATTERN.test(campaignId)) {
    throw new CliError(`"${campaignId}" is not a campaign ID`, ExitCode.notFound);
  }
  const manifest = await store.prepared.readManifest(campaignId);
  if (!manifest) {
    throw new CliError(
      `no campaign "${campaignId}" in ${store.description}: the ID is unknown, the campaign is still ` +
        'preparing, or its workers use another CMC_DATABASE_URL / CMC_DATA_DIR',
      ExitCode.notFound,
    );
  }
  const only =
    options.only === undefined
      ? undefined
      : parseOnly(options.only, dispositionNames(dispositionDefinitions(manifest.dispositions)));
  const input = {
    entries: store.prepared.reportEntries(campaignId),
    ...(manifest.dispositions === undefined ? {} : { dispositions: manifest.dispositions }),
    format: options.format,
    ...(only === undefined ? {} : { only: new Set(only) }),
  };
  const summary = { campaignId, format: options.format, only: only ?? null };
  if (options.out === undefined) {
    const rows = await exportRows({ ...input, scratchDir: tmpdir() }, streamSink(stdout));
    return { ...summary, file: null, rows };
  }
  const file = path.resolve(options.out);
  const writer = await AtomicFileWriter.create(file);
  try {
    const rows = await exportRows({ ...input, scratchDir: path.dirname(file) }, writer);
    await writer.commit();
    return { ...summary, file, rows };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** `needs_review, reschedule_requested` -> the names, each checked against the campaign's. */
function parseOnly(text: string, valid: readonly string[]): string[] {
  const names = [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
  const unknown = names.filter((name) => !valid.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    const what =
      names.length === 0 ? 'names no disposition' : `has unknown disposition(s): ${unknown.join(', ')}`;
    throw new CliError(
      `--only ${what}; this campaign's dispositions are: ${valid.join(', ')}`,
      ExitCode.usage,
    );
  }
  return names;
}

/** `cmc export <id> --format csv|jsonl [--only a,b] [--out FILE] [--json]`. */
export function exportCommand(): Command {
  return new Command('export')
    .description("Write a campaign's rows, all or those with some dispositions, as CSV or JSON Lines.")
    .argument('<id>', 'campaign ID')
    .addOption(
      new Option('--format <format>', 'csv (as results.csv) or jsonl (as results.jsonl)')
        .choices(EXPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .option('--only <dispositions>', 'only rows with these dispositions, comma-separated')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .option('--json', 'with --out: print what was written as JSON')
    .addHelpText('after', HELP)
    .action(async (campaignId: string, options: ExportOptions & { json?: boolean }) => {
      const store = await openCampaignStore(loadCliEnv());
      let summary: ExportSummary;
      try {
        summary = await exportCampaign(store, campaignId, options);
      } finally {
        await store.close();
      }
      if (summary.file === null) return;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const which = summary.only === null ? '' : ` (${summary.only.join(', ')})`;
      console.log(`Wrote ${summary.rows} row(s)${which} of ${campaignId} to ${summary.file}`);
    });
}
