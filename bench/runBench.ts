/**
 * `npm run bench`: every benchmark from one run on this machine, side by side.
 * Writes bench/results/<date>.json and docs/BENCHMARKS.md.
 *
 * Sizes (env): BENCH_EFF_ROWS (1000), BENCH_EFF_CONCURRENCY (50), BENCH_TPUT_ROWS (5000),
 * BENCH_TPUT_CONCURRENCY (100), BENCH_SCALE_ROWS (comma list, 20000,100000: one campaign
 * each on a fresh compiled worker), BENCH_REPEAT (3: runs of each timed figure, 1-3 and 6),
 * BENCH_VALIDATE_ROWS (100000), BENCH_COST_ROWS (200), BENCH_SKIP (comma list of 1..7),
 * and for 7, the campaign store (bench/storeBench.ts, its own child processes and a throwaway
 * PostgreSQL): BENCH_STORE_ROWS (100000), BENCH_STORE_OPS, BENCH_STORE_CALLERS, BENCH_STORE_PG.
 *
 * A dedicated Temporal dev server (temp SQLite, free ports), the simulator and the
 * webhook receiver in this process, the worker as a child process (its CPU and RSS
 * are sampled from /proc). Everything is shut down at the end.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { startTemporalDevServer } from '../src/devstack/temporalDevServer.js';
import { MAX_CALLS_PER_MINUTE } from '../src/engine/campaignLimits.js';
import { callWorkflowId, campaignWorkflowId } from '../src/engine/ids.js';
import type { SimCall } from '../src/simulator/adminTypes.js';
import {
  alwaysOpen,
  contacts,
  type FaultStack,
  freePort,
  imageMemoryEnv,
  REPO_ROOT,
  readReport,
  SIM_API_KEY,
  startFaultStack,
  type WorkerChild,
  writeCampaign,
} from '../test/faults/faultStack.js';
import { benchmarksDoc } from './benchmarksDoc.js';
import { runPlainScript } from './plainScript.js';
import { extractStoreSection, upsertStoreSection } from './storeBenchDoc.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const asked = { eff: 1000, tput: 5000, scaleRss: 20_000, scale: 100_000, validate: 100_000 };
/** Runs of each timed figure; the doc gives their median and spread. */
const REPEAT = num('BENCH_REPEAT', 3);
const sizes = {
  effRows: num('BENCH_EFF_ROWS', asked.eff),
  effConcurrency: num('BENCH_EFF_CONCURRENCY', 50),
  tputRows: num('BENCH_TPUT_ROWS', asked.tput),
  tputConcurrency: num('BENCH_TPUT_CONCURRENCY', 100),
  scaleRows: (process.env.BENCH_SCALE_ROWS ?? `${asked.scaleRss},${asked.scale}`).split(',').map(Number),
  validateRows: num('BENCH_VALIDATE_ROWS', asked.validate),
  costRows: num('BENCH_COST_ROWS', 200),
};
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
/** Pacing set so it does not bind: the schema's maximum. */
const CALLS_PER_MINUTE = MAX_CALLS_PER_MINUTE;
const TASK = 'Confirm {{first_name}} on {{appointment_date}}';
const log = (...args: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

// ---------- /proc sampling ----------
const CLK_TCK = 100;
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
  } catch {
    return 0;
  }
}
function procStatusKb(pid: number | undefined, key: 'VmHWM' | 'VmRSS'): number {
  if (!pid) return 0;
  try {
    const match = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}
const selfCpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

// ---------- histories and billable actions ----------
async function history(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const h = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return h.events ?? [];
}

/** Every run of a campaign (continue-as-new chain), first to last. */
async function campaignRuns(
  client: Client,
  campaignId: string,
  firstRunId: string,
): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const events = await history(client, campaignWorkflowId(campaignId), runId);
    runs.push(events);
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/**
 * Temporal Cloud billable Actions in one history (docs.temporal.io/cloud/actions):
 * workflow started, activity scheduled (+1 per retry attempt), the local activities of
 * one workflow task (1 together), timer started, signal (counted once, where it is
 * received; a signal between two workflows is not counted again at the sender), child
 * workflow started (with the child's own "workflow started": 2), search attribute
 * upsert, update accepted. Continue-as-new is counted as the next run's "workflow started".
 */
function billableActions(events: HistoryEvent[]): Record<string, number> {
  const count: Record<string, number> = {};
  const add = (key: string, n = 1) => {
    count[key] = (count[key] ?? 0) + n;
  };
  let localActivitiesInTask = false;
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes) localActivitiesInTask = false;
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && !localActivitiesInTask) {
      localActivitiesInTask = true;
      add('localActivities');
    }
    if (e.workflowExecutionStartedEventAttributes) add('workflowStarted');
    if (e.activityTaskScheduledEventAttributes) add('activityScheduled');
    const attempt = e.activityTaskStartedEventAttributes?.attempt ?? 1;
    if (e.activityTaskStartedEventAttributes && attempt > 1) add('activityRetried', attempt - 1);
    if (e.timerStartedEventAttributes) add('timerStarted');
    if (e.workflowExecutionSignaledEventAttributes) add('signalReceived');
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) add('childStarted');
    if (e.upsertWorkflowSearchAttributesEventAttributes) add('searchAttributesUpserted');
    if (e.workflowExecutionUpdateAcceptedEventAttributes) add('updateAccepted');
  }
  return count;
}
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
function merge(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}
const spread = (values: number[]): Spread => ({
  median: quantile(values, 0.5),
  min: Math.min(...values),
  max: Math.max(...values),
  values,
});
/**
 * The run whose `key` is the median (its other figures are shown beside it), with the
 * spread of every numeric figure over all runs.
 */
