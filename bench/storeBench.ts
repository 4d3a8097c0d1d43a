/**
 * The campaign store (issue 12) under load, on this machine:
 *
 *   npx tsx bench/storeBench.ts                 # N = 100,000 rows
 *   BENCH_STORE_ROWS=400000 npx tsx bench/storeBench.ts
 *
 * 1. prepare N rows into SQLite through the real activity (createCampaignActivities(deps)
 *    .prepareCampaign in a MockActivityEnvironment), also N/4 to see that memory is flat in N;
 * 2. the same into a throwaway PostgreSQL 15 (bench/throwawayPostgres.ts);
 * 3. a report of N rows from the database (generateCampaignReport) once every valid row has
 *    a realistic RowResult (6-line transcript, 2 attempts) recorded through results.record;
 * 4. 50 concurrent callers claiming + settling attempts (ledger) and recording results:
 *    per-operation latency, on SQLite and on PostgreSQL.
 *
 * Every timed figure runs BENCH_STORE_REPEATS (3) times, each in a fresh child process
 * (this file with `--child`), so peak RSS (getrusage maxRSS, plus RSS sampled every
 * 50 ms) is that figure's alone. Writes bench/results/store-<date>.json and the
 * "Campaign store (issue 12)" section of docs/BENCHMARKS.md (BENCH_WRITE_DOC=0: not).
 *
 * Env: BENCH_STORE_ROWS (100000), BENCH_STORE_OPS (2000 operations of each kind, over all
 * callers), BENCH_STORE_CALLERS (50), BENCH_STORE_REPEATS (3), BENCH_STORE_PG (1; 0 skips
 * PostgreSQL), PG_BIN
 * (/usr/lib/postgresql/15/bin).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActivityDeps } from '../src/activities/activityDeps.js';
import type { CampaignPlan } from '../src/engine/campaignPlan.js';
import type { RowResult } from '../src/results/rowResult.js';
import type { CampaignStore } from '../src/storage/campaignStore.js';
import type { PreparedRow } from '../src/storage/preparedCampaignStore.js';
import { writeBenchCampaign } from './contactsCsv.js';
import { storeBenchSection, upsertStoreSection } from './storeBenchDoc.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwawayPostgres.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const ROW_KEY_SECRET = 'bench-secret';
const MiB = 1024 * 1024;

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const log = (...args: unknown[]) =>
  console.log(`[store-bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

/** Nearest-rank quantile. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Median and min–max of the repeats of one figure. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number[];
}
const figure = (runs: number[], d = 2): Figure => ({
  median: round(quantile(runs, 0.5), d),
  min: round(Math.min(...runs), d),
  max: round(Math.max(...runs), d),
  runs: runs.map((r) => round(r, d)),
});

// ======================= child: one measurement in a fresh process =======================

type ChildTask =
  | { kind: 'validate'; campaignDir: string }
  | { kind: 'baseline'; dataDir: string; databaseUrl?: string; withActivities: boolean }
  | { kind: 'prepare'; campaignDir: string; dataDir: string; databaseUrl?: string; campaignId: string }
  | { kind: 'record'; dataDir: string; databaseUrl?: string; campaignId: string; callers: number }
  | { kind: 'report'; dataDir: string; databaseUrl?: string; campaignId: string; reportsDir: string }
  | { kind: 'concurrency'; dataDir: string; databaseUrl?: string; callers: number; ops: number; tag: string };

/** RSS every 50 ms, and the process's own peak (maxRSS) at the end. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const samples: number[] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    samples.push(rss);
    if (rss > peak) peak = rss;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return {
        sampledPeakRssMiB: round(peak / MiB, 1),
        maxRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
        samples: samples.length,
      };
    },
  };
}

// Each child imports only what its task needs (the activities pull in @temporalio/testing,
// whose native worker bridge alone is tens of MiB), so a peak RSS is the task's own.
const openStore = async (task: { dataDir: string; databaseUrl?: string }) => {
  const { openCampaignStore } = await import('../src/storage/campaignStore.js');
  return await openCampaignStore({ CMC_DATA_DIR: task.dataDir, CMC_DATABASE_URL: task.databaseUrl });
};

/** A realistic finished row: no answer on attempt 1, a 6-line conversation on attempt 2. */
export function benchRowResult(
  campaignId: string,
  row: Pick<PreparedRow, 'rowKey' | 'line' | 'columns' | 'phoneE164'>,
): RowResult {
  const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 9, 0, s)).toISOString();
  const name = row.columns.first_name || 'there';
  const lines: Array<[string, string]> = [
    ['assistant', `Hello ${name}, this is the Demo clinic calling about your appointment.`],
    ['user', 'Oh, hi. Yes, what about it?'],
    [
      'assistant',
      `I am calling to confirm your appointment on ${row.columns.appointment_date ?? 'Monday'} at ${row.columns.appointment_time ?? '09:00'}. Will you be able to make it?`,
    ],
    ['user', 'Yes, I will be there. Thanks for reminding me.'],
    [
      'assistant',
      'Wonderful, you are confirmed. Please arrive ten minutes early. Anything else I can help with?',
    ],
    ['user', 'No, that is all. Bye!'],
  ];
  return {
    campaignId,
    rowKey: row.rowKey,
    line: row.line,
    columns: row.columns,
    phoneE164: row.phoneE164,
    outcome: 'completed',
    goalCompleted: true,
    summary: { confirmed: true, notes: 'Patient confirmed the appointment.' },
    transcript: lines.map(([role, text], seq) => ({ role, text, seq, timestamp: at(40 + seq * 6) })),
    attempts: [
      {
        attempt: 1,
        clientRequestId: `${campaignId}:${row.rowKey}:1`,
        sid: `CA${row.rowKey.slice(0, 14)}a1`,
        status: 'no-answer',
        startedAt: at(0),
        endedAt: at(25),
        durationS: 0,
        credits: 0,
      },
      {
        attempt: 2,
        clientRequestId: `${campaignId}:${row.rowKey}:2`,
        sid: `CA${row.rowKey.slice(0, 14)}a2`,
        status: 'completed',
        startedAt: at(30),
        endedAt: at(78),
        durationS: 48,
        credits: 1.6,
      },
    ],
    recording: `recordings/${row.rowKey}-2.mp3`,
    recordedAt: at(80),
  };
}

