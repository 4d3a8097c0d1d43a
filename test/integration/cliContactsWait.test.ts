import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/temporal/startCampaign.js';
import { swedishContacts } from '../support/campaignStack.js';
import { buildCli, type CliStack, cmc, startCliStack } from '../support/cli.js';
import { ResultReceiver } from '../support/resultReceiver.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';
import { until } from '../support/until.js';

/** A nightly campaign whose `contacts-{{date}}.csv` is not there (yet). */
async function lateExportCampaign(
  parent: string,
  name: string,
  contactsWait: unknown,
  extra: object = {},
): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'campaign.json'),
    JSON.stringify({
      name: `Nightly ${name}`,
      contacts: 'contacts-{{date}}.csv',
      contactsWait,
      call: { task: 'Remind {{first_name}} of {{appointment_date}} at {{appointment_time}}', language: 'en' },
      concurrency: 2,
      callsPerMinute: 600,
      callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
      retry: { maxAttempts: 1 },
      credits: { budget: 1000, estimatePerCall: 1 },
      ...extra,
    }),
  );
  return dir;
}

const SECRET_ENV = 'CLINIC_RESULTS_SECRET';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('late contacts files and failed campaigns: contactsWait and root causes', () => {
  let ctx: TemporalTestContext;
  let stack: CliStack;
  let receiver: ResultReceiver;
  beforeAll(async () => {
    await buildCli();
    ctx = await connectToTestServer();
    stack = await startCliStack(ctx, { speed: 60 });
    // The in-process worker signs result webhooks with the secret its environment names.
    process.env[SECRET_ENV] = SECRET;
    receiver = await ResultReceiver.start(SECRET);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
    await ctx?.close();
  });

  it('waits, says so in cmc status, and runs once the file appears', async () => {
    const dir = await lateExportCampaign(stack.workDir, 'late', '3m');
    const date = '2026-03-02';
    const campaignId = `late-${Date.now().toString(36)}`;
    const { handle } = await startCampaign(ctx.client, {
      campaignId,
      campaignDir: dir,
      date,
      campaignName: 'Nightly late',
      taskQueue: stack.taskQueue,
      // Production looks once a minute; the test does not want to wait that long.
      contactsRecheckMs: 300,
    });

    const waiting = await until(
      async () => JSON.parse((await cmc(['status', campaignId, '--json'], stack.env)).stdout),
      (view) => view.progress?.waitingForContacts !== undefined,
    );
    expect(waiting.workflowStatus).toBe('RUNNING');
    expect(waiting.progress.status).toBe('preparing');
    expect(waiting.progress.waitingForContacts.file).toBe(`contacts-${date}.csv`);
    const human = await cmc(['status', campaignId], stack.env);
    expect(human.stdout).toContain(`preparing: waiting for contacts file contacts-${date}.csv`);

    const { csv } = swedishContacts(3, 46701760000);
    await writeFile(join(dir, `contacts-${date}.csv`), csv);
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.outcomes).toEqual({ completed: 3 });
  });

  it('a file that never appears fails the run with its root cause in cmc status, cmc list, schedule describe and a signed campaign.failed', async () => {
    const dir = await lateExportCampaign(stack.workDir, 'missing', '2s', {
      resultWebhook: { url: receiver.url, secretEnv: SECRET_ENV },
    });
    const id = `missing-${Date.now().toString(36)}`;
    const create = await cmc(
      ['schedule', 'create', dir, '--cron', '0 3 * * *', '--tz', 'UTC', '--id', id],
      stack.env,
    );
    expect(create.code).toBe(0);
    const started = Date.now();
    const trigger = await cmc(['schedule', 'trigger', id, '--wait'], stack.env);
    const waitedMs = Date.now() - started;
    const campaignId = new RegExp(`(${id}-\\d{4}-\\d{2}-\\d{2})`).exec(trigger.stdout + trigger.stderr)?.[1];
    expect(campaignId, trigger.stdout + trigger.stderr).toBeDefined();
    const date = campaignId?.slice(-10);
    // It waited for the file rather than failing within a second.
    expect(waitedMs).toBeGreaterThanOrEqual(2_000);

    const cause = `contacts file contacts-${date}.csv not found: waited 2s (contactsWait)`;
    const status = JSON.parse((await cmc(['status', campaignId as string, '--json'], stack.env)).stdout);
    expect(status.workflowStatus).toBe('FAILED');
    expect(status.failure).toBe(cause);
    const human = await cmc(['status', campaignId as string], stack.env);
    expect(human.stdout).toContain(`failure    ${cause}`);
    expect(human.stdout).not.toContain('Activity task failed');

    const list = JSON.parse((await cmc(['list', '--status', 'failed', '--json'], stack.env)).stdout);
    expect(list.find((e: { campaignId: string }) => e.campaignId === campaignId)).toMatchObject({
      state: 'failed',
      workflowStatus: 'FAILED',
      failure: cause,
    });

    // The clinic's receiver gets the root cause, signed, through the same outbox as campaign.finished.
    const failed = await until(
      async () => [...receiver.accepted().values()].find((d) => d.type === 'campaign.failed'),
      (delivery) => delivery !== undefined,
    );
    expect(failed).toMatchObject({
      verified: true,
      data: { campaign_id: campaignId, status: 'failed', error: cause },
    });

    // The schedule's last runs say how they went, with the same root cause.
    const described = JSON.parse((await cmc(['schedule', 'describe', id, '--json'], stack.env)).stdout);
    expect(described.recentRuns).toHaveLength(1);
    expect(described.recentRuns[0]).toMatchObject({ campaignId, outcome: 'failed', failure: cause });
    const describedHuman = await cmc(['schedule', 'describe', id], stack.env);
    expect(describedHuman.stdout).toContain(`campaign ${campaignId}  failed: ${cause}`);
    await cmc(['schedule', 'delete', id], stack.env);
  });

  it('cmc validate and cmc run accept a missing dated file when contactsWait is set, and refuse it without', async () => {
    const date = '2026-03-09';
    const dir = await lateExportCampaign(stack.workDir, 'run-late', '2s');
    const validated = await cmc(['validate', dir, '--date', date], stack.env);
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    expect(validated.stdout).toContain(
      `contacts file contacts-${date}.csv is not there yet: a run waits up to 2s for it (contactsWait), then fails`,
    );
    expect(validated.stdout).toContain(`OK to start: the run waits for contacts-${date}.csv`);

    const campaignId = `run-late-${Date.now().toString(36)}`;
    const run = await cmc(['run', dir, '--id', campaignId, '--date', date, '--wait'], stack.env);
    expect(run.stdout).toContain(`it waits up to 2s for contacts-${date}.csv (contactsWait)`);
    // Nobody brought the file: the run ends failed, with the root cause, and cmc says so.
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain(
      `contacts file contacts-${date}.csv not found: waited 2s (contactsWait)`,
    );

    const strict = await lateExportCampaign(stack.workDir, 'run-strict', undefined);
    const refused = await cmc(['run', strict, '--id', `${campaignId}-strict`, '--date', date], stack.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no campaign was started');
    expect((await cmc(['status', `${campaignId}-strict`], stack.env)).code).toBe(4);
  });

  it('a run stopped mid-way by a fatal API error shows why in cmc status, cmc list, the UI summary and a signed campaign.failed', async () => {
    const date = '2026-03-10';
    const dir = await lateExportCampaign(stack.workDir, 'revoked', undefined, {
      resultWebhook: { url: receiver.url, secretEnv: SECRET_ENV },
    });
    await writeFile(join(dir, `contacts-${date}.csv`), swedishContacts(4, 46701767000).csv);
    // The API key is revoked while the campaign runs: every start-call answers 401.
    await stack.admin.setFaults({
      start_call: [
        { type: 'answer', count: 100, status: 401, body: '{"error":"Invalid API key"}', create: false },
      ],
    });
    const campaignId = `revoked-${Date.now().toString(36)}`;
    const run = await cmc(['run', dir, '--id', campaignId, '--date', date, '--wait'], stack.env);
    await stack.admin.setFaults({ start_call: [] });
    expect(run.code).toBe(1);

    const status = JSON.parse((await cmc(['status', campaignId, '--json'], stack.env)).stdout);
    expect(status.state).toBe('failed');
    expect(status.failure).toMatch(/Invalid API key/);
    const human = await cmc(['status', campaignId], stack.env);
    expect(human.stdout).toContain(`failure    ${status.failure}`);

    const list = JSON.parse((await cmc(['list', '--status', 'failed', '--json'], stack.env)).stdout);
    expect(list.find((e: { campaignId: string }) => e.campaignId === campaignId)).toMatchObject({
      state: 'failed',
      failure: status.failure,
    });

    // What the Temporal UI shows as the workflow's current details.
    const metadata = (await ctx.client.workflow
      .getHandle(`campaign:${campaignId}`)
      .query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(metadata.currentDetails).toContain(`failed (${status.failure})`);

    const failed = await until(
      async () =>
        [...receiver.accepted().values()].find(
          (d) => d.type === 'campaign.failed' && d.data?.campaign_id === campaignId,
        ),
      (delivery) => delivery !== undefined,
    );
    expect(failed).toMatchObject({ verified: true, data: { status: 'failed', error: status.failure } });
  });

  it.each([
    ['-1h', /contactsWait.*invalid duration/],
    ['forever', /contactsWait.*invalid duration/],
    ['25h', /contactsWait.*at most 24h/],
    [120, /contactsWait/],
  ])('cmc validate refuses contactsWait %j, naming the field', async (value, expected) => {
    const dir = await lateExportCampaign(stack.workDir, `bad-${String(value)}`, value);
    await writeFile(join(dir, 'contacts-2026-03-02.csv'), swedishContacts(1, 46701769000).csv);
    const result = await cmc(['validate', dir, '--date', '2026-03-02'], stack.env);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(expected);
  });
});
