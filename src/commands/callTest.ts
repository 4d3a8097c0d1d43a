import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { additionalPrompt } from '../activities/callActivities.js';
import type { StartCallRequest } from '../callmycall/schemas.js';
import type { ContactRow } from '../campaign/contactRow.js';
import { ContactsFileError } from '../campaign/contactsFileError.js';
import { CampaignFileError, type LoadedCampaign, loadCampaign } from '../campaign/loadCampaign.js';
import { readContacts } from '../campaign/readContacts.js';
import { classifyDisposition } from '../dispositions/classifyDisposition.js';
import { closingInstructions } from '../dispositions/closingSentences.js';
import { dispositionDefinitions, usesClosingSentences } from '../dispositions/defaultDispositions.js';
import { callFactsOf } from '../dispositions/rowFacts.js';
import { isFinalCallStatus } from '../engine/callEvent.js';
import { outcomeOfCallStatus } from '../engine/outcomes.js';
import { withCallMyCall } from './callMyCallSession.js';
import { CliError, ExitCode } from './exitCodes.js';
import { pollUntil, waitTimeoutOption } from './pollUntil.js';
import { parseDate } from './run.js';
import { e164Arguments } from './suppress.js';

const HELP = `
One real call before calling everyone: the campaign's task, rendered for one row
exactly as a run renders it, to YOUR number (--to), never to the row's. It waits for
the call to end and prints the transcript, outcome, disposition and credits. The test
is recorded under CMC_REPORTS_DIR/tests/, never in a campaign's results.

Examples:
  cmc call test campaigns/reminders --to +46701234567
  cmc call test campaigns/reminders --to +46701234567 --row 14 --json

Exit status: 0 the call ended; 1 it did not end before --timeout, or the API refused;
2 bad usage (a number that is not E.164, an invalid campaign, a row that cannot be
called); 3 the API is unreachable; 4 no row on that line.`;

const POLL_INTERVAL_MS = 2_000;

function lineNumber(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 2) {
    throw new InvalidArgumentError('a contacts-file line number: 2 or more (line 1 is the header).');
  }
  return Number(value);
}

/** Row N of the contacts file, or the first row a run would call. */
async function rowToTest(campaign: LoadedCampaign, rowKeySecret: string, line: number | undefined) {
  for await (const row of readContacts(campaign, { rowKeySecret })) {
    if (line === undefined ? row.status === 'valid' : row.line === line) return row;
    if (line !== undefined && row.line > line) break;
  }
  throw new CliError(
    line === undefined
      ? 'the contacts file has no row that can be called'
      : `the contacts file has no row on line ${line}`,
    line === undefined ? ExitCode.usage : ExitCode.notFound,
  );
}

/** The start-call request a run would send for `row`, to `to` instead, without the run's webhook. */
function testRequest(
  campaign: LoadedCampaign,
  row: ContactRow,
  to: string,
  requestId: string,
): StartCallRequest {
  const {
    task: _task,
    additionalPrompt: _prompt,
    recording: _recording,
    webhook_events: _events,
    ...callOptions
  } = campaign.config.call;
  const closing = usesClosingSentences(campaign.config.dispositions) ? closingInstructions() : undefined;
  return {
    ...callOptions,
    ...row.overrides,
    phone_number: to,
    task: row.task as string,
    ...additionalPrompt(row.additionalPrompt, closing),
    metadata: { client_request_id: requestId, test_call: true },
  } as StartCallRequest;
}