async function runChild(task: ChildTask): Promise<unknown> {
  const rssAtStart = process.memoryUsage().rss;
  if (task.kind === 'validate') {
    // The control: the same CSV read and classified (what `cmc validate` does), no store.
    const { validateCampaign } = await import('../src/campaign/validateCampaign.js');
    const started = performance.now();
    const result = await validateCampaign(task.campaignDir, { rowKeySecret: ROW_KEY_SECRET });
    return {
      wallMs: performance.now() - started,
      rows: result.rows,
      maxRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    };
  }
  const openedAt = performance.now();
  const store: CampaignStore = await openStore(task);
  const openMs = performance.now() - openedAt;
  try {
    if (task.kind === 'baseline') {
      // The floor every child starts from: Node + tsx + the store open (+ the activities' imports).
      if (task.withActivities) {
        await import('@temporalio/testing');
        await import('../src/activities/campaignActivities.js');
      }
      return { openMs, maxRssMiB: round(process.resourceUsage().maxRSS / 1024, 1) };
    }
    if (task.kind === 'prepare') {
      const { MockActivityEnvironment } = await import('@temporalio/testing');
      const { createCampaignActivities } = await import('../src/activities/campaignActivities.js');
      const activities = createCampaignActivities({
        prepared: store.prepared,
        ledger: store.ledger,
        results: store.results,
        rowKeySecret: ROW_KEY_SECRET,
      } as unknown as ActivityDeps);
      const env = new MockActivityEnvironment();
      let heartbeats = 0;
      env.on('heartbeat', () => {
        heartbeats += 1;
      });
      const rssBefore = process.memoryUsage().rss;
      const sampler = rssSampler();
      const started = performance.now();
      const plan: CampaignPlan = await env.run(activities.prepareCampaign, {
        campaignId: task.campaignId,
        campaignDir: task.campaignDir,
        date: '2026-03-02',
      });
      const wallMs = performance.now() - started;
      const rss = sampler.stop();
      return {
        openMs,
        wallMs,
        rssAtStartMiB: round(rssAtStart / MiB, 1),
        rssBeforeMiB: round(rssBefore / MiB, 1),
        ...rss,
        totalRows: plan.totalRows,
        validRows: plan.validRows,
        heartbeats,
      };
    }
    if (task.kind === 'record') {
      // Fill the results of every valid row (the report's input); timed for information.
      const manifest = await store.prepared.readManifest(task.campaignId);
      if (!manifest) throw new Error(`campaign ${task.campaignId} is not prepared`);
      const started = performance.now();
      let next = 0;
      const pageSize = 500;
      let recorded = 0;
      await Promise.all(
        Array.from({ length: task.callers }, async () => {
          for (;;) {
            const offset = next;
            next += pageSize;
            const rows = await store.prepared.page(task.campaignId, offset, pageSize);
            if (rows.length === 0) return;
            for (const row of rows) {
              await store.results.record(benchRowResult(task.campaignId, row));
              recorded += 1;
            }
          }
        }),
      );
      return { openMs, wallMs: performance.now() - started, recorded, validRows: manifest.plan.validRows };
    }
    if (task.kind === 'report') {
      const { generateCampaignReport } = await import('../src/reports/generateCampaignReport.js');
      const rssBefore = process.memoryUsage().rss;
      const sampler = rssSampler();
      const started = performance.now();
      const report = await generateCampaignReport(
        {
          prepared: store.prepared,
          reportsDir: task.reportsDir,
          temporalUiUrl: 'http://localhost:8233',
          namespace: 'default',
        },
        task.campaignId,
        { startedAt: '2026-03-02T08:00:00.000Z', endedAt: '2026-03-02T18:00:00.000Z' },
      );
      const wallMs = performance.now() - started;
      const rss = sampler.stop();
      const size = async (file: string) => round((await stat(file)).size / MiB, 2);
      return {
        openMs,
        wallMs,
        rssAtStartMiB: round(rssAtStart / MiB, 1),
        rssBeforeMiB: round(rssBefore / MiB, 1),
        ...rss,
        htmlMiB: await size(report.files.html),
        jsonlMiB: await size(report.files.jsonl),
        csvMiB: await size(report.files.csv),
        transcriptFiles: report.transcriptChunks.length,
        transcriptsMiB: round(
          (
            await Promise.all(
              report.transcriptChunks.map((name) => stat(join(report.files.transcripts, name))),
            )
          ).reduce((sum, file) => sum + file.size, 0) / MiB,
          2,
        ),
        summaryRows: report.summary.totalRows,
        outcomes: report.summary.outcomes,
      };
    }
    // concurrency: `callers` loops, `ops` operations of each kind over all of them.
    const perCaller = Math.ceil(task.ops / task.callers);
    const campaignId = `bench-conc-${task.tag}`;
    const keyOf = (caller: number, i: number) => ({ campaignId, rowKey: `r${caller}x${i}`, attempt: 1 });
    const rowOf = (caller: number, i: number) => ({
      rowKey: `r${caller}x${i}`,
      line: caller * perCaller + i + 2,
      columns: {
        booking_id: `BK-${caller}-${i}`,
        first_name: `Förnamn ${i}`,
        appointment_date: '2026-03-02',
        appointment_time: '09:30',
        clinic: 'Demo, clinic 1',
      },
      phoneE164: `+4670${String(caller * perCaller + i).padStart(7, '0')}`,
    });
    const at = new Date().toISOString();
    // Warm-up, not measured: one of each per caller (JIT, prepared statements, pool connections).
    await Promise.all(
      Array.from({ length: task.callers }, async (_, c) => {
        const key = keyOf(c, -1);
        await store.ledger.claim(key, at);
        await store.ledger.settle(key, { state: 'placed', sid: `CAwarm${c}`, at });
        await store.results.record(benchRowResult(campaignId, rowOf(c, 1_000_000)));
      }),
    );
    // One caller alone first: the store's own service time per operation, without queueing.
    const serialClaim: number[] = [];
    const serialRecord: number[] = [];
    const serialOps = Math.min(200, task.ops);
    for (let i = 0; i < serialOps; i++) {
      const key = { campaignId, rowKey: `solo${i}`, attempt: 1 };
      const t0 = performance.now();
      await store.ledger.claim(key, at);
      await store.ledger.settle(key, { state: 'placed', sid: `CAsolo${i}`, at });
      serialClaim.push(performance.now() - t0);
    }
    for (let i = 0; i < serialOps; i++) {
      const result = benchRowResult(campaignId, { ...rowOf(0, 0), rowKey: `solo${i}` });
      const t0 = performance.now();
      await store.results.record(result);
      serialRecord.push(performance.now() - t0);
    }
    const claimMs: number[] = [];
    const settleMs: number[] = [];
    const claimSettleMs: number[] = [];
    const recordMs: number[] = [];
    let claimedTrue = 0;
    const phase = async (body: (c: number, i: number) => Promise<void>) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: task.callers }, async (_, c) => {
          for (let i = 0; i < perCaller && c * perCaller + i < task.ops; i++) await body(c, i);
        }),
      );
      return performance.now() - started;
    };
    const claimPhaseMs = await phase(async (c, i) => {
      const key = keyOf(c, i);
      const t0 = performance.now();
      if (await store.ledger.claim(key, at)) claimedTrue += 1;
      const t1 = performance.now();
      await store.ledger.settle(key, { state: 'placed', sid: `CA${c}x${i}`, at });
      const t2 = performance.now();
      claimMs.push(t1 - t0);
      settleMs.push(t2 - t1);
      claimSettleMs.push(t2 - t0);
    });
    const recordPhaseMs = await phase(async (c, i) => {
      const result = benchRowResult(campaignId, rowOf(c, i));
      const t0 = performance.now();
      await store.results.record(result);
      recordMs.push(performance.now() - t0);
    });
    const lat = (values: number[]) => ({
      count: values.length,
      p50: round(quantile(values, 0.5), 3),
      p95: round(quantile(values, 0.95), 3),
      p99: round(quantile(values, 0.99), 3),
      max: round(Math.max(...values), 3),
    });
    return {
      openMs,
      callers: task.callers,
      claimedTrue,
      claim: lat(claimMs),
      settle: lat(settleMs),
      claimSettle: {
        ...lat(claimSettleMs),
        opsPerSecond: round(claimSettleMs.length / (claimPhaseMs / 1000), 1),
      },
      record: { ...lat(recordMs), opsPerSecond: round(recordMs.length / (recordPhaseMs / 1000), 1) },
      oneCaller: { claimSettle: lat(serialClaim), record: lat(serialRecord) },
      maxRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    };
  } finally {
    await store.close();
  }
}

