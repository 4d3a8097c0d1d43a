import path from 'node:path';
import { Command } from 'commander';
import { ContactsFileError } from '../campaign/contactsFileError.js';
import { normalizePhoneNumber } from '../campaign/phoneNumber.js';
import { type CampaignWarning, suppressionFileEntries } from '../campaign/suppressionList.js';
import { csvLine } from '../reports/csvCell.js';
import { spreadsheetSafe } from '../reports/spreadsheetSafe.js';
import { openCampaignStore } from '../storage/campaignStore.js';
import type { SuppressionRecord, SuppressionStore } from '../storage/suppressionStore.js';
import { CliError, ExitCode } from './exitCodes.js';
import { streamSink } from './streamSink.js';
import { loadCliEnv } from './temporalConnection.js';

const HELP = `
One do-not-call list for the whole deployment, in the campaign store (CMC_DATABASE_URL
or CMC_DATA_DIR). Every campaign checks it right before each dial, campaigns already
running included, so a number added now is not called again. A call whose disposition
is opted_out adds its number by itself. Numbers are E.164 (+46701234567); a number
listed twice keeps its first entry.

Examples:
  cmc suppress add +46701234567 --reason "asked by SMS"
  cmc suppress import nix-matches.csv --reason "NIX-Telefon" --column phone
  cmc suppress list --json
  cmc suppress export > do-not-call.csv
  cmc suppress remove +46701234567

Exit status: 0 done; 2 bad usage (a number that is not E.164, an unreadable file).`;

/** Numbers added by one insert batch: bounds memory on a million-line import. */
const IMPORT_BATCH = 1_000;

/** The E.164 form of each argument; a bad one stops the command before anything changes. */
export function e164Arguments(numbers: readonly string[]): string[] {
  return numbers.map((text, index) => {
    const phone = normalizePhoneNumber(text);
    if (!phone.ok) {
      throw new CliError(
        `number ${index + 1} ${JSON.stringify(text.slice(0, 40))}: ${phone.reason} (write it in E.164, e.g. +46701234567)`,
        ExitCode.usage,
      );
    }
    return phone.e164;
  });
}

/** Adds every number of a CSV (header with a number column, or a bare list); returns [read, added]. */
export async function importSuppressionFile(
  store: SuppressionStore,
  file: string,
  options: { column?: string; reason?: string; defaultCountry?: string },
  onWarning: (warning: CampaignWarning) => void,
): Promise<{ read: number; added: number }> {
  const source = `import ${path.basename(file)}`;
  const addedAt = new Date().toISOString();
  let batch: SuppressionRecord[] = [];
  let read = 0;
  let added = 0;
  const entries = suppressionFileEntries(
    file,
    {
      column: options.column ?? 'phone_number',
      columnConfigured: options.column !== undefined,
      limits: { maxFileBytes: 2 * 1024 ** 3, maxRowChars: 64 * 1024 },
      defaultCountry: options.defaultCountry,
    },
    onWarning,
  );
  for await (const entry of entries) {
    read += 1;
    const reason = entry.reason ?? options.reason;
    batch.push({ phoneE164: entry.phoneE164, source, addedAt, ...(reason ? { reason } : {}) });
    if (batch.length >= IMPORT_BATCH) {
      added += await store.add(batch);
      batch = [];
    }
  }
  added += await store.add(batch);
  return { read, added };
}

