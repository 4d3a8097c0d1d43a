/**
 * Where a concurrency slot's time goes between one call's end and the next call's
 * start: runs one campaign of 2 s calls on a dev server of its own, first with the
 * CLI's stock settings, then with ours (src/devstack/temporalDevServer.ts), reads every
 * history and the simulator's record, and prints each step's median, p95 and mean side
 * by side. Writes bench/results/slot-cycle.json, which docs/BENCHMARKS.md shows.
 *
 *   npx tsx bench/slotCycle.ts [rows=600] [concurrency=50]
 *
 * A slot's cycle is D (the call, created -> ended on the simulator) plus what these
 * steps add; benchmark 1's efficiency is about D over the mean cycle.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { startTemporalDevServer } from '../src/devstack/temporalDevServer.js';
import { MAX_CALLS_PER_MINUTE } from '../src/engine/campaignLimits.js';
import { callWorkflowId, campaignWorkflowId } from '../src/engine/ids.js';
import {
  alwaysOpen,
  contacts,
  freePort,
  REPO_ROOT,
  startFaultStack,
  writeCampaign,
} from '../test/faults/faultStack.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const rows = Number(process.argv[2] ?? 600);
const concurrency = Number(process.argv[3] ?? 50);

const ms = (event: HistoryEvent | undefined): number => {
  const t = event?.eventTime;
  return t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : Number.NaN;
};
const quantile = (values: number[], q: number) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

interface StepFigures {
  step: string;
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

const temporalPath = execFileSync('bash', [join(REPO_ROOT, 'scripts/ensure-temporal.sh')], {
  encoding: 'utf8',
}).trim();

/** One campaign on a fresh dev server (stock or ours); each step's figures. */
async function measure(stock: boolean): Promise<{ wallSeconds: number; steps: StepFigures[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cmc-cycle-'));
  const server = await startTemporalDevServer({
    temporalPath,
    dbFile: join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    stock,
  });
  const stack = await startFaultStack({
    temporalAddress: server.address,
    speed: 3,
    webhookTimeoutMs: 10_000,
  });
  try {
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 2_000 } });
    await stack.spawnWorker();
    const campaignDir = await writeCampaign(
      stack.workDir,
      'cycle',
      {
        name: 'cycle',
        call: { task: 'Confirm', language: 'en' },
        concurrency,
        callsPerMinute: MAX_CALLS_PER_MINUTE,
        callingWindow: alwaysOpen,
        retry: { maxAttempts: 1, retryOn: [] },
        credits: { budget: 100_000_000, estimatePerCall: 1 },
      },
      contacts(rows, 46703000000).csv,
    );
    const campaignId = `cycle-${Date.now().toString(36)}`;
    const started = performance.now();
    const { handle } = await stack.start({ campaignId, campaignDir });
    const firstRunId = (await handle.describe()).runId;
    await handle.result();
    const wallS = (performance.now() - started) / 1000;
    const calls = await stack.admin.calls();
    const callOf = new Map(calls.map((c) => [String(c.metadata.client_request_id).split(':')[1], c]));

    // Every run of the campaign (it continues as new), first to last, as one list of events.
    const parent: HistoryEvent[] = [];
    for (let runId: string | undefined = firstRunId; runId; ) {
      const events: HistoryEvent[] =
        (await stack.client.workflow.getHandle(campaignWorkflowId(campaignId), runId).fetchHistory())
          .events ?? [];
      parent.push(...events);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    const steps = new Map<string, number[]>();
    const add = (step: string, value: number) => {
      steps.set(step, [...(steps.get(step) ?? []), value]);
    };
    // Parent: which workflow task started each row, and when it learnt each row ended.
    const childWorkflowId = (e: HistoryEvent) =>
      e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ??
      e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId ??
      undefined;
    const rowKeyOf = (workflowId: string) => workflowId.slice(workflowId.lastIndexOf(':') + 1);
    let taskScheduled: HistoryEvent | undefined;
    let taskStarted: HistoryEvent | undefined;
    let taskCompleted: HistoryEvent | undefined;
    const startedBy = new Map<string, { scheduled: number; started: number; completed: number }>();
    const learntEnd = new Map<string, number>();
    for (const e of parent) {
      if (e.workflowTaskScheduledEventAttributes) taskScheduled = e;
      if (e.workflowTaskStartedEventAttributes) taskStarted = e;
      if (e.workflowTaskCompletedEventAttributes) taskCompleted = e;
      const id = childWorkflowId(e);
      if (!id) continue;
      if (e.startChildWorkflowExecutionInitiatedEventAttributes)
        startedBy.set(rowKeyOf(id), {
          scheduled: ms(taskScheduled),
          started: ms(taskStarted),
          completed: ms(taskCompleted),
        });
      if (e.childWorkflowExecutionCompletedEventAttributes) learntEnd.set(rowKeyOf(id), ms(e));
    }
    // Sort rows by when their call ended; the k-th start after the first `concurrency`
    // is the slot the k-th end freed.
    const rowKeys = [...startedBy.keys()];
    const ends = rowKeys
      .map((rowKey) => Date.parse(callOf.get(rowKey)?.ended_at ?? ''))
      .sort((a, b) => a - b);
    const starts = new Set(rowKeys.slice(concurrency));
    for (const rowKey of rowKeys) {
      const events =
        (await stack.client.workflow.getHandle(callWorkflowId(campaignId, rowKey)).fetchHistory()).events ??
        [];
      const call = callOf.get(rowKey);
      const at = (attr: keyof HistoryEvent) => ms(events.find((e) => e[attr]));
      const created = Date.parse(call?.created_at ?? '');
      const ended = Date.parse(call?.ended_at ?? '');
      const closed = ms(events.at(-1));
      add('D: call created -> ended (simulator)', ended - created);
      add(
        'end: call ended -> placeCall completed (webhook, receiver)',
        at('activityTaskCompletedEventAttributes') - ended,
      );
      add(
        'end: placeCall completed -> row closed (post-call step)',
        closed - at('activityTaskCompletedEventAttributes'),
      );
      add('end: row closed -> campaign recorded it', (learntEnd.get(rowKey) ?? Number.NaN) - closed);
      const by = startedBy.get(rowKey);
      if (starts.has(rowKey) && by) {
        add('start: campaign task scheduled -> started', by.started - by.scheduled);
        add('start: campaign task started -> completed', by.completed - by.started);
        add(
          'start: campaign task completed -> row started',
          at('workflowExecutionStartedEventAttributes') - by.completed,
        );
      }
      add(
        'start: row started -> its first task completed',
        at('workflowTaskCompletedEventAttributes') - at('workflowExecutionStartedEventAttributes'),
      );
      add(
        'start: placeCall scheduled -> call created (simulator)',
        created - at('activityTaskScheduledEventAttributes'),
      );
    }
    // Slot cycle: the k-th end to the (concurrency+k)-th start's call creation.
    const createdInOrder = rowKeys
      .map((k) => Date.parse(callOf.get(k)?.created_at ?? ''))
      .sort((a, b) => a - b);
    for (let k = 0; k + concurrency < createdInOrder.length; k++) {
      add(
        'cycle: a call ended -> the next call created',
        (createdInOrder[k + concurrency] ?? 0) - (ends[k] ?? 0),
      );
    }
    const campaignStart = ms(parent[0]);
    const campaignClosed = ms(parent.at(-1));
    add('fixed: campaign started -> first call created', (createdInOrder[0] ?? 0) - campaignStart);
    add('fixed: last call ended -> campaign closed (report)', campaignClosed - (ends.at(-1) ?? 0));
    return {
      wallSeconds: Math.round(wallS * 10) / 10,
      steps: [...steps].map(([step, values]) => ({
        step,
        p50: Math.round(quantile(values, 0.5)),
        p95: Math.round(quantile(values, 0.95)),
        mean: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
        n: values.length,
      })),
    };
  } finally {
    await stack.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const stock = await measure(true);
const ours = await measure(false);
const cell = (f: StepFigures | undefined) =>
  f ? `${String(f.p50).padStart(5)} ${String(f.p95).padStart(5)} ${String(f.mean).padStart(5)}` : '';
console.log(
  `rows ${rows}, concurrency ${concurrency}, ideal ${Math.ceil(rows / concurrency) * 2} s; wall: stock ${stock.wallSeconds} s, ours ${ours.wallSeconds} s`,
);
console.log(`${'ms: p50 p95 mean'.padEnd(60)} ${'stock'.padEnd(17)} ours`);
for (const mine of ours.steps) {
  console.log(
    `${mine.step.padEnd(60)} ${cell(stock.steps.find((f) => f.step === mine.step))}   ${cell(mine)}`,
  );
}
await mkdir(join(REPO_ROOT, 'bench/results'), { recursive: true });
await writeFile(
  join(REPO_ROOT, 'bench/results/slot-cycle.json'),
  `${JSON.stringify({ command: `npx tsx bench/slotCycle.ts ${rows} ${concurrency}`, at: new Date().toISOString(), rows, concurrency, stock, ours }, null, 2)}\n`,
);
