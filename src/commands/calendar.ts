import { Command } from 'commander';
import type { CalendarStatusResponse } from '../callmycall/schemas.js';
import { printAnswer, withCallMyCall } from './callMyCallSession.js';
import { CliError } from './exitCodes.js';
import { pollUntil, waitTimeoutOption } from './pollUntil.js';

const HELP = `
Calls with enable_calendar (campaign.json or a column) let the AI book into the Google
Calendar authorised for this API key. Authorise once: \`connect\` prints the consent
URL to open in a browser, and with --wait waits until CallMyCall reports it authorised.

Examples:
  cmc calendar connect --wait
  cmc calendar status --json
  cmc calendar revoke

Exit status: 0 done (status: authorised; connect --wait: authorised in time);
1 not authorised, or --wait timed out; 2 bad usage; 3 the API is unreachable.`;

const POLL_INTERVAL_MS = 2_000;

function describeStatus(status: CalendarStatusResponse): string {
  if (!status.authorized) return 'Google Calendar is not authorised: run `cmc calendar connect --wait`';
  return `Google Calendar is authorised${status.expires_at ? ` (token until ${status.expires_at})` : ''}`;
}

function statusJson(status: CalendarStatusResponse) {
  return { authorized: status.authorized, scopes: status.scopes ?? [], expiresAt: status.expires_at ?? null };
}

/** `cmc calendar`: the Google Calendar authorisation behind enable_calendar. */
export function calendarCommand(): Command {
  const command = new Command('calendar')
    .description('Authorise, check and revoke the Google Calendar used by enable_calendar calls')
    .addHelpText('after', HELP);

  command
    .command('connect')
    .description('Print the Google consent URL; with --wait, wait until authorised')
    .option('--wait', 'wait until CallMyCall reports the calendar authorised')
    .option('--timeout <duration>', 'with --wait, give up after this long (default 10m)', waitTimeoutOption)
    .option('--json', 'print the result as JSON')
    .action(async (options: { wait?: boolean; timeout?: number; json?: boolean }) => {
      await withCallMyCall(async (client) => {
        const started = await client.startCalendarAuth();
        if (!options.wait) {
          printAnswer(
            options.json,
            { authUrl: started.auth_url },
            `Open this URL in a browser and allow access:\n${started.auth_url}\nThen check with: cmc calendar status`,
          );
          return;
        }
        // The URL goes out first, even with --json, so a person can open it while we wait.
        printAnswer(
          options.json,
          { authUrl: started.auth_url },
          `Open this URL in a browser and allow access:\n${started.auth_url}\nwaiting for the authorisation...`,
        );
        const polled = await pollUntil(
          () => client.getCalendarStatus(),
          (status) => status.authorized,
          { intervalMs: POLL_INTERVAL_MS, timeoutMs: options.timeout ?? 10 * 60_000 },
        );
        printAnswer(options.json, statusJson(polled.value), describeStatus(polled.value));
        if (!polled.done) throw new CliError('gave up waiting: the calendar is still not authorised');
      });
    });

  command
    .command('status')
    .description('Show whether this API key has an authorised Google Calendar')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await withCallMyCall(async (client) => {
        const status = await client.getCalendarStatus();
        printAnswer(options.json, statusJson(status), describeStatus(status));
        if (!status.authorized) process.exitCode = 1;
      });
    });

  command
    .command('revoke')
    .description('Revoke the Google Calendar authorisation of this API key')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await withCallMyCall(async (client) => {
        const answer = await client.revokeCalendar();
        if (!answer.success)
          throw new CliError(`CallMyCall did not revoke: ${answer.message ?? 'no reason given'}`);
        printAnswer(options.json, { revoked: true }, 'Google Calendar authorisation revoked');
      });
    });
  return command;
}
