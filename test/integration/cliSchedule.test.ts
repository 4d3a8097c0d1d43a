import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignWorkflowId } from '../../src/engine/ids.js';
import { CampaignIdKey, CampaignNameKey } from '../../src/temporal/searchAttributes.js';
import type { campaignWorkflow } from '../../src/workflows/campaignWorkflow.js';
import { localDateIn } from '../../src/workflows/scheduledCampaignWorkflow.js';
import { swedishContacts } from '../support/campaignStack.js';
import { buildCli, type CliStack, cmc, startCliStack } from '../support/cli.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const TZ = 'Pacific/Kiritimati'; // UTC+14: its date is rarely the machine's, so {{date}} must come from --tz

/** A nightly-style campaign whose contacts file is named by date; one file per nearby date. */
async function datedCampaign(parent: string, name: string, firstNumber: number) {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'campaign.json'),
    JSON.stringify({
      name: `Scheduled ${name}`,
      contacts: 'contacts-{{date}}.csv',
      call: { task: 'Remind {{first_name}} of {{appointment_date}} at {{appointment_time}}', language: 'en' },
      concurrency: 2,
      callsPerMinute: 600,
      callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
      retry: { maxAttempts: 1 },
      credits: { budget: 1000, estimatePerCall: 1 },
    }),
  );
  // Different numbers per date: the calls placed show which file the run read.
  const byDate = new Map<string, string[]>();
  for (const [index, offset] of [-1, 0, 1].entries()) {
    const date = localDateIn(new Date(Date.now() + offset * 86_400_000), TZ);
    const { csv, numbers } = swedishContacts(3, firstNumber + index * 10);
    await writeFile(join(dir, `contacts-${date}.csv`), csv);
    byDate.set(date, numbers);
  }
  return { dir, byDate };
}