function medianRun<T extends Record<string, unknown>>(
  runs: T[],
  key: keyof T,
): T & { spread: Record<string, Spread> } {
  const sorted = [...runs].sort((a, b) => Number(a[key]) - Number(b[key]));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as T;
  const numeric = Object.keys(median).filter((k) => typeof median[k] === 'number');
  return {
    ...median,
    spread: Object.fromEntries(numeric.map((k) => [k, spread(runs.map((run) => Number(run[k])))])),
  };
}

// ---------- machine load (/proc/loadavg): the figures are only as good as the quiet around them ----------
const loadavg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const load = { before: loadavg(), highest: loadavg(), after: Number.NaN };
const loadSampler = setInterval(() => {
  load.highest = Math.max(load.highest, loadavg());
}, 5_000);

// ---------- a campaign on a stack ----------
interface CampaignRun {
  campaignId: string;
  firstRunId: string;
  wallMs: number;
  result: Awaited<ReturnType<Awaited<ReturnType<FaultStack['start']>>['handle']['result']>>;
  calls: SimCall[];
}

async function runCampaign(
  stack: FaultStack,
  name: string,
  rows: number,
  campaign: Record<string, unknown>,
  firstNumber: number,
  onTick?: () => void,
): Promise<CampaignRun> {
  const { csv } = contacts(rows, firstNumber);
  const dir = await writeCampaign(
    stack.workDir,
    name,
    {
      name,
      call: { task: TASK, language: 'en' },
      callsPerMinute: CALLS_PER_MINUTE,
      callingWindow: alwaysOpen,
      retry: { maxAttempts: 1, retryOn: [] },
      credits: { budget: 100_000_000, estimatePerCall: 1 },
      ...campaign,
    },
    csv,
  );
  const campaignId = `${name}-${Date.now().toString(36)}`;
  const started = performance.now();
  const { handle } = await stack.start({ campaignId, campaignDir: dir });
  const firstRunId =
    (handle as unknown as { firstExecutionRunId?: string }).firstExecutionRunId ??
    (await handle.describe()).runId;
  const ticker = onTick ? setInterval(onTick, 1000) : undefined;
  try {
    const result = await handle.result();
    const wallMs = performance.now() - started;
    const calls = (await stack.admin.calls()).filter((c) =>
      String(c.metadata.client_request_id).startsWith(`${campaignId}:`),
    );
    return { campaignId, firstRunId, wallMs, result, calls };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

const callSeconds = (call: SimCall) =>
  call.ended_at ? (Date.parse(call.ended_at) - Date.parse(call.created_at)) / 1000 : Number.NaN;

/** Benchmark 1's figures for one campaign of N calls of D s at concurrency C. */
function efficiencyFigures(run: CampaignRun, N: number, C: number, maxConcurrentCalls: number) {
  const D = quantile(run.calls.map(callSeconds), 0.5);
  const idealS = Math.ceil(N / C) * D;
  const rateBoundS = N / (CALLS_PER_MINUTE / 60) + D;
  const actualS = run.wallMs / 1000;
  return {
    rows: N,
    rowsAsked: asked.eff,
    concurrency: C,
    callSecondsMedian: round(D),
    callSecondsP95: round(quantile(run.calls.map(callSeconds), 0.95)),
    idealSeconds: round(idealS),
    rateBoundIdealSeconds: round(rateBoundS),
    actualSeconds: round(actualS),
    efficiency: round(idealS / actualS, 3),
    efficiencyVsRateBound: round(Math.max(idealS, rateBoundS) / actualS, 3),
    maxConcurrentCalls,
    outcomes: run.result.outcomes,
  };
}

/** Benchmark 6: the webhook's way into Temporal, from the simulator's record, the report and the histories. */
async function webhookFigures(stack: FaultStack, run: CampaignRun) {
  const deliveries = (await stack.admin.deliveries()).filter(
    (d) => d.event === 'call_completed' && d.status === 200,
  );
  const sentAt = new Map<string, number>();
  for (const d of deliveries) if (!sentAt.has(d.sid)) sentAt.set(d.sid, Date.parse(d.at));
  const sample = run.calls.filter((c) => sentAt.has(c.sid)).slice(0, 300);
  const latencies: number[] = [];
  for (const call of sample) {
    const rowKey = String(call.metadata.client_request_id).split(':')[1] ?? '';
    const description = await stack.client.workflow
      .getHandle(callWorkflowId(run.campaignId, rowKey))
      .describe();
    const closed = description.closeTime?.getTime();
    if (closed) latencies.push(closed - (sentAt.get(call.sid) ?? closed));
  }
  // The delivery round trip as CallMyCall sees it: until the receiver answered 2xx (it
  // answers once Temporal accepted the activity completion or the signal).
  const roundTrips = deliveries.map((d) => d.ms);
  // Call ended (simulator) -> the row's result stored (its recordedAt).
  const endedAt = new Map(run.calls.map((c) => [String(c.metadata.client_request_id), c.ended_at]));
  const toResult: number[] = [];
  for (const record of await readReport(stack, run.campaignId)) {
    const attempt = record.result?.attempts.at(-1);
    const ended = attempt && endedAt.get(attempt.clientRequestId);
    if (ended && record.result?.recordedAt)
      toResult.push(Date.parse(record.result.recordedAt) - Date.parse(ended));
  }
  return {
    sampledCalls: latencies.length,
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p95Ms: Math.round(quantile(latencies, 0.95)),
    maxMs: Math.round(Math.max(...latencies)),
    deliveries: roundTrips.length,
    deliveryRoundTripP50Ms: Math.round(quantile(roundTrips, 0.5)),
    deliveryRoundTripP95Ms: Math.round(quantile(roundTrips, 0.95)),
    callEndedToResultStoredP50Ms: Math.round(quantile(toResult, 0.5)),
    callEndedToResultStoredP95Ms: Math.round(quantile(toResult, 0.95)),
    note: 'delivery round trip: the simulator delivery ms (receiver answered); ended -> stored: simulator ended_at -> result recordedAt; sampled: delivery start -> call workflow close (describe().closeTime)',
  };
}

// ---------- main ----------
const results: Record<string, unknown> = {};
const startedAt = new Date();
const temporalPath = execFileSync('bash', [join(REPO_ROOT, 'scripts/ensure-temporal.sh')], {
  encoding: 'utf8',
  cwd: REPO_ROOT,
}).trim();
const benchDir = await mkdtemp(join(tmpdir(), 'cmc-bench-'));
const server = await startTemporalDevServer({
  temporalPath,
  dbFile: join(benchDir, 'temporal.db'),
  port: await freePort(),
  uiPort: await freePort(),
});
const serverPid = server.process.pid;
log(`temporal dev server ${server.address} (pid ${serverPid})`);
const stacks: FaultStack[] = [];
const newStack = async (speed: number) => {
  const stack = await startFaultStack({ temporalAddress: server.address, speed, webhookTimeoutMs: 10_000 });
  stacks.push(stack);
  return stack;
};

try {
  // ----- 1, 2, 6: 2 s calls (speed 3: 1 s queued + 3 s ringing + 2 s connected = 6 s simulated = 2 s real),
  // REPEAT times, each on a fresh stack and worker; the plain script after each on the same simulator.
  if (!(skip.has('1') && skip.has('2') && skip.has('6'))) {
    const N = sizes.effRows;
    const C = sizes.effConcurrency;
    const effRuns: Array<Record<string, unknown>> = [];
    const webhookRuns: Array<Record<string, unknown>> = [];
    const plainRuns: Array<Record<string, unknown>> = [];
    for (let run = 1; run <= REPEAT; run++) {
      const stack = await newStack(3);
      const scenario = { default: { status: 'completed' as const, duration_ms: 2_000 } };
      await stack.admin.setScenario(scenario);
      await stack.spawnWorker();
      log(`1. efficiency: N=${N} C=${C}, run ${run}/${REPEAT}`);
      const campaign = await runCampaign(
        stack,
        'efficiency',
        N,
        { concurrency: C },
        46700000000 + run * 10_000,
      );
      const efficiency = efficiencyFigures(campaign, N, C, (await stack.admin.stats()).maxConcurrentCalls);
      effRuns.push(efficiency);
      log('efficiency', efficiency);
      const webhooks = await webhookFigures(stack, campaign);
      webhookRuns.push(webhooks);
      log('webhook latency', webhooks);
      if (!skip.has('2')) {
        const { numbers } = contacts(N, 46700500000 + run * 10_000);
        await stack.admin.reset();
        await stack.admin.setScenario(scenario);
        const plain = await runPlainScript({
          baseUrl: stack.sim.url,
          apiKey: SIM_API_KEY,
          numbers,
          concurrency: C,
          task: 'Confirm',
        });
        const runnerSeconds = Number(efficiency.actualSeconds);
        const figures = {
          rows: N,
          concurrency: C,
          runnerSeconds,
          scriptSeconds: round(plain.wallMs / 1000),
          ratio: round(runnerSeconds / (plain.wallMs / 1000), 3),
          scriptCompleted: plain.completed,
        };
        plainRuns.push(figures);
        log('plain script', figures);
      }
      await stack.close();
    }
    results.efficiency = medianRun(effRuns, 'efficiency');
    results.webhookLatency = medianRun(webhookRuns, 'deliveryRoundTripP95Ms');
    if (plainRuns.length > 0) results.plainScript = medianRun(plainRuns, 'ratio');
  }

  // ----- 4: cost per row (Actions), single attempt and one re-attempt
  if (!skip.has('4')) {
    const stack = await newStack(60);
    const rows = sizes.costRows;
    const { numbers } = contacts(rows, 46700300000);
    const retried = numbers.slice(0, Math.max(1, Math.floor(rows / 5)));
    await stack.admin.setScenario({
      default: { status: 'completed', duration_ms: 5_000 },
      byNumber: Object.fromEntries(
        retried.map((n) => [n, [{ status: 'no-answer' }, { status: 'completed', duration_ms: 5_000 }]]),
      ),
    });
    await stack.spawnWorker();
    log(`4. cost: N=${rows}, ${retried.length} rows with one re-attempt`);
    const run = await runCampaign(
      stack,
      'cost',
      rows,
      { concurrency: 5, retry: { maxAttempts: 2, retryOn: ['no-answer'], delay: '1s' } },
      46700300000,
    );
    const campaignActions: Record<string, number> = {};
    const runs = await campaignRuns(stack.client, run.campaignId, run.firstRunId);
    for (const events of runs) merge(campaignActions, billableActions(events));
    // Signals a re-attempt sends its campaign (its slot back, a new one asked for) are that row's cost.
    const reattemptSignals = runs
      .flat()
      .filter((e) =>
        ['attemptEnded', 'requestSlot'].includes(
          e.workflowExecutionSignaledEventAttributes?.signalName ?? '',
        ),
      ).length;
    const records = await readReport(stack, run.campaignId);
    const single: Record<string, number>[] = [];
    const reattempt: Record<string, number>[] = [];
    const campaignEvents = runs.reduce((sum, run) => sum + run.length, 0);
    let events = campaignEvents;
    let singleRowEvents = 0;
    for (const record of records) {
      if (!record.result) continue;
      const rowHistory = await history(stack.client, callWorkflowId(run.campaignId, record.rowKey));
      events += rowHistory.length;
      const actions = billableActions(rowHistory);
      if (record.result.attempts.length > 1) reattempt.push(actions);
      else {
        single.push(actions);
        singleRowEvents ||= rowHistory.length;
      }
    }
    const campaignPerRow = (total(campaignActions) - reattemptSignals) / rows;
    const singleCall = single[0] ?? {};
    const reCall = reattempt[0] ?? {};
    results.cost = {
      rows,
      campaignRuns: runs.length,
      campaignActions,
      campaignActionsPerRow: round(campaignPerRow),
      singleAttemptCallWorkflow: singleCall,
      singleAttemptCallActions: total(singleCall),
      reattemptCallWorkflow: reCall,
      reattemptCallActions: total(reCall),
      perSingleAttemptRow: round(total(singleCall) + campaignPerRow),
      perReattemptRow: round(
        total(reCall) + campaignPerRow + reattemptSignals / Math.max(1, reattempt.length),
      ),
      historyEventsPerRow: round(events / rows, 1),
      campaignHistoryEventsPerRow: round(campaignEvents / rows, 1),
      singleAttemptRowHistoryEvents: singleRowEvents,
      note: "campaign actions amortised over all rows; the re-attempt rows' signals to the campaign are counted to them",
    };
    log('cost', results.cost);
    await stack.close();
  }

  // ----- 3 and 5: ~0 s calls (speed 1000: 4 s simulated queue+ring = 4 ms)
  if (!skip.has('3')) {
    const N = sizes.tputRows;
    const C = sizes.tputConcurrency;
    const runs: Array<Record<string, unknown>> = [];
    for (let run = 1; run <= REPEAT; run++) {
      const stack = await newStack(1000);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 0 } });
      const worker: WorkerChild = await stack.spawnWorker();
      log(`3. throughput: N=${N} C=${C}, run ${run}/${REPEAT}`);
      const cpu0 = { server: cpuSeconds(serverPid), worker: cpuSeconds(worker.pid), bench: selfCpu() };
      const campaign = await runCampaign(
        stack,
        'throughput',
        N,
        { concurrency: C },
        46701000000 + run * 10_000,
      );
      const wallS = campaign.wallMs / 1000;
      const cpu = {
        temporalServer: round(cpuSeconds(serverPid) - cpu0.server),
        worker: round(cpuSeconds(worker.pid) - cpu0.worker),
        simulatorAndWebhookReceiver: round(selfCpu() - cpu0.bench),
      };
      const figures = {
        rows: N,
        rowsAsked: asked.tput,
        concurrency: C,
        concurrencyAsked: 100,
        seconds: round(wallS),
        rowsPerSecond: round(N / wallS),
        productRateCapRowsPerSecond: CALLS_PER_MINUTE / 60,
        cpuSeconds: cpu,
        cpuUtilisation: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v / wallS, 3)])),
        cores: cpus().length,
        outcomes: campaign.result.outcomes,
      };
      runs.push(figures);
      log('throughput', figures);
      await stack.close();
    }
    results.throughput = medianRun(runs, 'rowsPerSecond');
  }
  if (!skip.has('5')) {
    // The worker as deployed: `cmc worker` from dist/ with its prebuilt workflow bundle,
    // a fresh process per size, so VmHWM is that run's peak.
    log('5. scale: npm run build (the compiled worker)');
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const scaleRuns: Array<Record<string, unknown>> = [];
    const memoryEnv = imageMemoryEnv();
    for (const N of sizes.scaleRows) {
      const stack = await newStack(1000);
      await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 0 } });
      const worker = await stack.spawnWorker({ compiled: true, env: memoryEnv });
      const idleRssMiB = round(procStatusKb(worker.pid, 'VmRSS') / 1024, 1);
      log(`5. scale: N=${N}, compiled worker pid ${worker.pid}, ${idleRssMiB} MiB before the campaign`);
      const rssSamples: Array<{ finished: number; rssMiB: number }> = [];
      let ticks = 0;
      const campaign = await runCampaign(stack, 'scale', N, { concurrency: 100 }, 46702000000 + N, () => {
        ticks += 1;
        if (ticks % 5 === 0)
          stack.admin
            .stats()
            .then((s) =>
              rssSamples.push({
                finished: s.callsCreated,
                rssMiB: round(procStatusKb(worker.pid, 'VmRSS') / 1024, 1),
              }),
            )
            .catch(() => {});
      });
      const peakRssMiB = procStatusKb(worker.pid, 'VmHWM') / 1024;
      const runs = await campaignRuns(stack.client, campaign.campaignId, campaign.firstRunId);
      const lengths = runs.map((events) => events.length);
      const figures = {
        rows: N,
        seconds: round(campaign.wallMs / 1000),
        rowsPerSecond: round(N / (campaign.wallMs / 1000)),
        workerPeakRssMiB: round(peakRssMiB, 1),
        idleRssMiB,
        workerEnv: memoryEnv,
        rssSamples,
        campaignRuns: runs.length,
        largestCampaignHistoryEvents: Math.max(...lengths),
        outcomes: campaign.result.outcomes,
      };
      scaleRuns.push(figures);
      log('scale', { ...figures, rssSamples: rssSamples.length });
      await stack.close();
    }
    results.scale = scaleRuns;
  }

  // validate time (bench/validate-100k.ts) in its own process
  if (!skip.has('5')) {
    log(`5. validate: ${sizes.validateRows} rows`);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'bench/validate-100k.ts'), String(sizes.validateRows)],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.once('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`validate exited ${code}`)),
      );
    });
    const seconds = Number(/time:\s+([\d.]+) s/.exec(output)?.[1]);
    const peak = Number(/peak RSS:\s+(\d+) MiB/.exec(output)?.[1]);
    results.validate = { rows: sizes.validateRows, seconds, peakRssMiB: peak, output: output.trim() };
    log('validate', results.validate);
  }
} finally {
  for (const stack of stacks) await stack.close().catch(() => {});
  await server.stop();
  await rm(benchDir, { recursive: true, force: true });
}

