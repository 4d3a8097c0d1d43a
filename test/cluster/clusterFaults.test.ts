/**
 * The production shape, proven: scripts/cluster.sh brings up PostgreSQL, the Temporal
 * server's four services, workers and receivers behind nginx; a 2,000-row campaign runs
 * while a worker and the history service are SIGKILLed, PostgreSQL restarts and a
 * receiver stays down longer than CallMyCall's webhook retry window. Afterwards the fault
 * suite's invariants hold, read from the simulator, the report and the database.
 * Only with CMC_CLUSTER=1 (`npm run test:cluster`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer } from '../../src/devstack/temporalDevServer.js';
import { MAX_CALLS_PER_MINUTE } from '../../src/engine/campaignLimits.js';
import { campaignWorkflowId } from '../../src/engine/ids.js';
import { emptyKeyring } from '../../src/payloadCodec/codecKeys.js';
import { configuredKeyring } from '../../src/payloadCodec/keyringFromEnv.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import type { SimScenario } from '../../src/simulator/adminTypes.js';
import { SIMULATOR_DEFAULTS } from '../../src/simulator/options.js';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../../src/simulator/webhookDelivery.js';
import { dataConverterFor } from '../../src/temporal/dataConverter.js';
import { progressQuery } from '../../src/workflows/campaignMessages.js';
import {
  alwaysOpen,
  checkInvariants,
  contacts,
  freePort,
  imageMemoryEnv,
  REPO_ROOT,
  sleep,
  startFaultStack,
  writeCampaign,
} from '../faults/faultStack.js';
import { type Cluster, startCluster } from './clusterControl.js';

const ROWS = Number(process.env.CLUSTER_ROWS ?? 2000);
const THROUGHPUT_ROWS = Number(process.env.CLUSTER_THROUGHPUT_ROWS ?? 1000);
const CONCURRENCY = 50;
const SIM_SPEED = 30;
/** 4 s simulated queue and ring + 26 s connected = 1 s real at speed 30. */
const CALL_MS = 26_000;
/** The API reference's delivery contract as the simulator keeps it: every attempt timing out, plus the waits between. */
const WEBHOOK_RETRY_WINDOW_MS =
  MAX_ATTEMPTS * SIMULATOR_DEFAULTS.webhookTimeoutMs + RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
/** No row finishing for this long means the cluster is stuck. */
const STALL_MS = 180_000;
function campaign(name: string): Record<string, unknown> {
  return {
    name,
    call: { task: 'Confirm {{first_name}} on {{appointment_date}}', language: 'en' },
    concurrency: CONCURRENCY,
    callsPerMinute: MAX_CALLS_PER_MINUTE,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 2, retryOn: ['no-answer'], delay: '1s' },
    credits: { budget: 100_000_000, estimatePerCall: 1 },
  };
}

/** Every tenth number does not answer its first call, so re-attempts run through the faults too. */
function scenario(numbers: string[]): SimScenario {
  const completed = { status: 'completed' as const, duration_ms: CALL_MS };
  const byNumber: NonNullable<SimScenario['byNumber']> = {};
  numbers.forEach((number, i) => {
    if (i % 10 === 0) byNumber[number] = [{ status: 'no-answer' }, completed];
  });
  return { default: completed, byNumber };
}

interface FaultRecord {
  fault: string;
  /** Rows finished when it was injected. */
  atRowsFinished: number;
  /** How long the part was down or restarting. */
  downSeconds: number;
  /** From the part being back to the next row finishing. */
  firstRowAfterSeconds: number | null;
  rowsFinishedWhileDown: number;
}

/** The Temporal CLI (scripts/ensure-temporal.sh finds or builds it). */
const temporalCli = () =>
  execFileSync('bash', [join(REPO_ROOT, 'scripts/ensure-temporal.sh')], { encoding: 'utf8' }).trim();

let cluster: Cluster;
let client: Client;
let connection: Connection;
const throughput: Record<string, { rows: number; seconds: number; rowsPerSecond: number }> = {};

beforeAll(async () => {
  cluster = await startCluster({ workers: 3, receivers: 2, simSpeed: SIM_SPEED });
  connection = await Connection.connect({ address: cluster.env.TEMPORAL_ADDRESS as string });
  client = new Client({
    connection,
    // The cluster's keys (none unless its environment sets CMC_CODEC_KEYS), as its workers use.
    dataConverter: dataConverterFor(configuredKeyring(cluster.env) ?? emptyKeyring()),
  });
}, 900_000);

afterAll(async () => {
  await connection?.close();
  if (cluster) {
    await cluster.script('destroy');
    await rm(cluster.dir, { recursive: true, force: true });
  }
}, 120_000);

const admin = () => new SimulatorAdmin(cluster.env.CALLMYCALL_BASE_URL as string);