// ======================= parent: orchestration =======================

const children = new Set<ReturnType<typeof spawn>>();

/** Runs one task in a fresh Node process and returns what it measured. */
async function inChild<T>(task: ChildTask, nodeArgs: string[] = []): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...nodeArgs, '--import', 'tsx', SELF, '--child', JSON.stringify(task)],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.add(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      children.delete(child);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as T);
      else reject(new Error(`bench child ${task.kind} exited ${code ?? signal}: ${out.slice(-2000)}`));
    });
  });
}

const loadavg = () => {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return { at: new Date().toISOString(), one, five, fifteen };
};

interface PrepareRun {
  openMs: number;
  wallMs: number;
  rssBeforeMiB: number;
  sampledPeakRssMiB: number;
  maxRssMiB: number;
  totalRows: number;
  validRows: number;
}
/** Where a prepared campaign was left, for the report bench. */
interface PreparedAt {
  dataDir: string;
  databaseUrl?: string;
}
interface ReportRun {
  wallMs: number;
  rssBeforeMiB: number;
  sampledPeakRssMiB: number;
  maxRssMiB: number;
  htmlMiB: number;
  jsonlMiB: number;
  csvMiB: number;
  transcriptFiles: number;
  transcriptsMiB: number;
  summaryRows: number;
  outcomes: Record<string, number>;
}
interface LatencyRun {
  claim: Record<string, number>;
  settle: Record<string, number>;
  claimSettle: Record<string, number>;
  record: Record<string, number>;
  claimedTrue: number;
  oneCaller: { claimSettle: Record<string, number>; record: Record<string, number> };
}