// 7: the campaign store, after the Temporal stack is gone (it writes its own JSON and doc section).
if (!skip.has('7')) {
  log('7. campaign store: bench/storeBench.ts');
  const storeDate = new Date().toISOString().slice(0, 10); // the date storeBench names its file by
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/storeBench.ts')], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`storeBench exited ${code}`))));
  });
  results.store = { file: `bench/results/store-${storeDate}.json` };
}

clearInterval(loadSampler);
load.after = loadavg();
const date = startedAt.toISOString().slice(0, 10);
const summary = {
  command: 'npm run bench',
  env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
  load,
  repeat: REPEAT,
  sizes,
  callsPerMinute: CALLS_PER_MINUTE,
  results,
};
await mkdir(join(REPO_ROOT, 'bench/results'), { recursive: true });
const file = join(REPO_ROOT, 'bench/results', `${date}.json`);
await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
log(`results written to ${file}`);
if (process.env.BENCH_WRITE_DOC !== '0') {
  // The store section (bench/storeBench.ts) is kept from the current file, whether or not 7 ran.
  const docPath = join(REPO_ROOT, 'docs/BENCHMARKS.md');
  const storeSection = extractStoreSection(readFileSync(docPath, 'utf8'));
  const doc = benchmarksDoc(summary, `bench/results/${date}.json`);
  await writeFile(docPath, storeSection ? upsertStoreSection(doc, storeSection) : doc);
  log('docs/BENCHMARKS.md written');
}
