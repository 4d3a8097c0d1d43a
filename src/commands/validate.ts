import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ROW_PROBLEM_LABELS, type RowProblemCode } from '../campaign/contactRow.js';
import { isCalendarDate } from '../campaign/loadCampaign.js';
import { type ValidationResult, validateCampaign } from '../campaign/validateCampaign.js';
import { loadEnv } from '../config/env.js';
import { CliError, ExitCode } from './exitCodes.js';

/**
 * `cmc validate <campaignDir> [--json] [--date YYYY-MM-DD]`: checks a campaign
 * before anything is called and explains every problem with its line number.
 *
 * Exit status: 0 when the campaign can run (invalid, duplicate or suppressed rows
 * are reported as warnings); 1 (ExitCode.failure) when it cannot: campaign.json is
 * missing or wrong, a CSV file is unusable (missing columns, not UTF-8, ...), or no
 * row is valid; 2 (ExitCode.usage) for a wrong command line, such as a bad --date.
 */
const MAX_LISTED_PROBLEMS = 20;

export function validateCommand(): Command {
  // exitOverride: addCommand() does not pass the program's down, and without it a bad
  // option would exit 1 here instead of reaching cli.ts, which maps it to ExitCode.usage.
  return new Command('validate')
    .description('Check a campaign folder (campaign.json and its CSV files) without calling anyone.')
    .exitOverride()
    .argument('<campaignDir>', 'folder holding campaign.json, e.g. campaigns/appointment-confirmation')
    .option('--json', 'print the full result as JSON')
    .option('--date <YYYY-MM-DD>', 'date for {{date}} in the contacts path (default: today)', parseDateOption)
    .addHelpText(
      'after',
      '\nExit status: 0 the campaign can run (bad rows are only warnings); 1 it cannot run\n' +
        '(bad campaign.json, unusable CSV, missing columns, no valid rows); 2 bad usage.',
    )
    .action(async (campaignDir: string, options: { json?: boolean; date?: string }) => {
      const result = await validateCampaign(campaignDir, {
        ...(options.date === undefined ? {} : { date: options.date }),
        rowKeySecret: loadEnv().CMC_ROW_KEY_SECRET,
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(result, null, 2)}\n` : formatValidationSummary(result),
      );
      if (!result.canRun) {
        const why = result.errors.length > 0 ? `${result.errors.length} error(s)` : 'no valid rows';
        throw new CliError(`campaign cannot run: ${why}`, ExitCode.failure);
      }
    });
}

function parseDateOption(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('expected a real date as YYYY-MM-DD.');
  return value;
}

/** The human summary: counts, where the calls go, what they cost, and the first problems by line. */
export function formatValidationSummary(result: ValidationResult): string {
  const out: string[] = [];
  const number = (value: number) => value.toLocaleString('en-US');
  out.push(`Campaign ${result.name ? `"${result.name}" ` : ''}(${result.campaignDir})`);
  if (result.contactsFile) {
    const delimiter = result.delimiter === undefined ? '' : `, delimiter ${JSON.stringify(result.delimiter)}`;
    out.push(`Contacts  ${relative(result.contactsFile)}${delimiter}`);
  }
  if (result.rows > 0 || result.contactsFile) {
    const byReason = Object.entries(result.invalidByReason)
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${ROW_PROBLEM_LABELS[code as RowProblemCode] ?? code} ${count}`)
      .join(', ');
    out.push(`  rows        ${number(result.rows)}`);
    out.push(`  valid       ${number(result.valid)}`);
    out.push(`  invalid     ${number(result.invalid.length)}${byReason ? `   (${byReason})` : ''}`);
    out.push(`  duplicates  ${number(result.duplicates.length)}`);
    out.push(`  suppressed  ${number(result.suppressed.length)}`);
    if (result.noConsent.length > 0) out.push(`  no consent  ${number(result.noConsent.length)}`);
    out.push(`Countries     ${tally(result.countries) || '-'}`);
    out.push(`Number types  ${tally(result.numberTypes) || '-'}`);
    if (result.overrideColumns.length > 0)
      out.push(`Per-row call options from columns: ${result.overrideColumns.join(', ')}`);
  }
  if (result.budget !== undefined) {
    out.push(
      `Estimated credits  ${number(result.estimatedCredits)} (budget ${number(result.budget)}; first attempts only)`,
    );
  }
  if (result.pacing) {
    const { callingWindow: window, concurrency, callsPerMinute, estimatedCallDurationMs } = result.pacing;
    const days = window.days.length === 7 ? 'every day' : window.days.join(',');
    const needed =
      result.callingDaysNeeded === undefined ? '' : `; ${result.callingDaysNeeded} calling day(s) needed`;
    out.push(
      `Calls per day      ${number(result.callsPerDay)} (${window.start}-${window.end} ${days}, ${window.timezone}; ` +
        `concurrency ${concurrency}, ${callsPerMinute}/min, ~${Math.round(estimatedCallDurationMs / 1000)}s per call${needed})`,
    );
  }

  const problems = listProblems(result);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
    out.push(
      '',
      `Problems${problems.length > shown.length ? ` (first ${shown.length} of ${problems.length})` : ''}:`,
    );
    out.push(...shown.map((problem) => `  ${problem}`));
  }
  if (result.warnings.length > 0) {
    out.push('', 'Warnings:');
    out.push(
      ...result.warnings
        .slice(0, MAX_LISTED_PROBLEMS)
        .map((warning) => `  ${where(warning)}${warning.message}`),
    );
  }
  out.push('');
  const skipped =
    result.invalid.length + result.duplicates.length + result.suppressed.length + result.noConsent.length;
  if (result.awaitingContacts) {
    out.push(
      `OK to start: the run waits for ${result.awaitingContacts.file}; its rows are checked when it comes.`,
    );
  } else if (result.canRun) {
    out.push(
      `OK: ${number(result.valid)} call(s) ready${skipped > 0 ? `; ${number(skipped)} row(s) will not be called` : ''}.`,
    );
  } else {
    out.push('NOT READY: fix the errors above before running this campaign.');
  }
  return `${out.join('\n')}\n`;
}

/** Campaign-level errors first, then row problems in line order. */
function listProblems(result: ValidationResult): string[] {
  const errors = result.errors.map((error) => `error: ${where(error)}${error.message}`);
  const rows = [
    ...result.invalid.map((row) => ({
      line: row.line,
      text: `${row.column ? `${row.column}: ` : ''}${row.reason}${row.problems ? ` (+${row.problems - 1} more)` : ''}`,
    })),
    ...result.duplicates.map((row) => ({ line: row.line, text: `duplicate of line ${row.duplicateOf}` })),
    ...result.suppressed.map((row) => ({ line: row.line, text: `suppressed: ${row.reason}` })),
    ...result.noConsent.map((row) => ({ line: row.line, text: `no consent: ${row.reason}` })),
  ].sort((a, b) => a.line - b.line);
  return [...errors, ...rows.map((row) => `line ${String(row.line).padEnd(6)} ${row.text}`)];
}

function where(issue: { file?: string; line?: number }): string {
  if (!issue.file) return '';
  return `${relative(issue.file)}${issue.line === undefined ? '' : `:${issue.line}`}: `;
}

function tally(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}

function relative(file: string): string {
  const shown = path.relative(process.cwd(), file);
  return shown.startsWith('..') ? file : shown;
}