async function withSuppressions<T>(work: (store: SuppressionStore) => Promise<T>): Promise<T> {
  const store = await openCampaignStore(loadCliEnv());
  try {
    return await work(store.suppressions);
  } finally {
    await store.close();
  }
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

/** `cmc suppress`: the deployment-wide suppression list. */
export function suppressCommand(): Command {
  const command = new Command('suppress')
    .description('Manage the do-not-call list every campaign checks before each dial')
    .addHelpText('after', HELP);

  command
    .command('add')
    .description('Add numbers (E.164) to the list')
    .argument('<numbers...>', 'E.164 numbers, e.g. +46701234567')
    .option('--reason <text>', 'why (shown in reports and audits)')
    .option('--json', 'print the result as JSON')
    .action(async (numbers: string[], options: { reason?: string; json?: boolean }) => {
      const phones = e164Arguments(numbers);
      const addedAt = new Date().toISOString();
      const added = await withSuppressions((store) =>
        store.add(
          phones.map((phoneE164) => ({
            phoneE164,
            source: 'cli',
            addedAt,
            ...(options.reason ? { reason: options.reason } : {}),
          })),
        ),
      );
      print(
        options.json === true,
        { added, alreadyListed: phones.length - added },
        `added ${added} number(s)${phones.length > added ? `; ${phones.length - added} already listed` : ''}`,
      );
    });

  command
    .command('remove')
    .description('Remove numbers from the list (the number may be called again)')
    .argument('<numbers...>', 'E.164 numbers')
    .option('--json', 'print the result as JSON')
    .action(async (numbers: string[], options: { json?: boolean }) => {
      const phones = e164Arguments(numbers);
      const removed = await withSuppressions((store) => store.remove(phones));
      print(
        options.json === true,
        { removed, notListed: phones.length - removed },
        `removed ${removed} number(s)${phones.length > removed ? `; ${phones.length - removed} were not listed` : ''}`,
      );
    });

  command
    .command('list')
    .description('Show the list')
    .option('--json', 'print JSON lines, one entry per line')
    .action(async (options: { json?: boolean }) => {
      await withSuppressions(async (store) => {
        const sink = streamSink(process.stdout);
        let count = 0;
        for await (const entry of store.all()) {
          count += 1;
          await sink.write(
            options.json
              ? `${JSON.stringify(entry)}\n`
              : `${entry.phoneE164.padEnd(17)} ${entry.addedAt}  ${entry.source}${entry.reason ? `: ${entry.reason}` : ''}\n`,
          );
        }
        if (!options.json && count === 0) await sink.write('the suppression list is empty\n');
      });
    });

  command
    .command('export')
    .description('Write the list as CSV (phone_number,reason,source,added_at) to stdout')
    .action(async () => {
      await withSuppressions(async (store) => {
        const sink = streamSink(process.stdout);
        await sink.write(csvLine(['phone_number', 'reason', 'source', 'added_at']));
        for await (const entry of store.all()) {
          await sink.write(
            // The number as it is (validated E.164, no formula), so the file imports back unchanged.
            csvLine([
              entry.phoneE164,
              ...[entry.reason ?? '', entry.source, entry.addedAt].map(spreadsheetSafe),
            ]),
          );
        }
      });
    });

  command
    .command('import')
    .description('Add every number of a CSV file (a header with a number column, or one number per line)')
    .argument('<file>', 'CSV file')
    .option('--column <name>', 'the column holding the numbers (default: phone_number or a usual name)')
    .option('--reason <text>', 'reason for rows without a "reason" column')
    .option('--default-country <CC>', 'country for numbers in national format, e.g. SE')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        options: { column?: string; reason?: string; defaultCountry?: string; json?: boolean },
      ) => {
        const warnings: CampaignWarning[] = [];
        let result: { read: number; added: number };
        try {
          result = await withSuppressions((store) =>
            importSuppressionFile(store, file, options, (warning) => warnings.push(warning)),
          );
        } catch (error) {
          if (error instanceof ContactsFileError) throw new CliError(error.message, ExitCode.usage);
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            throw new CliError(`cannot read ${file}: no such file`, ExitCode.usage);
          throw error;
        }
        for (const warning of warnings.slice(0, 20)) {
          process.stderr.write(`${file}:${warning.line ?? '?'}: ${warning.message}\n`);
        }
        if (warnings.length > 20) process.stderr.write(`${warnings.length - 20} more warnings\n`);
        print(
          options.json === true,
          { ...result, ignored: warnings.length },
          `read ${result.read} number(s), added ${result.added}${warnings.length ? `, ignored ${warnings.length} line(s)` : ''}`,
        );
      },
    );
  return command;
}
