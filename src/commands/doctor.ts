import { Command, InvalidArgumentError } from 'commander';
import { createCallMyCallClient } from '../callmycall/client.js';
import { isCalendarDate } from '../campaign/loadCampaign.js';
import { ConfigError, type Env } from '../config/env.js';
import { assertNoPublicDefaults } from '../config/publicDefaults.js';
import { apiKeyCheck } from '../preflight/apiChecks.js';
import { campaignChecks } from '../preflight/campaignChecks.js';
import { doctorPassed, formatDoctorReport, redactChecks } from '../preflight/doctorReport.js';
import { fail, type PreflightCheck, pass, skip } from '../preflight/preflightCheck.js';
import { storeCheck } from '../preflight/storeCheck.js';
import { temporalChecks } from '../preflight/temporalChecks.js';
import { webhookProbeCheck } from '../preflight/webhookProbeCheck.js';
import { CliError, ExitCode } from './exitCodes.js';
import { loadCliEnv } from './temporalConnection.js';

const HELP = `
Checks that a campaign can run for real, one line per check with what to do when it
fails: Temporal and its search attributes, a worker on the task queue, the campaign
store, the API key, and the webhook receiver (CallMyCall sends a signed test event to
WEBHOOK_PUBLIC_URL; the receiver must get it and verify it). With a campaign folder
also: it validates, every from_number is a verified caller ID, the calendar is
authorised when enable_calendar is set, and the credit estimate fits the budget.

Examples:
  cmc doctor
  cmc doctor campaigns/appointment-confirmation
  cmc doctor campaigns/nightly --date 2026-03-01 --json

Exit status: 0 every check passed (skipped ones aside); 1 a check failed; 2 bad usage
or a bad environment variable.`;

function dateOption(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('expected a real date as YYYY-MM-DD.');
  return value;
}

/** Every secret a check line could echo: none of them is ever printed. */
function secretsOf(env: Env): string[] {
  const secrets = [
    env.CALLMYCALL_API_KEY,
    env.CMC_ROW_KEY_SECRET,
    ...env.CALLMYCALL_WEBHOOK_SECRET.split(','),
  ];
  if (env.CMC_DATABASE_URL) {
    try {
      const password = decodeURIComponent(new URL(env.CMC_DATABASE_URL).password);
      if (password) secrets.push(password, env.CMC_DATABASE_URL);
    } catch {
      // Not a URL (sqlite:PATH): nothing secret in it.
    }
  }
  return secrets.map((secret) => secret.trim()).filter((secret) => secret !== '');
}

/** Every check, in order; a later check is skipped when what it needs failed. */
export async function runDoctor(
  env: Env,
  options: { campaignDir?: string; date?: string },
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  try {
    assertNoPublicDefaults(env, ['CALLMYCALL_API_KEY', 'CALLMYCALL_WEBHOOK_SECRET', 'CMC_ROW_KEY_SECRET']);
    checks.push(pass('secrets', 'no public local default is used against a real API'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push(
      fail(
        'secrets',
        error.message.replace(/^refusing to start: /, ''),
        'set this deployment its own secrets (docs/DEPLOY.md)',
      ),
    );
  }
  const [temporal, store] = await Promise.all([temporalChecks(env), storeCheck(env)]);
  checks.push(...temporal, store);
  const client = createCallMyCallClient(env);
  const apiKey = await apiKeyCheck(client);
  checks.push(apiKey.check);
  checks.push(
    apiKey.callerIds === undefined
      ? skip('webhook receiver', 'not checked: the API key check failed')
      : await webhookProbeCheck(client, env.WEBHOOK_PUBLIC_URL ?? `http://127.0.0.1:${env.WEBHOOK_PORT}`),
  );
  if (options.campaignDir !== undefined) {
    checks.push(
      ...(await campaignChecks({
        campaignDir: options.campaignDir,
        ...(options.date === undefined ? {} : { date: options.date }),
        rowKeySecret: env.CMC_ROW_KEY_SECRET,
        client,
        callerIds: apiKey.callerIds,
      })),
    );
  }
  return redactChecks(checks, secretsOf(env));
}

/** `cmc doctor [<campaignDir>]`: can this deployment (and this campaign) run for real? */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Check that everything a campaign needs is in place, with a fix for each failure')
    .argument('[campaignDir]', 'also check this campaign: caller IDs, calendar, credits')
    .option('--date <YYYY-MM-DD>', 'date for {{date}} in the contacts path (default: today)', dateOption)
    .option('--json', 'print the checks as JSON')
    .addHelpText('after', HELP)
    .action(async (campaignDir: string | undefined, options: { date?: string; json?: boolean }) => {
      const env = loadCliEnv();
      const checks = await runDoctor(env, {
        ...(campaignDir === undefined ? {} : { campaignDir }),
        ...(options.date === undefined ? {} : { date: options.date }),
      });
      const ok = doctorPassed(checks);
      process.stdout.write(
        options.json ? `${JSON.stringify({ ok, checks }, null, 2)}\n` : formatDoctorReport(checks),
      );
      if (!ok) {
        const failed = checks.filter((check) => check.status === 'fail').map((check) => check.name);
        throw new CliError(`doctor: failed: ${failed.join(', ')}`, ExitCode.failure);
      }
    });
}
