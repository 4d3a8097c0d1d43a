import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignWorkflowId } from '../../src/engine/ids.js';
import { type CampaignProgress, progressQuery } from '../../src/workflows/campaignMessages.js';
import type { campaignWorkflow } from '../../src/workflows/campaignWorkflow.js';
import { swedishContacts, writeCampaign } from '../support/campaignStack.js';
import {
  buildCli,
  CLI,
  type CliStack,
  cmc,
  freePort,
  outputOf,
  spawnCmc,
  startCliStack,
} from '../support/cli.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

function campaignJson(name: string, concurrency: number) {
  return {
    name,
    call: { task: 'Confirm {{first_name}} on {{appointment_date}} at {{appointment_time}}', language: 'en' },
    concurrency,
    callsPerMinute: 600,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 1 },
    credits: { budget: 10_000, estimatePerCall: 2 },
  };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('cmc campaign commands (the built CLI against a real Temporal server)', () => {
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

  const progressOf = (campaignId: string) =>
    ctx.client.workflow
      .getHandle<typeof campaignWorkflow>(campaignWorkflowId(campaignId))
      .query(progressQuery) as Promise<CampaignProgress>;

  it('has --help on every command and subcommand', async () => {
    const top = await cmc(['--help'], stack.env);
    expect(top.code).toBe(0);
    for (const name of [
      'run',
      'status',
      'list',
      'pause',
      'resume',
      'cancel',
      'set-concurrency',
      'report',
      'watch',
      'dev',
      'schedule',
    ])
      expect(top.stdout).toContain(name);
    for (const args of [
      ['run'],
      ['status'],
      ['list'],
      ['pause'],
      ['resume'],
      ['cancel'],
      ['set-concurrency'],
      ['report'],
      ['watch'],
      ['dev'],
      ['schedule', 'create'],
      ['schedule', 'trigger'],
    ]) {
      const help = await cmc([...args, '--help'], stack.env);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: cmc ${args.join(' ')}`);
    }
  });

  it('says Temporal is unreachable and how to start it: exit 3, no stack trace, quickly', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    for (const args of [['status', 'any-id'], ['list'], ['schedule', 'list']]) {
      const started = Date.now();
      const result = await cmc(args, { ...stack.env, TEMPORAL_ADDRESS: closed });
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).toContain(`cmc: cannot reach Temporal at ${closed}`);
      expect(result.stderr).toContain('cmc dev');
      expect(result.stderr).toContain('npm run demo -- --keep');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  it('refuses a bad campaign file with its validation errors and starts nothing', async () => {
    const { csv } = swedishContacts(2);
    const dir = await writeCampaign(
      stack.workDir,
      'bad',
      { ...campaignJson('Bad', 1), concurrency: 'lots' },
      csv,
    );
    const result = await cmc(['run', dir, '--id', 'cli-bad-1'], stack.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('concurrency');
    expect(result.stderr).toContain('NOT READY');
    expect(result.stderr).toContain('cmc: campaign cannot run: 1 error(s); no campaign was started');
    await expect(
      ctx.client.workflow.getHandle(campaignWorkflowId('cli-bad-1')).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const status = await cmc(['status', 'cli-bad-1'], stack.env);
    expect(status.code).toBe(4);
    expect(status.stderr).toContain('no campaign with ID "cli-bad-1"');
  });

  it('run --wait runs to the end; the same ID never starts twice; status, list and report', async () => {
    const { csv, numbers } = swedishContacts(5, 46701741000);
    const dir = await writeCampaign(stack.workDir, 'waited', campaignJson('Waited', 2), csv);
    await stack.admin.setScenario({
      byNumber: {
        [numbers[1] as string]: { status: 'busy' },
        [numbers[2] as string]: { status: 'no-answer' },
      },
    });
    const callsBefore = (await stack.admin.calls()).length;

    const run = await cmc(['run', dir, '--id', 'cli-wait-1', '--wait'], stack.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Started campaign cli-wait-1 ("Waited", 5 call(s)) as campaign:cli-wait-1');
    expect(run.stdout).toContain('Ctrl-C detaches; the campaign keeps running.');
    expect(run.stdout).toMatch(/\d\/5 rows done, \d in flight/); // plain progress lines: stdout is not a TTY
    expect(run.stdout).toMatch(/state\s+completed/);
    expect((await stack.admin.calls()).length - callsBefore).toBe(5);

    const again = await cmc(['run', dir, '--id', 'cli-wait-1'], stack.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Campaign cli-wait-1 already exists; it was not started again.');
    expect(again.stdout).toMatch(/state\s+completed/);
    expect((await stack.admin.calls()).length - callsBefore).toBe(5);

    const status = await cmc(['status', 'cli-wait-1', '--json'], stack.env);
    expect(status.code).toBe(0);
    const view = JSON.parse(status.stdout);
    expect(view).toMatchObject({ campaignId: 'cli-wait-1', workflowStatus: 'COMPLETED', state: 'completed' });
    expect(view.result.status).toBe('completed');
    expect(view.result.outcomes).toEqual({ completed: 3, busy: 1, 'no-answer': 1 });
    // The campaign store agrees with the workflow's own count.
    expect(view.stored.results).toEqual({ completed: 3, busy: 1, 'no-answer': 1 });

    const human = await cmc(['status', 'cli-wait-1'], stack.env);
    expect(human.stdout).toMatch(/outcomes\s+completed 3, busy 1, no-answer 1/);
    expect(human.stdout).toMatch(/stored\s+\d+ row\(s\), \d+ valid; 5 result\(s\)/);

    const listed = await until(
      async () => JSON.parse((await cmc(['list', '--status', 'completed', '--json'], stack.env)).stdout),
      (list: Array<{ campaignId: string }>) => list.some((e) => e.campaignId === 'cli-wait-1'),
    );
    expect(listed.find((e) => e.campaignId === 'cli-wait-1')).toMatchObject({
      name: 'Waited',
      state: 'completed',
      workflowStatus: 'COMPLETED',
    });
    const running = JSON.parse((await cmc(['list', '--status', 'running', '--json'], stack.env)).stdout);
    expect(running.map((e: { campaignId: string }) => e.campaignId)).not.toContain('cli-wait-1');
    // Only campaign workflows: no call workflows, even though they carry CampaignId too.
    const all = JSON.parse((await cmc(['list', '--json', '--limit', '500'], stack.env)).stdout);
    expect(all.every((e: { workflowId: string }) => e.workflowId.startsWith('campaign:'))).toBe(true);
    const table = await cmc(['list'], stack.env);
    expect(table.stdout).toMatch(/CAMPAIGN ID\s+STATE/);
    expect(table.stdout).toMatch(/cli-wait-1\s+completed/);
    const badState = await cmc(['list', '--status', 'sleeping'], stack.env);
    expect(badState.code).toBe(2);

    const summaryPath = join(stack.env.CMC_REPORTS_DIR as string, 'cli-wait-1', 'summary.json');
    await writeFile(summaryPath, '{}'); // the refresh must rewrite it
    const report = await cmc(['report', 'cli-wait-1'], stack.env);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('Report for cli-wait-1: 5 row(s)');
    expect(report.stdout).toContain(join(stack.env.CMC_REPORTS_DIR as string, 'cli-wait-1', 'report.html'));
    expect(report.stdout).toContain(
      `${join(stack.env.CMC_REPORTS_DIR as string, 'cli-wait-1', 'transcripts')}/ (1 file(s), read by report.html)`,
    );
    const summary = JSON.parse(await readFile(summaryPath, 'utf8'));
    expect(summary.outcomes).toMatchObject({ completed: 3, busy: 1, 'no-answer': 1 });
    expect(existsSync(join(stack.env.CMC_REPORTS_DIR as string, 'cli-wait-1', 'results.csv'))).toBe(true);

    const unknownReport = await cmc(['report', 'cli-nope'], stack.env);
    expect(unknownReport.code).toBe(4);
    expect(unknownReport.stderr).toContain('no campaign with ID "cli-nope"');
    await stack.admin.setScenario({});
  });

  it('run --wait on a terminal shows a live progress bar (through a pseudo-terminal)', async () => {
    const { csv } = swedishContacts(4, 46701744000);
    const dir = await writeCampaign(stack.workDir, 'tty', campaignJson('On a TTY', 2), csv);
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} run ${JSON.stringify(dir)} --id cli-tty-1 --wait`;
    // util-linux `script` gives the command a pty, so stdout.isTTY is true as in a terminal.
    const result = await new Promise<{ code: number | null; text: string }>((done) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: { ...process.env, ...stack.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.on('close', (code) => done({ code, text }));
    });
    expect(result.code).toBe(0);
    expect(result.text).toMatch(/[█░]+ \d\/4 rows \| \d in flight \| .* \| credits \d+\/10000 \| ETA /);
    expect(result.text).toContain('4/4 rows');
    expect(result.text).not.toMatch(/^\s+\d\/4 rows done,/m); // no plain progress lines on a terminal
  });

  it('pause, set-concurrency, resume, report mid-run and cancel steer a running campaign', async () => {
    const { csv } = swedishContacts(12, 46701742000);
    const dir = await writeCampaign(stack.workDir, 'steered', campaignJson('Steered', 1), csv);
    // 4 real seconds per call (240 simulated seconds at x60): slow enough to steer.
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 240_000 } });
    const start = await cmc(['run', dir, '--id', 'cli-steer-1'], stack.env);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('Follow it with: cmc status cli-steer-1');
    await until(
      () => progressOf('cli-steer-1'),
      (p) => p.rows.started >= 1,
    );

    const pause = await cmc(['pause', 'cli-steer-1', '--reason', 'lunch'], stack.env);
    expect(pause.code).toBe(0);
    expect(pause.stdout).toContain('Campaign cli-steer-1 paused. Resume it with: cmc resume cli-steer-1');
    const paused = await until(
      () => progressOf('cli-steer-1'),
      (p) => p.status === 'paused' && p.inFlight === 0,
      30_000,
    );
    // Paused: no new call starts while we look.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await progressOf('cli-steer-1')).rows.started).toBe(paused.rows.started);
    const statusPaused = JSON.parse((await cmc(['status', 'cli-steer-1', '--json'], stack.env)).stdout);
    expect(statusPaused.progress.status).toBe('paused');
    expect(statusPaused.progress.pausedReason).toBe('paused by operator: lunch');
    // The CampaignState search attribute follows at once, so the list filter finds it.
    const pausedList = await until(
      async () =>
        JSON.parse((await cmc(['list', '--status', 'paused', '--json'], stack.env)).stdout) as Array<{
          campaignId: string;
        }>,
      (list) => list.some((entry) => entry.campaignId === 'cli-steer-1'),
      15_000,
    );
    expect(pausedList.map((entry) => entry.campaignId)).toContain('cli-steer-1');

    const refused = await cmc(['set-concurrency', 'cli-steer-1', '0'], stack.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'cmc: concurrency not changed: concurrency must be an integer from 1 to 1000, got 0\n',
    );
    const notNumber = await cmc(['set-concurrency', 'cli-steer-1', 'many'], stack.env);
    expect(notNumber.code).toBe(2);
    const changed = await cmc(['set-concurrency', 'cli-steer-1', '3'], stack.env);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe('Campaign cli-steer-1: concurrency is now 3.\n');
    expect((await progressOf('cli-steer-1')).concurrency).toBe(3);

    const resume = await cmc(['resume', 'cli-steer-1'], stack.env);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain('Campaign cli-steer-1 resumed.');
    const resumed = await until(
      () => progressOf('cli-steer-1'),
      (p) => p.status === 'running' && p.inFlight >= 2,
    );
    expect(resumed.inFlight).toBeLessThanOrEqual(3);

    const midReport = await cmc(['report', 'cli-steer-1', '--json'], stack.env);
    expect(midReport.code).toBe(0);
    const mid = JSON.parse(midReport.stdout);
    expect(mid.summary.outcomes.pending).toBeGreaterThan(0);
    expect(existsSync(mid.files.html)).toBe(true);

    const cancel = await cmc(['cancel', 'cli-steer-1', '--hangup'], stack.env);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain('Campaign cli-steer-1 is cancelling');
    expect(cancel.stdout).toContain('calls in progress are hung up');
    const result = await ctx.client.workflow
      .getHandle<typeof campaignWorkflow>(campaignWorkflowId('cli-steer-1'))
      .result();
    expect(result.status).toBe('cancelled');
    // Every valid row has exactly one outcome: finished ones, hung-up ones, and the rest cancelled.
    expect(Object.values(result.outcomes).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(12);
    expect(result.outcomes.cancelled).toBeGreaterThan(0);
    const after = JSON.parse((await cmc(['status', 'cli-steer-1', '--json'], stack.env)).stdout);
    expect(after.result.status).toBe('cancelled');

    const late = await cmc(['pause', 'cli-steer-1'], stack.env);
    expect(late.code).toBe(1);
    expect(late.stderr).toBe('cmc: cannot pause campaign cli-steer-1: it is no longer running (completed)\n');
    for (const verb of ['pause', 'resume', 'cancel']) {
      const unknown = await cmc([verb, 'cli-unknown-7'], stack.env);
      expect(unknown.code, verb).toBe(4);
      expect(unknown.stderr).toContain('no campaign with ID "cli-unknown-7"');
    }
    await stack.admin.setScenario({});
  });

  it('run --wait detaches on Ctrl-C without cancelling; watch follows a live call to its end', async () => {
    const { csv } = swedishContacts(6, 46701743000);
    const dir = await writeCampaign(stack.workDir, 'detached', campaignJson('Detached', 1), csv);
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 240_000 } });
    const child = spawnCmc(['run', dir, '--id', 'cli-detach-1', '--wait'], stack.env);
    const output = outputOf(child);
    await output.waitFor(/rows done/);
    child.kill('SIGINT');
    expect(await output.exited).toBe(0);
    expect(output.text).toContain('Detached. Campaign cli-detach-1 keeps running (it was NOT cancelled).');
    const description = await ctx.client.workflow.getHandle(campaignWorkflowId('cli-detach-1')).describe();
    expect(description.status.name).toBe('RUNNING');

    // A live call: its transcript streams while it runs, and `watch` ends with the stream.
    const live = await until(
      () => stack.admin.calls(),
      (calls) =>
        calls.some(
          (c) =>
            c.status === 'in-progress' &&
            (c.metadata.client_request_id as string).startsWith('cli-detach-1:'),
        ),
    );
    const call = live.find(
      (c) =>
        c.status === 'in-progress' && (c.metadata.client_request_id as string).startsWith('cli-detach-1:'),
    );
    const watch = await cmc(['watch', call?.sid as string], stack.env, 60_000);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain('assistant: Hi, this is the booking assistant');
    expect(watch.stdout).toContain("user: No, that's all. Thanks for calling!");
    expect(watch.stderr).toMatch(/Transcript stream ended \(4 line\(s\)\)/);
    const finished = (await stack.admin.calls()).find((c) => c.sid === call?.sid);
    expect(finished?.status).toBe('completed');

    // Ctrl-C while watching is a clean stop.
    const next = await until(
      () => stack.admin.calls(),
      (calls) =>
        calls.some(
          (c) =>
            c.status === 'in-progress' &&
            c.sid !== call?.sid &&
            (c.metadata.client_request_id as string).startsWith('cli-detach-1:'),
        ),
    );
    const other = next.find(
      (c) =>
        c.status === 'in-progress' &&
        c.sid !== call?.sid &&
        (c.metadata.client_request_id as string).startsWith('cli-detach-1:'),
    );
    const watcher = spawnCmc(['watch', other?.sid as string], stack.env);
    const watched = outputOf(watcher);
    await watched.waitFor(/assistant: /);
    watcher.kill('SIGINT');
    expect(await watched.exited).toBe(0);
    expect(watched.text).toContain(`Stopped watching call ${other?.sid}.`);

    const missing = await cmc(['watch', 'CA_does_not_exist'], stack.env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no call with SID "CA_does_not_exist"');

    expect((await cmc(['cancel', 'cli-detach-1', '--hangup'], stack.env)).code).toBe(0);
    await ctx.client.workflow.getHandle(campaignWorkflowId('cli-detach-1')).result();
    await stack.admin.setScenario({});
  });
});