async function main(): Promise<void> {
  const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const N = num('BENCH_STORE_ROWS', 100_000);
  const quarter = Math.max(1, Math.round(N / 4));
  const ops = num('BENCH_STORE_OPS', 2_000);
  const callers = num('BENCH_STORE_CALLERS', 50);
  const repeats = num('BENCH_STORE_REPEATS', 3);
  const pgBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const withPg = process.env.BENCH_STORE_PG !== '0' && existsSync(join(pgBin, 'initdb'));
  const startedAt = new Date();
  const load: ReturnType<typeof loadavg>[] = [loadavg()];
  const loadTimer = setInterval(() => load.push(loadavg()), 10_000);
  const root = await mkdtemp(join(tmpdir(), 'cmc-store-bench-'));
  let pg: ThrowawayPostgres | undefined;
  const cleanUp = async () => {
    clearInterval(loadTimer);
    for (const child of children) child.kill('SIGKILL');
    await pg?.stop().catch(() => undefined);
    pg = undefined;
    await rm(root, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: Record<string, unknown> = {};
  let databases = 0;
  const freshDb = async (): Promise<string> => {
    if (!pg) throw new Error('no postgres');
    databases += 1;
    return await pg.createDatabase(`bench${databases}`);
  };
  let csvMiB = 0;
  let dirs = 0;
  const freshDir = async (name: string) => {
    dirs += 1;
    const dir = join(root, `${name}-${dirs}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  try {
    log(
      `N=${N} (and N/4=${quarter}), ${repeats} repeats, ${callers} callers x ${ops} ops; postgres: ${withPg}`,
    );
    log('load before', load[0]);
    const campaignN = await freshDir('campaign-n');
    await writeBenchCampaign(campaignN, N);
    const campaignQ = await freshDir('campaign-q');
    await writeBenchCampaign(campaignQ, quarter);
    csvMiB = round((await stat(join(campaignN, 'contacts.csv'))).size / MiB, 1);

    // ---- the floor: a child that only opens the store (and imports the activities)
    const baselineRuns: Array<{ maxRssMiB: number; withActivities: boolean }> = [];
    for (const withActivities of [false, true]) {
      const run = await inChild<{ maxRssMiB: number }>({
        kind: 'baseline',
        dataDir: await freshDir('baseline'),
        withActivities,
      });
      baselineRuns.push({ ...run, withActivities });
    }
    results.baselineRss = {
      storeOnlyMiB: baselineRuns[0]?.maxRssMiB,
      storeAndActivitiesMiB: baselineRuns[1]?.maxRssMiB,
      note: 'peak RSS of a child that only starts (node --import tsx), opens the SQLite store and, for the second, imports @temporalio/testing and the campaign activities: the floor under every peak below',
    };
    log('baseline RSS', results.baselineRss);

    // ---- 1 and 2: prepare
    const prepareSeries = async (engine: 'sqlite' | 'postgres', campaignDir: string, rows: number) => {
      const runs: Array<PrepareRun & PreparedAt> = [];
      for (let r = 0; r < repeats; r++) {
        const dataDir = await freshDir(`${engine}-prepare`);
        const databaseUrl = engine === 'postgres' ? await freshDb() : undefined;
        const run = await inChild<PrepareRun>({
          kind: 'prepare',
          campaignDir,
          dataDir,
          ...(databaseUrl ? { databaseUrl } : {}),
          campaignId: 'bench',
        });
        log(
          `prepare ${engine} ${rows} rows #${r + 1}: ${round(run.wallMs / 1000)} s, peak RSS ${run.maxRssMiB} MiB`,
        );
        runs.push({ ...run, dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
      }
      return runs;
    };
    const summarisePrepare = (rows: number, runs: PrepareRun[]) => ({
      rows,
      totalRows: runs[0]?.totalRows,
      validRows: runs[0]?.validRows,
      seconds: figure(runs.map((r) => r.wallMs / 1000)),
      openSeconds: figure(
        runs.map((r) => r.openMs / 1000),
        3,
      ),
      peakRssMiB: figure(
        runs.map((r) => r.maxRssMiB),
        1,
      ),
      sampledPeakRssMiB: figure(
        runs.map((r) => r.sampledPeakRssMiB),
        1,
      ),
      rssBeforeMiB: figure(
        runs.map((r) => r.rssBeforeMiB),
        1,
      ),
    });
    const flatness = (n: ReturnType<typeof summarisePrepare>, q: ReturnType<typeof summarisePrepare>) => {
      const growthN = n.peakRssMiB.median - n.rssBeforeMiB.median;
      const growthQ = q.peakRssMiB.median - q.rssBeforeMiB.median;
      return {
        peakN: n.peakRssMiB.median,
        peakQuarter: q.peakRssMiB.median,
        ratio: round(n.peakRssMiB.median / q.peakRssMiB.median, 3),
        growthAboveOpenMiB: { n: round(growthN, 1), quarter: round(growthQ, 1) },
        growthRatio: round(growthN / growthQ, 2),
        // Flat: what prepare itself adds (peak minus RSS just before it) is about the same
        // at 4x the rows, at most 25% more. The whole-process peak hides it under the floor.
        flat: growthN <= growthQ * 1.25,
      };
    };

    // The control: reading and classifying the same CSV without a store, as load changes.
    const validateRuns: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const run = await inChild<{ wallMs: number }>({ kind: 'validate', campaignDir: campaignN });
      validateRuns.push(run.wallMs / 1000);
    }
    results.validateControl = { rows: N, seconds: figure(validateRuns) };
    log('control: validate', results.validateControl);

    const sqliteRuns = await prepareSeries('sqlite', campaignN, N);
    const sqliteQuarter = await prepareSeries('sqlite', campaignQ, quarter);
    const sqliteN = summarisePrepare(N, sqliteRuns);
    const sqliteQ = summarisePrepare(quarter, sqliteQuarter);
    results.prepareSqlite = { ...sqliteN, quarter: sqliteQ, memory: flatness(sqliteN, sqliteQ) };

    let pgRuns: Array<PrepareRun & PreparedAt> = [];
    if (withPg) {
      const pgStarted = performance.now();
      pg = await startThrowawayPostgres();
      log(`postgres 15 on 127.0.0.1:${pg.port} (${Math.round(performance.now() - pgStarted)} ms)`);
      pgRuns = await prepareSeries('postgres', campaignN, N);
      const pgQuarter = await prepareSeries('postgres', campaignQ, quarter);
      const pgN = summarisePrepare(N, pgRuns);
      const pgQ = summarisePrepare(quarter, pgQuarter);
      results.preparePostgres = { ...pgN, quarter: pgQ, memory: flatness(pgN, pgQ) };
    }

    // ---- 3: report from the database (SQLite, and PostgreSQL for comparison)
    const reportSeries = async (engine: 'sqlite' | 'postgres', prepared: PreparedAt) => {
      const target = {
        dataDir: prepared.dataDir,
        ...(prepared.databaseUrl ? { databaseUrl: prepared.databaseUrl } : {}),
      };
      const fill = await inChild<{ wallMs: number; recorded: number; validRows: number }>({
        kind: 'record',
        ...target,
        campaignId: 'bench',
        callers: 16,
      });
      if (fill.recorded !== fill.validRows)
        throw new Error(`recorded ${fill.recorded} results for ${fill.validRows} valid rows`);
      log(`recorded ${fill.recorded} results on ${engine} in ${round(fill.wallMs / 1000)} s (16 callers)`);
      const runs: ReportRun[] = [];
      for (let r = 0; r < repeats; r++) {
        const reportsDir = await freshDir(`${engine}-reports`);
        const run = await inChild<ReportRun>({ kind: 'report', ...target, campaignId: 'bench', reportsDir });
        log(
          `report ${engine} #${r + 1}: ${round(run.wallMs / 1000)} s, peak RSS ${run.maxRssMiB} MiB, html ${run.htmlMiB} MiB`,
        );
        runs.push(run);
        await rm(reportsDir, { recursive: true, force: true });
      }
      return {
        rows: runs[0]?.summaryRows,
        resultsRecorded: fill.recorded,
        recordAllSeconds: round(fill.wallMs / 1000),
        recordAllPerSecond: round(fill.recorded / (fill.wallMs / 1000)),
        seconds: figure(runs.map((r) => r.wallMs / 1000)),
        peakRssMiB: figure(
          runs.map((r) => r.maxRssMiB),
          1,
        ),
        sampledPeakRssMiB: figure(
          runs.map((r) => r.sampledPeakRssMiB),
          1,
        ),
        htmlMiB: figure(runs.map((r) => r.htmlMiB)),
        jsonlMiB: figure(runs.map((r) => r.jsonlMiB)),
        csvMiB: figure(runs.map((r) => r.csvMiB)),
        transcriptFiles: figure(runs.map((r) => r.transcriptFiles)),
        transcriptsMiB: figure(runs.map((r) => r.transcriptsMiB)),
        outcomes: runs[0]?.outcomes,
      };
    };
    const lastSqlite: PreparedAt | undefined = sqliteRuns.at(-1);
    if (lastSqlite) results.reportSqlite = await reportSeries('sqlite', lastSqlite);
    const lastPg: PreparedAt | undefined = pgRuns.at(-1);
    if (lastPg) results.reportPostgres = await reportSeries('postgres', lastPg);

    // ---- 4: concurrent claims and records
    const latencySeries = async (engine: 'sqlite' | 'postgres') => {
      const runs: LatencyRun[] = [];
      for (let r = 0; r < repeats; r++) {
        const dataDir = await freshDir(`${engine}-latency`);
        const databaseUrl = engine === 'postgres' ? await freshDb() : undefined;
        const run = await inChild<LatencyRun>({
          kind: 'concurrency',
          dataDir,
          ...(databaseUrl ? { databaseUrl } : {}),
          callers,
          ops,
          tag: String(r),
        });
        log(
          `latency ${engine} #${r + 1}: claim+settle p95 ${run.claimSettle.p95} ms, record p95 ${run.record.p95} ms`,
        );
        runs.push(run);
      }
      const one = (op: 'claimSettle' | 'record') => ({
        p50: figure(
          runs.map((r) => r.oneCaller[op].p50 as number),
          3,
        ),
        p95: figure(
          runs.map((r) => r.oneCaller[op].p95 as number),
          3,
        ),
        p99: figure(
          runs.map((r) => r.oneCaller[op].p99 as number),
          3,
        ),
      });
      const per = (op: 'claimSettle' | 'claim' | 'settle' | 'record') => ({
        p50: figure(
          runs.map((r) => r[op].p50 as number),
          3,
        ),
        p95: figure(
          runs.map((r) => r[op].p95 as number),
          3,
        ),
        p99: figure(
          runs.map((r) => r[op].p99 as number),
          3,
        ),
        ...(runs[0]?.[op].opsPerSecond === undefined
          ? {}
          : {
              opsPerSecond: figure(
                runs.map((r) => r[op].opsPerSecond as number),
                1,
              ),
            }),
      });
      return {
        callers,
        opsPerKind: ops,
        claimedTrue: runs.map((r) => r.claimedTrue),
        claimSettle: per('claimSettle'),
        claim: per('claim'),
        settle: per('settle'),
        record: per('record'),
        oneCaller: { ops: Math.min(200, ops), claimSettle: one('claimSettle'), record: one('record') },
      };
    };
    // Is the prepare growth live memory or garbage not yet collected? The same prepare of
    // N rows with the V8 heap capped: if it completes, the live heap stays under the cap.
    const heapCapMiB = 96;
    const capped: Record<string, unknown> = { heapCapMiB };
    for (const engine of withPg ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
      const databaseUrl = engine === 'postgres' ? await freshDb() : undefined;
      try {
        const run = await inChild<PrepareRun>(
          {
            kind: 'prepare',
            campaignDir: campaignN,
            dataDir: await freshDir(`${engine}-capped`),
            ...(databaseUrl ? { databaseUrl } : {}),
            campaignId: 'bench',
          },
          [`--max-old-space-size=${heapCapMiB}`],
        );
        capped[engine] = { completed: true, seconds: round(run.wallMs / 1000), peakRssMiB: run.maxRssMiB };
      } catch (error) {
        capped[engine] = { completed: false, error: String(error).slice(0, 300) };
      }
    }
    results.prepareHeapCapped = capped;
    log('prepare with a capped heap', capped);

    results.latencySqlite = await latencySeries('sqlite');
    if (withPg) results.latencyPostgres = await latencySeries('postgres');
  } finally {
    load.push(loadavg());
    await cleanUp();
  }

  const date = startedAt.toISOString().slice(0, 10);
  const summary = {
    command: 'npx tsx bench/storeBench.ts',
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_STORE_'))),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      disk: 'ext4 on /dev/vda (the temp folder and the repo share it)',
    },
    loadavg: {
      before: load[0],
      after: load.at(-1),
      maxOneMinute: Math.max(...load.map((l) => l.one ?? 0)),
      samples: load.map((l) => l.one),
    },
    sizes: { rows: N, quarterRows: quarter, csvMiB, ops, callers, repeats, postgres: withPg },
    results,
  };
  await mkdir(join(REPO_ROOT, 'bench/results'), { recursive: true });
  const relative = `bench/results/store-${date}.json`;
  await writeFile(join(REPO_ROOT, relative), `${JSON.stringify(summary, null, 2)}\n`);
  log(`results written to ${relative}`);
  if (process.env.BENCH_WRITE_DOC !== '0') {
    const docPath = join(REPO_ROOT, 'docs/BENCHMARKS.md');
    const doc = await readFile(docPath, 'utf8');
    await writeFile(docPath, upsertStoreSection(doc, storeBenchSection(summary, relative)));
    log('docs/BENCHMARKS.md: "Campaign store (issue 12)" section written');
  }
}

if (process.argv[2] === '--child') {
  const task = JSON.parse(process.argv[3] ?? '{}') as ChildTask;
  const result = await runChild(task);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