/** `cmc call test <campaignDir> --to <E.164>`: the dry run a person does before a campaign. */
export function callTestCommand(): Command {
  return new Command('test')
    .description("Place one real test call with a campaign's task (for one row) to your own phone")
    .argument('<campaignDir>', 'the campaign folder (campaign.json and its contacts file)')
    .requiredOption('--to <E.164>', 'your phone number, e.g. +46701234567')
    .option(
      '--row <line>',
      'the contacts-file line whose task to use (default: the first valid row)',
      lineNumber,
    )
    .option('--date <YYYY-MM-DD>', 'the date for {{date}} in the contacts file name', parseDate)
    .option(
      '--timeout <duration>',
      'give up waiting for the call to end after this long (default 15m)',
      waitTimeoutOption,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', HELP)
    .action(
      async (
        campaignDir: string,
        options: { to: string; row?: number; date?: string; timeout?: number; json?: boolean },
      ) => {
        const to = e164Arguments([options.to])[0] as string;
        await withCallMyCall(async (client, env) => {
          let campaign: LoadedCampaign;
          let row: ContactRow;
          try {
            campaign = await loadCampaign(campaignDir, options.date ? { date: options.date } : {});
            row = await rowToTest(campaign, env.CMC_ROW_KEY_SECRET, options.row);
          } catch (error) {
            if (error instanceof CampaignFileError || error instanceof ContactsFileError)
              throw new CliError(error.message, ExitCode.usage);
            throw error;
          }
          if (row.status !== 'valid' || row.task === undefined) {
            throw new CliError(
              `line ${row.line} would not be called (${row.status}${row.reason ? `: ${row.reason}` : ''}); pick a valid row`,
              ExitCode.usage,
            );
          }
          const requestId = `test:${randomUUID()}`;
          const request = testRequest(campaign, row, to, requestId);
          const { sid } = await client.startCall(request);
          if (!options.json)
            process.stderr.write(
              `test call ${sid} to ${to} placed (line ${row.line}); waiting for it to end...\n`,
            );
          const polled = await pollUntil(
            () => client.getCall(sid),
            (answer) => isFinalCallStatus(answer.call.status),
            { intervalMs: POLL_INTERVAL_MS, timeoutMs: options.timeout ?? 15 * 60_000 },
          );
          const { call, transcripts } = polled.value;
          const summary =
            call.summary && typeof call.summary === 'object'
              ? (call.summary as Record<string, unknown>)
              : undefined;
          const goalCompleted =
            typeof summary?.goal_completed === 'boolean' ? summary.goal_completed : undefined;
          const outcome = polled.done ? outcomeOfCallStatus(call.status) : 'unknown';
          const transcript = transcripts.map((line) => ({ role: line.role, text: line.text, seq: line.seq }));
          const disposition = classifyDisposition(
            dispositionDefinitions(campaign.config.dispositions),
            callFactsOf({
              outcome,
              attempts: [{ attempt: 1, clientRequestId: requestId, sid, status: call.status }],
              ...(goalCompleted === undefined ? {} : { goalCompleted }),
              transcript,
            }),
          );
          const record = {
            kind: 'test-call',
            clientRequestId: requestId,
            sid,
            to,
            campaign: { name: campaign.config.name, dir: campaign.dir, line: row.line, rowKey: row.rowKey },
            task: request.task,
            status: call.status,
            outcome,
            disposition,
            credits: call.credits ?? null,
            durationS: call.duration ?? null,
            transcript,
            recordedAt: new Date().toISOString(),
          };
          // Apart from campaigns: its own folder, never a campaign's results or report.
          const dir = join(env.CMC_REPORTS_DIR, 'tests');
          await mkdir(dir, { recursive: true });
          const file = join(dir, `${record.recordedAt.replace(/[:.]/g, '-')}-${sid}.json`);
          await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ ...record, file })}\n`);
          } else {
            process.stdout.write(
              `${[
                `test call ${sid} to ${to}, task of line ${row.line}: ${request.task}`,
                'transcript:',
                ...(transcript.length === 0
                  ? ['  (nothing said)']
                  : transcript.map((l) => `${l.role.padStart(9)}: ${l.text}`)),
                `outcome: ${outcome} (status ${call.status})`,
                `disposition: ${disposition.disposition}${disposition.review ? ' (needs review)' : ''}`,
                `credits: ${call.credits ?? '-'}`,
                `recorded in ${file}`,
              ].join('\n')}\n`,
            );
          }
          if (!polled.done) throw new CliError(`gave up waiting: call ${sid} is still ${call.status}`);
        });
      },
    );
}
