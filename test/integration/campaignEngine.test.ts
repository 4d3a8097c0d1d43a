import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callWorkflowId } from '../../src/engine/ids.js';
import type { RowResult } from '../../src/results/rowResult.js';
import type { SimCall } from '../../src/simulator/adminTypes.js';
import {
  type CampaignProgress,
  cancelSignal,
  pauseSignal,
  progressQuery,
  resumeSignal,
  rowFinishedSignal,
  setConcurrencyUpdate,
} from '../../src/workflows/campaignMessages.js';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  writeCampaign,
} from '../support/campaignStack.js';
import { storeBackends } from '../support/storeBackends.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };
const task = 'Confirm {{first_name}} on {{appointment_date}} at {{appointment_time}}';

function baseCampaign(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Engine test',
    call: { task, language: 'en' },
    concurrency: 3,
    callsPerMinute: 600,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 2, retryOn: ['no-answer', 'busy'], delay: '1s' },
    credits: { budget: 10_000, estimatePerCall: 2 },
    reconcileAfter: '3s',
    ...overrides,
  };
}

const requestIdOf = (call: SimCall): string => String(call.metadata.client_request_id);

/** The report's records: one per CSV row, with the row's stored result (null if never called). */
async function readResults(
  stack: CampaignStack,
  campaignId: string,
): Promise<Array<{ line: number; outcome: string; result: RowResult | null }>> {
  const text = await readFile(join(stack.reportsDir, campaignId, 'results.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** Polls the progress query until `check` holds (the workflow may still be preparing at first). */
async function waitForProgress(
  handle: WorkflowHandle,
  check: (progress: CampaignProgress) => boolean,
  timeoutMs = 30_000,
): Promise<CampaignProgress> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const progress = await handle.query(progressQuery).catch(() => undefined);
    if (progress && check(progress)) return progress;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out waiting for campaign progress');
}

/** Nobody is called twice for the same attempt: one call per client_request_id. */
function expectOneCallPerRequestId(calls: SimCall[]): void {
  const ids = calls.map(requestIdOf);
  expect(new Set(ids).size).toBe(ids.length);
}

describe.each(storeBackends())(
  'campaign engine on a real Temporal server and the simulator ($name)',
  (backend) => {
    let ctx: TemporalTestContext;
    let stack: CampaignStack;
    beforeAll(async () => {
      ctx = await connectToTestServer();
      stack = await startCampaignStack(ctx, {
        speed: 60,
        databaseUrl: await backend.newDatabaseUrl('engine'),
      });
    });
    afterAll(async () => {
      await stack?.close();
      await ctx?.close();
    });
    beforeEach(async () => {
      await stack.admin.reset();
    });

    it('re-attempts no-answer and busy, survives continue-as-new and webhook faults, keeps concurrency', async () => {
      const { csv, numbers } = swedishContacts(30);
      const scenario: Record<string, unknown> = {};
      for (const number of numbers.slice(0, 6))
        scenario[number] = [{ status: 'no-answer' }, { status: 'completed' }];
      for (const number of numbers.slice(6, 10)) scenario[number] = { status: 'busy' };
      await stack.admin.setScenario({
        default: { status: 'completed', duration_ms: 20_000 },
        byNumber: scenario,
      } as never);
      await stack.admin.setFaults({ webhooks: { duplicate: true, reorder: true, drop: 0 } });
      const dir = await writeCampaign(stack.workDir, 'mix', baseCampaign({ concurrency: 3 }), csv);

      const result = await stack.run(async () => {
        const { handle } = await stack.start({
          campaignId: `mix-${backend.key}`,
          campaignDir: dir,
          pageSize: 4,
          historyEventLimit: 120,
        });
        return await handle.result();
      });

      expect(result.status).toBe('completed');
      expect(result.continuedAsNew).toBeGreaterThan(0);
      expect(result.outcomes).toEqual({ completed: 26, busy: 4 });

      const calls = await stack.admin.calls();
      expectOneCallPerRequestId(calls);
      // 30 first attempts + 6 no-answer re-attempts + 4 busy re-attempts.
      expect(calls).toHaveLength(40);
      expect((await stack.admin.stats()).maxConcurrentCalls).toBeLessThanOrEqual(3);

      const rows = await readResults(stack, `mix-${backend.key}`);
      expect(rows).toHaveLength(30);
      const summary = JSON.parse(
        await readFile(join(stack.reportsDir, `mix-${backend.key}`, 'summary.json'), 'utf8'),
      );
      expect(summary.totalRows).toBe(30);
      expect(summary.outcomes).toMatchObject({ completed: 26, busy: 4 });
      // Durations and prices come from the API when the webhook does not carry them.
      expect(summary.callDurationsS.p50).toBeGreaterThan(0);
      expect(summary.credits.spent).toBeGreaterThan(0);
      const byPhone = new Map(rows.map((row) => [row.result?.phoneE164, row.result]));
      expect(byPhone.get(numbers[0])?.attempts).toHaveLength(2);
      expect(byPhone.get(numbers[0])?.outcome).toBe('completed');
      expect(byPhone.get(numbers[7])?.outcome).toBe('busy');
      expect(byPhone.get(numbers[20])?.attempts).toHaveLength(1);
    });

    it('never places a second call for a start-call that may have reached the API', async () => {
      const { csv, numbers } = swedishContacts(6, 46701741600);
      await stack.admin.setFaults({
        start_call: [
          { type: '429', count: 2, retry_after: 1 },
          { type: '500_after_create', count: 1 },
          { type: 'drop_after_create', count: 1 },
          { type: '500', count: 1 },
        ],
      });
      const dir = await writeCampaign(
        stack.workDir,
        'faults',
        baseCampaign({
          concurrency: 1,
          ambiguousStart: 'reattempt',
          retry: { maxAttempts: 2, retryOn: [], delay: '1s' },
        }),
        csv,
      );
      const result = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId: `faults-${backend.key}`, campaignDir: dir });
        return await handle.result();
      });

      expect(result.outcomes).toEqual({ completed: 6 });
      const calls = await stack.admin.calls();
      expectOneCallPerRequestId(calls);
      // The two calls created behind a 500 / dropped connection were reconciled by their webhooks:
      // every number was called exactly once. The plain 500 created nothing, so its row was re-attempted.
      expect(calls.map((call) => call.to).sort()).toEqual([...numbers].sort());
      const rows = await readResults(stack, `faults-${backend.key}`);
      expect(rows.filter((row) => row.result?.attempts.length === 2)).toHaveLength(1);
    });

    it('polls for the result when webhooks are lost', async () => {
      const { csv } = swedishContacts(3, 46701742600);
      await stack.admin.setFaults({ webhooks: { drop: 3 } });
      const dir = await writeCampaign(
        stack.workDir,
        'dropped',
        baseCampaign({ call: { task, max_duration: 5 } }),
        csv,
      );
      const result = await stack.run(async () => {
        const { handle } = await stack.start({
          campaignId: `dropped-${backend.key}`,
          campaignDir: dir,
          webhookGraceMs: 1_000,
        });
        return await handle.result();
      });
      expect(result.outcomes).toEqual({ completed: 3 });
      expect((await stack.admin.stats()).webhooksDropped).toBe(3);
    });

    it('pauses on 402 with no failed row, and completes once credits return', async () => {
      const { csv } = swedishContacts(6, 46701743600);
      await stack.admin.setCredits(3); // below the simulator's minimum of 5
      const dir = await writeCampaign(
        stack.workDir,
        'credits',
        baseCampaign({ concurrency: 2, creditRecheckEvery: '2s' }),
        csv,
      );
      const result = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId: `credits-${backend.key}`, campaignDir: dir });
        const progress = await waitForProgress(handle, (p) => p.status === 'paused');
        expect(progress.pausedReason).toContain('insufficient credits (balance 3, minimum 5)');
        expect(progress.outcomes).toEqual({});
        await stack.admin.setCredits(1_000);
        return await handle.result();
      });
      expect(result.outcomes).toEqual({ completed: 6 });
    });

    it('stops at the budget and reports the rest as not_called_budget', async () => {
      const { csv } = swedishContacts(10, 46701744600);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 60_000 } });
      // Each call costs 2 credits (60 s); 7 credits allow 3 calls at an estimate of 2.
      const dir = await writeCampaign(
        stack.workDir,
        'budget',
        baseCampaign({ concurrency: 1, credits: { budget: 7, estimatePerCall: 2 } }),
        csv,
      );
      const result = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId: `budget-${backend.key}`, campaignDir: dir });
        return await handle.result();
      });
      expect(result.outcomes).toEqual({ completed: 3, not_called_budget: 7 });
      expect(result.creditsSpent).toBeLessThanOrEqual(7);
      expect(await stack.admin.calls()).toHaveLength(3);
      const summary = JSON.parse(
        await readFile(join(stack.reportsDir, `budget-${backend.key}`, 'summary.json'), 'utf8'),
      );
      expect(JSON.stringify(summary)).toContain('not_called_budget');
    });

    it('lets the calls in flight finish, results stored, when the campaign is terminated', async () => {
      const { csv } = swedishContacts(6, 46701746600);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 90_000 } });
      const campaignId = `ended-${backend.key}`;
      const dir = await writeCampaign(stack.workDir, 'ended', baseCampaign({ concurrency: 3 }), csv);
      const finished = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId, campaignDir: dir });
        await waitForProgress(handle, (p) => p.inFlight === 3);
        while ((await stack.admin.calls()).length < 3)
          await new Promise((resolve) => setTimeout(resolve, 50));
        // An operator terminates the campaign in the Temporal UI while three calls are live.
        await handle.terminate('ended by an operator');
        const calls = await stack.admin.calls();
        return await Promise.all(
          calls.map(async (call) => {
            const rowKey = requestIdOf(call).split(':')[1] as string;
            const result = await stack.client.workflow.getHandle(callWorkflowId(campaignId, rowKey)).result();
            return { rowKey, result, stored: await stack.store.results.get(campaignId, rowKey) };
          }),
        );
      });
      expect(finished).toHaveLength(3);
      for (const { rowKey, result, stored } of finished) {
        expect(result).toMatchObject({ rowKey, outcome: 'completed', attempts: 1 });
        expect(stored?.outcome).toBe('completed');
      }
    });

    it('counts a row once when its finish is reported twice, and ends only when every row has', async () => {
      const { csv } = swedishContacts(3, 46701747600);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 60_000 } });
      const campaignId = `twice-${backend.key}`;
      const dir = await writeCampaign(stack.workDir, 'twice', baseCampaign({ concurrency: 1 }), csv);
      const result = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId, campaignDir: dir });
        await waitForProgress(handle, (p) => p.rows.finished === 1);
        const [first] = await stack.admin.calls();
        const rowKey = requestIdOf(first as SimCall).split(':')[1] as string;
        // The first row's report again, twice, as a reset or a redelivered signal would bring it.
        const again = { rowKey, outcome: 'completed' as const, credits: 2, heldSlot: true, rowIndex: 0 };
        await handle.signal(rowFinishedSignal, again);
        await handle.signal(rowFinishedSignal, again);
        return await handle.result();
      });
      expect(result.status).toBe('completed');
      expect(result.outcomes).toEqual({ completed: 3 });
      expect(await stack.admin.calls()).toHaveLength(3);
      const records = await readResults(stack, campaignId);
      expect(records.map((record) => record.outcome)).toEqual(['completed', 'completed', 'completed']);
    });

    it('counts each row once, calling nobody again, when the finished campaign is reset to its start', async () => {
      const { csv } = swedishContacts(3, 46701748600);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 20_000 } });
      const campaignId = `reset-${backend.key}`;
      const dir = await writeCampaign(stack.workDir, 'reset', baseCampaign({ concurrency: 3 }), csv);
      const { first, again } = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId, campaignDir: dir });
        const first = await handle.result();
        // Reset from the Temporal UI to the first workflow task: the run starts every row's
        // workflow again, and each of those IDs (never reused) belongs to a finished row.
        const history = await handle.fetchHistory();
        const firstTask = history.events?.find((event) => event.workflowTaskCompletedEventAttributes);
        const description = await handle.describe();
        const { runId } = await stack.client.workflowService.resetWorkflowExecution({
          namespace: stack.client.options.namespace,
          workflowExecution: { workflowId: handle.workflowId, runId: description.runId },
          workflowTaskFinishEventId: firstTask?.eventId,
          reason: 'test: reset to the start',
          requestId: `reset-${campaignId}`,
        });
        const again = await stack.client.workflow.getHandle(handle.workflowId, runId ?? undefined).result();
        return { first, again };
      });
      expect(first.outcomes).toEqual({ completed: 3 });
      expect(again.status).toBe('completed');
      expect(again.outcomes).toEqual({ completed: 3 });
      expect(again.creditsSpent).toBe(first.creditsSpent);
      expect(await stack.admin.calls()).toHaveLength(3);
    });

    it('answers progress and set-concurrency while a big contacts file is still being prepared', async () => {
      const { csv } = swedishContacts(30_000, 46701800000);
      const campaignId = `big-${backend.key}`;
      const dir = await writeCampaign(stack.workDir, 'big', baseCampaign({ concurrency: 1 }), csv);
      const seen = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId, campaignDir: dir, campaignName: 'Big file' });
        let first: CampaignProgress | undefined;
        while (!first) first = await handle.query(progressQuery).catch(() => undefined);
        const concurrency = await handle.executeUpdate(setConcurrencyUpdate, { args: [2] });
        const running = await waitForProgress(handle, (p) => p.status === 'running', 60_000);
        await handle.signal(cancelSignal, { hangup: true });
        await handle.result();
        return { first, concurrency, running };
      });
      expect(seen.first).toMatchObject({ campaignId, name: 'Big file', status: 'preparing' });
      expect(seen.concurrency).toBe(2);
      // The change made while preparing holds once the plan (concurrency 1 in campaign.json) exists.
      expect(seen.running.concurrency).toBe(2);
      expect(seen.running.rows.valid).toBe(30_000);
    });

    it('pauses, resumes and cancels on operator signals', async () => {
      const { csv } = swedishContacts(12, 46701745600);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 30_000 } });
      const dir = await writeCampaign(stack.workDir, 'steer', baseCampaign({ concurrency: 1 }), csv);
      const result = await stack.run(async () => {
        const { handle } = await stack.start({ campaignId: `steer-${backend.key}`, campaignDir: dir });
        const waitFor = (check: (p: CampaignProgress) => boolean) => waitForProgress(handle, check);
        await waitFor((p) => p.rows.finished >= 2);
        await handle.signal(pauseSignal);
        await waitFor((p) => p.status === 'paused' && p.inFlight === 0);
        const callsWhilePaused = (await stack.admin.calls()).length;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect((await stack.admin.calls()).length).toBe(callsWhilePaused);

        await handle.signal(resumeSignal);
        await waitFor((p) => p.rows.finished >= callsWhilePaused + 2);
        await handle.signal(cancelSignal, { hangup: false });
        return await handle.result();
      });
      expect(result.status).toBe('cancelled');
      const called = await stack.admin.calls();
      expect(result.outcomes.completed).toBe(called.length);
      expect(result.outcomes.cancelled).toBe(12 - called.length);
      expect((await readResults(stack, `steer-${backend.key}`)).length).toBe(12);
    });
  },
);
