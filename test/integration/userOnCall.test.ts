import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCall } from '../../src/simulator/adminTypes.js';
import { swedishContacts, writeCampaign } from '../support/campaignStack.js';
import { buildCli, type CliStack, cmc, expectCleanRefusal, startCliStack } from '../support/cli.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';
import { until } from '../support/until.js';

const OPERATORS = ['+46709990001', '+46709990002'];
const ROWS = 6;

/**
 * A user-on-call campaign through the built `cmc` on a real Temporal dev server and the
 * simulator: two operator phones, concurrency 5, and an operator handing calls over.
 */
describe('user-on-call campaigns', () => {
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

  it('rings each operator for one call at a time, and the operator hands calls over with cmc call', async () => {
    const { csv, numbers } = swedishContacts(ROWS, 46701743000);
    const dir = await writeCampaign(
      stack.workDir,
      'operators',
      {
        name: 'Operators',
        call: { task: 'Confirm {{first_name}}', language: 'en', userOnCall: true, userPhone: OPERATORS },
        concurrency: 5,
        callsPerMinute: 600,
        callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
        retry: { maxAttempts: 1 },
        credits: { budget: 1000, estimatePerCall: 1 },
      },
      csv,
    );
    // An hour (a real minute at x60): the operator's steps below never race the call's end.
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 3_600_000 } });

    const validated = await cmc(['validate', dir], stack.env);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toContain('concurrency 5 is more than the 2 operator phone(s)');

    const campaignId = `uoc-${Date.now().toString(36)}`;
    const run = await cmc(['run', dir, '--id', campaignId], stack.env);
    expect(run.code, run.stderr).toBe(0);

    const ours = async () =>
      (await stack.admin.calls()).filter((call) => call.metadata.campaign_id === campaignId);
    const connected = await until(
      ours,
      (calls) => calls.filter((c) => c.status === 'in-progress').length === 2,
    );
    const [first, second] = connected.filter((c) => c.status === 'in-progress') as [SimCall, SimCall];
    const rowOf = (call: SimCall) => String(call.metadata.row_key);

    const status = JSON.parse((await cmc(['status', campaignId, '--json'], stack.env)).stdout);
    expect(status.progress.concurrency).toBe(2);

    // Before the hand-over the operator and the patient talk; the AI listens.
    const before = await cmc(['call', 'conference', campaignId, rowOf(first)], stack.env);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain('state: connected   AI active: no');
    expect(before.stdout).toContain(first.user_on_call_session?.user_phone);

    const activated = await cmc(
      ['call', 'activate', campaignId, rowOf(first), '--task', 'Book the new time we agreed'],
      stack.env,
    );
    expect(activated.code, activated.stderr).toBe(0);
    expect(activated.stdout).toContain('AI took over; operator dropped');
    const handedOver = (await ours()).find((c) => c.sid === first.sid);
    expect(handedOver?.task).toBe('Book the new time we agreed');
    expect(handedOver?.user_on_call_session).toMatchObject({ ai_active: true, user_dropped: true });

    const again = await cmc(['call', 'activate', campaignId, rowOf(first)], stack.env);
    expect(again.code).toBe(1);
    expectCleanRefusal(again, 'CallMyCall refused', 'AI already active');

    const kept = await cmc(['call', 'activate', '--sid', second.sid, '--keep-user', '--json'], stack.env);
    expect(kept.code, kept.stderr).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({
      action: 'activate',
      outcome: 'AI took over; operator stays on',
    });
    const dropped = await cmc(['call', 'drop-user', campaignId, rowOf(second)], stack.env);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toContain('operator dropped');
    const droppedAgain = await cmc(['call', 'drop-user', campaignId, rowOf(second)], stack.env);
    expect(droppedAgain.code).toBe(1);
    expectCleanRefusal(droppedAgain, 'User already dropped');
    const after = await cmc(['call', 'conference', campaignId, rowOf(second), '--json'], stack.env);
    expect(JSON.parse(after.stdout).conference).toMatchObject({ ai_active: true });

    const usage = await cmc(
      ['call', 'activate', campaignId, rowOf(second), '--keep-user', '--drop-user'],
      stack.env,
    );
    expect(usage.code).toBe(2);

    // The rest of the rows are short calls; the two handed-over calls are ended by the operator.
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 6_000 } });
    for (const call of [first, second]) {
      const ended = await cmc(['call', 'end', '--sid', call.sid], stack.env);
      expect(ended.code, ended.stderr).toBe(0);
    }

    // The whole campaign: every row called once, each with an operator from the pool,
    // and no operator on two calls at once.
    await until(
      async () => JSON.parse((await cmc(['status', campaignId, '--json'], stack.env)).stdout),
      (view) => view.workflowStatus === 'COMPLETED',
      120_000,
    );
    const calls = await ours();
    expect(calls.map((c) => c.to).sort()).toEqual([...numbers].sort());
    for (const call of calls) {
      expect(call.user_on_call).toBe(true);
      expect(OPERATORS).toContain(call.user_on_call_session?.user_phone);
    }
    for (const operator of OPERATORS) {
      const theirs = calls
        .filter((c) => c.user_on_call_session?.user_phone === operator)
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
      expect(theirs.length).toBeGreaterThan(0);
      for (let i = 1; i < theirs.length; i += 1) {
        expect(Date.parse(theirs[i]?.created_at ?? '')).toBeGreaterThanOrEqual(
          Date.parse(theirs[i - 1]?.ended_at ?? ''),
        );
      }
    }
    expect((await stack.admin.stats()).maxConcurrentCalls).toBeLessThanOrEqual(2);

    // The hand-overs are in the rows' results.
    const results = (
      await readFile(join(stack.env.CMC_REPORTS_DIR ?? '', campaignId, 'results.jsonl'), 'utf8')
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const firstRow = results.find((r) => r.rowKey === rowOf(first));
    expect(firstRow.result.actions).toMatchObject([
      { action: 'activate', outcome: 'AI took over; operator dropped', sid: first.sid },
      { action: 'activate', outcome: expect.stringMatching(/^refused: .*AI already active/) },
      { action: 'end', outcome: 'ended' },
    ]);
    expect(firstRow.result.actions[0].parameters).toEqual({
      drop_user: true,
      task: 'Book the new time we agreed',
    });
    const secondRow = results.find((r) => r.rowKey === rowOf(second));
    expect(secondRow.result.actions.map((a: { action: string }) => a.action)).toEqual([
      'activate',
      'drop-user',
      'drop-user',
      'end',
    ]);
  }, 240_000);
});