/** Starts a campaign with `cmc run`, as an operator does, and returns its workflow handle. */
async function runOnCluster(name: string, rows: number, firstNumber: number) {
  const { csv, numbers } = contacts(rows, firstNumber);
  await admin().setScenario(scenario(numbers));
  const parent = await mkdtemp(join(tmpdir(), 'cmc-cluster-campaign-'));
  const dir = await writeCampaign(parent, name, campaign(name), csv);
  const campaignId = `${name}-${Date.now().toString(36)}`;
  const started = performance.now();
  await cluster.cmc('run', dir, '--id', campaignId);
  return { campaignId, started, handle: client.workflow.getHandle(campaignWorkflowId(campaignId)) };
}

function record(label: string, rows: number, started: number) {
  const seconds = (performance.now() - started) / 1000;
  throughput[label] = {
    rows,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round((rows / seconds) * 10) / 10,
  };
}

describe('the production shape: scripts/cluster.sh on PostgreSQL, several workers and receivers', () => {
  it('runs the real Temporal server with PostgreSQL as its store', async () => {
    const describeOut = execFileSync(
      temporalCli(),
      ['operator', 'cluster', 'describe', '--address', cluster.env.TEMPORAL_ADDRESS as string, '-o', 'json'],
      { encoding: 'utf8' },
    );
    const described = JSON.parse(describeOut) as {
      persistenceStore: string;
      visibilityStore: string;
      serverVersion: string;
    };
    expect(described).toMatchObject({
      persistenceStore: 'postgres12',
      visibilityStore: 'postgres12',
      serverVersion: '1.29.1',
    });
    const status = await cluster.script('status');
    for (const part of [
      'frontend',
      'history',
      'matching',
      'internal-worker',
      'ui',
      'nginx',
      'worker-3',
      'receiver-2',
    ])
      expect(status).toMatch(new RegExp(`^${part}\\s+running`, 'm'));
  });

  it(`reaches a throughput on the cluster, beside the dev server's (${THROUGHPUT_ROWS} rows, no faults)`, async () => {
    const onCluster = await runOnCluster('cluster-throughput', THROUGHPUT_ROWS, 46703000000);
    const clusterResult = await onCluster.handle.result();
    record('cluster', THROUGHPUT_ROWS, onCluster.started);
    expect(clusterResult.outcomes.completed).toBe(THROUGHPUT_ROWS);

    // The same campaign on the embedded shape: the dev server, one compiled worker.
    const devDir = await mkdtemp(join(tmpdir(), 'cmc-cluster-dev-'));
    const server = await startTemporalDevServer({
      temporalPath: temporalCli(),
      dbFile: join(devDir, 'temporal.db'),
      port: await freePort(),
      uiPort: await freePort(),
    });
    const stack = await startFaultStack({
      temporalAddress: server.address,
      speed: SIM_SPEED,
      webhookTimeoutMs: 10_000,
    });
    try {
      await stack.spawnWorker({ compiled: true, env: imageMemoryEnv() });
      const { csv, numbers } = contacts(THROUGHPUT_ROWS, 46704000000);
      await stack.admin.setScenario(scenario(numbers));
      const dir = await writeCampaign(stack.workDir, 'dev-throughput', campaign('dev-throughput'), csv);
      const started = performance.now();
      const { handle } = await stack.start({
        campaignId: `dev-throughput-${Date.now().toString(36)}`,
        campaignDir: dir,
      });
      const devResult = await handle.result();
      record('devServer', THROUGHPUT_ROWS, started);
      expect(devResult.outcomes.completed).toBe(THROUGHPUT_ROWS);
    } finally {
      await stack.close();
      await server.stop();
      await rm(devDir, { recursive: true, force: true });
    }
    console.log(
      `[cluster] throughput, ${THROUGHPUT_ROWS} rows at concurrency ${CONCURRENCY}:`,
      JSON.stringify(throughput),
    );
  });

  it(`keeps every promise through a worker, the history service, PostgreSQL and a receiver going down (${ROWS} rows)`, async () => {
    const { campaignId, started, handle } = await runOnCluster('cluster-faults', ROWS, 46705000000);
    let finished = 0;
    let done = false;
    const result = handle.result().finally(() => {
      done = true;
    });
    // Progress as the campaign reports it; a query fails while history is down.
    let lastChangeAt = performance.now();
    const poll = (async () => {
      while (!done) {
        try {
          const now = (await handle.query(progressQuery)).rows.finished;
          if (now !== finished) lastChangeAt = performance.now();
          finished = now;
        } catch {
          // the server is restarting: keep the last figure
        }
        await sleep(250);
      }
    })();
    // A campaign that stops moving fails the test with the cluster's state, not a timeout.
    const stalled = (async () => {
      while (!done) {
        if (performance.now() - lastChangeAt > STALL_MS)
          throw new Error(
            `no row finished for ${STALL_MS / 1000} s at ${finished}/${ROWS}:\n${await cluster.script('status')}`,
          );
        await sleep(1_000);
      }
    })();
    const faults: FaultRecord[] = [];
    const inject = async (
      fault: string,
      share: number,
      down: () => Promise<void>,
      up: () => Promise<void>,
      downMs: number,
    ) => {
      while (!done && finished < share * ROWS) await Promise.race([sleep(200), stalled]);
      if (done) throw new Error(`the campaign ended before "${fault}" could be injected`);
      const atRowsFinished = finished;
      const downAt = performance.now();
      await down();
      await sleep(downMs);
      await up();
      const backAt = performance.now();
      const rowsAtBack = finished;
      while (!done && finished === rowsAtBack && performance.now() - backAt < 120_000) await sleep(100);
      faults.push({
        fault,
        atRowsFinished,
        downSeconds: Math.round((backAt - downAt) / 100) / 10,
        firstRowAfterSeconds:
          finished > rowsAtBack ? Math.round((performance.now() - backAt) / 100) / 10 : null,
        rowsFinishedWhileDown: rowsAtBack - atRowsFinished,
      });
    };

    // In turn, each once the campaign has finished its share of rows: the cluster.sh
    // command that takes the part down, how long it stays down, the one that brings it back.
    const plan: { fault: string; share: number; down: string[]; downMs: number; up?: string[] }[] = [
      {
        fault: 'worker-1 SIGKILLed, restarted 3 s later',
        share: 0.1,
        down: ['kill', 'worker-1'],
        downMs: 3_000,
        up: ['start', 'worker-1'],
      },
      {
        fault: 'history service SIGKILLed, restarted 5 s later',
        share: 0.25,
        down: ['kill', 'history'],
        downMs: 5_000,
        up: ['start', 'history'],
      },
      {
        fault: 'PostgreSQL restarted (pg_ctl restart -m fast)',
        share: 0.4,
        down: ['restart', 'postgres'],
        downMs: 0,
      },
      {
        fault: `receiver-1 stopped for ${(WEBHOOK_RETRY_WINDOW_MS + 3_000) / 1000} s, longer than the webhook retry window`,
        share: 0.55,
        down: ['stop', 'receiver-1'],
        downMs: WEBHOOK_RETRY_WINDOW_MS + 3_000,
        up: ['start', 'receiver-1'],
      },
    ];
    for (const step of plan)
      await inject(
        step.fault,
        step.share,
        () => cluster.script(...step.down).then(),
        async () => {
          if (step.up) await cluster.script(...step.up);
        },
        step.downMs,
      );

    const outcome = await Promise.race([result, stalled.then(() => result)]);
    await poll;
    // Nothing crashed: every part is up, the ones the faults stopped restarted.
    const status = await cluster.script('status');
    expect(status).not.toMatch(/\bstopped\b/);
    record('clusterWithFaults', ROWS, started);

    // What the operator sees: the report, the simulator's record of calls, the campaign's result.
    const evidence = { admin: admin(), reportsDir: cluster.env.CMC_REPORTS_DIR as string };
    const invariants = await checkInvariants(evidence, campaignId, {
      csvRows: ROWS,
      concurrency: CONCURRENCY,
    });
    expect(invariants.violations).toEqual([]);
    expect(outcome.outcomes.completed).toBe(ROWS);
    expect(invariants.counts.calls).toBe(ROWS + ROWS / 10);

    // Every webhook of the campaign's calls reached a receiver through nginx, receiver-1 down or not.
    const sids = new Set(
      (await admin().calls())
        .filter((c) => String(c.metadata.client_request_id).startsWith(`${campaignId}:`))
        .map((c) => c.sid),
    );
    const delivered = new Map<string, boolean>();
    for (const attempt of await admin().deliveries()) {
      if (!sids.has(attempt.sid)) continue;
      const key = `${attempt.sid} ${attempt.event}`;
      delivered.set(key, (delivered.get(key) ?? false) || (attempt.status !== null && attempt.status < 300));
    }
    const undelivered = [...delivered].filter(([, ok]) => !ok).map(([key]) => key);
    expect(undelivered).toEqual([]);

    // The database agrees: one result per valid row, and each placed attempt is one simulator call.
    const db = new pg.Client({ connectionString: cluster.env.CMC_DATABASE_URL });
    await db.connect();
    try {
      const results = await db.query<{ n: string; completed: string }>(
        "SELECT count(*) AS n, count(*) FILTER (WHERE outcome = 'completed') AS completed FROM row_results WHERE campaign_id = $1",
        [campaignId],
      );
      expect(results.rows[0]).toEqual({ n: String(ROWS), completed: String(ROWS) });
      const placed = await db.query<{ sid: string }>(
        'SELECT sid FROM attempts WHERE campaign_id = $1 AND sid IS NOT NULL',
        [campaignId],
      );
      expect(new Set(placed.rows.map((r) => r.sid))).toEqual(sids);
      expect(placed.rows.length).toBe(sids.size);
    } finally {
      await db.end();
    }

    const summary = { rows: ROWS, concurrency: CONCURRENCY, faults, throughput, counts: invariants.counts };
    console.log('[cluster] faults:', JSON.stringify(summary, null, 2));
    if (process.env.CLUSTER_WRITE_RESULTS === '1')
      await writeFile(
        join(REPO_ROOT, 'bench/results/cluster-faults.json'),
        `${JSON.stringify({ at: new Date().toISOString(), ...summary }, null, 2)}\n`,
      );
    expect(faults).toHaveLength(4);
  });
});