describe('cmc schedule (the built CLI on Temporal Schedules)', () => {
  let ctx: TemporalTestContext;
  let stack: CliStack;
  beforeAll(async () => {
    await buildCli();
    ctx = await connectToTestServer();
    stack = await startCliStack(ctx, { speed: 60 });
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });

  it('creates, lists, pauses, triggers (run completes on the simulator) and deletes a schedule', async () => {
    const id = `nightly-${Date.now().toString(36)}`;
    const { dir, byDate } = await datedCampaign(stack.workDir, 'nightly', 46701750000);

    const create = await cmc(
      ['schedule', 'create', dir, '--cron', '0 18 * * 1-5', '--tz', TZ, '--id', id],
      stack.env,
    );
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    expect(create.stdout).toContain(`Created schedule ${id}: "0 18 * * 1-5" in ${TZ}, overlap SKIP.`);
    expect(create.stdout).toMatch(new RegExp(`Next run \\S+ as campaign ${id}-\\d{4}-\\d{2}-\\d{2}\\.`));

    const twice = await cmc(
      ['schedule', 'create', dir, '--cron', '0 18 * * 1-5', '--tz', TZ, '--id', id],
      stack.env,
    );
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe(`cmc: schedule ${id} already exists\n`);

    const list = JSON.parse((await cmc(['schedule', 'list', '--json'], stack.env)).stdout);
    expect(list.find((s: { scheduleId: string }) => s.scheduleId === id)).toMatchObject({
      cron: '0 18 * * 1-5',
      timezone: TZ,
      campaignDir: dir,
      campaignName: 'Scheduled nightly',
      paused: false,
    });

    expect((await cmc(['schedule', 'pause', id], stack.env)).stdout).toBe(`Schedule ${id} paused.\n`);
    expect(JSON.parse((await cmc(['schedule', 'describe', id, '--json'], stack.env)).stdout)).toMatchObject({
      paused: true,
      note: 'paused with cmc',
      overlap: 'SKIP',
    });
    expect((await cmc(['schedule', 'unpause', id], stack.env)).code).toBe(0);
    expect(JSON.parse((await cmc(['schedule', 'describe', id, '--json'], stack.env)).stdout).paused).toBe(
      false,
    );

    const callsBefore = (await stack.admin.calls()).length;
    const trigger = await cmc(['schedule', 'trigger', id, '--wait'], stack.env);
    expect(trigger.stderr).toBe('');
    expect(trigger.code).toBe(0);
    const date = /campaign (\S+)-(\d{4}-\d{2}-\d{2}) completed/.exec(trigger.stdout)?.[2] as string;
    expect(trigger.stdout).toContain(`Triggered schedule ${id} (overlap SKIP)`);
    expect(trigger.stdout).toContain(`campaign ${id}-${date} completed.`);
    // {{date}} resolved to the scheduled date in the schedule's time zone, not the machine's.
    expect([localDateIn(new Date(), TZ), localDateIn(new Date(Date.now() - 120_000), TZ)]).toContain(date);
    const calls = (await stack.admin.calls()).slice(callsBefore);
    expect(calls.map((c) => c.to).sort()).toEqual([...(byDate.get(date) ?? [])].sort());
    expect(calls.every((c) => (c.metadata.client_request_id as string).startsWith(`${id}-${date}:`))).toBe(
      true,
    );

    const campaign = ctx.client.workflow.getHandle<typeof campaignWorkflow>(
      campaignWorkflowId(`${id}-${date}`),
    );
    const description = await campaign.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(CampaignIdKey)).toBe(`${id}-${date}`);
    expect(description.typedSearchAttributes.get(CampaignNameKey)).toBe('Scheduled nightly');
    expect(description.parentExecution?.workflowId).toMatch(new RegExp(`^schedule:${id}-`));
    expect((await campaign.result()).outcomes).toEqual({ completed: 3 });
    const status = JSON.parse((await cmc(['status', `${id}-${date}`, '--json'], stack.env)).stdout);
    expect(status.result.status).toBe('completed');

    // A second run the same day finds the day's campaign and starts nothing.
    const again = await cmc(['schedule', 'trigger', id, '--wait'], stack.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `campaign ${id}-${date} already exists; this scheduled run started nothing.`,
    );
    expect((await stack.admin.calls()).length).toBe(callsBefore + 3);

    const described = JSON.parse((await cmc(['schedule', 'describe', id, '--json'], stack.env)).stdout);
    expect(described.recentRuns).toHaveLength(2);
    const human = await cmc(['schedule', 'describe', id], stack.env);
    expect(human.stdout).toContain(`spec      "0 18 * * 1-5" in ${TZ}`);

    expect((await cmc(['schedule', 'delete', id], stack.env)).stdout).toBe(`Schedule ${id} deleted.\n`);
    for (const verb of ['describe', 'delete', 'trigger', 'pause']) {
      const gone = await cmc(['schedule', verb, id], stack.env);
      expect(gone.code, verb).toBe(4);
      expect(gone.stderr).toBe(
        `cmc: no schedule with ID "${id}"; \`cmc schedule list\` shows the schedules\n`,
      );
    }
  });

  it('SKIP overlap: a trigger while the previous run still calls starts nothing', async () => {
    const id = `slow-${Date.now().toString(36)}`;
    const { dir } = await datedCampaign(stack.workDir, 'slow', 46701751000);
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 300_000 } });
    expect(
      (await cmc(['schedule', 'create', dir, '--cron', '0 3 1 1 *', '--tz', TZ, '--id', id], stack.env)).code,
    ).toBe(0);
    expect((await cmc(['schedule', 'trigger', id], stack.env)).code).toBe(0);
    const date = localDateIn(new Date(), TZ);
    const campaignId = `${id}-${date}`;
    // Wait until the first run's campaign is calling.
    for (let i = 0; ; i++) {
      const status = await cmc(['status', campaignId, '--json'], stack.env);
      if (status.code === 0 && JSON.parse(status.stdout).progress?.inFlight > 0) break;
      if (i > 100)
        throw new Error(`campaign ${campaignId} never started calling: ${status.stdout}${status.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const second = await cmc(['schedule', 'trigger', id], stack.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(overlap SKIP)');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const handle = ctx.client.schedule.getHandle(id);
    const d = await handle.describe();
    expect(d.info.numActionsSkippedOverlap).toBe(1);
    expect(d.info.recentActions).toHaveLength(1);
    expect(d.info.runningActions).toHaveLength(1);

    expect((await cmc(['cancel', campaignId, '--hangup'], stack.env)).code).toBe(0);
    await ctx.client.workflow.getHandle(campaignWorkflowId(campaignId)).result();
    expect((await cmc(['schedule', 'delete', id], stack.env)).code).toBe(0);
    await stack.admin.setScenario({});
  });
});
