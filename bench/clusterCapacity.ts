/**
 * What each part of the production shape spends per row: brings up scripts/cluster.sh
 * (PostgreSQL, the four Temporal services, W workers, 2 receivers behind nginx, the
 * simulator), runs a campaign of zero-length calls at concurrency 100 several times, and
 * reads every process tree's CPU time from /proc before and after each run. CPU ms per
 * row, per part, is what scales: rows/s a worker or a history host can carry is
 * 1000 / (its CPU ms per row) per core. Writes bench/results/cluster-capacity.json,
 * which docs/DEPLOY.md's "Scale on paper" uses.
 *
 *   npx tsx bench/clusterCapacity.ts [rows=3000] [runs=3] [workers=3]
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { MAX_CALLS_PER_MINUTE } from '../src/engine/campaignLimits.js';
import { campaignWorkflowId } from '../src/engine/ids.js';
import { emptyKeyring } from '../src/payloadCodec/codecKeys.js';
import { configuredKeyring } from '../src/payloadCodec/keyringFromEnv.js';
import { SimulatorAdmin } from '../src/simulator/adminClient.js';
import { dataConverterFor } from '../src/temporal/dataConverter.js';
import { startCluster } from '../test/cluster/clusterControl.js';
import { alwaysOpen, contacts, REPO_ROOT, writeCampaign } from '../test/faults/faultStack.js';

const rows = Number(process.argv[2] ?? 3000);
const runs = Number(process.argv[3] ?? 3);
const workers = Number(process.argv[4] ?? 3);
const CONCURRENCY = 100;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds of a process and all its descendants, from /proc. */
async function treeCpuSeconds(rootPid: number): Promise<number> {
  const children = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which may hold spaces: state ppid ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    own.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += own.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Each part's root pid: the script's pid files, and the postmaster for PostgreSQL. */
async function parts(clusterDir: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const file of await readdir(join(clusterDir, 'pids'))) {
    found[file.replace(/\.pid$/, '')] = Number(
      (await readFile(join(clusterDir, 'pids', file), 'utf8')).trim(),
    );
  }
  found.postgres = Number(
    (await readFile(join(clusterDir, 'postgres/postmaster.pid'), 'utf8')).split('\n')[0],
  );
  return found;
}

/** Workers and receivers summed: they scale out as a kind. */
const kind = (name: string) => name.replace(/-\d+$/, '');

async function cpuByKind(pids: Record<string, number>): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    totals[kind(name)] = (totals[kind(name)] ?? 0) + (await treeCpuSeconds(pid));
  }
  return totals;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

const cluster = await startCluster({ workers, receivers: 2, simSpeed: 1000 });
const connection = await Connection.connect({ address: cluster.env.TEMPORAL_ADDRESS as string });
const client = new Client({
  connection,
  // The cluster's keys (none unless its environment sets CMC_CODEC_KEYS), as its workers use.
  dataConverter: dataConverterFor(configuredKeyring(cluster.env) ?? emptyKeyring()),
});
const admin = new SimulatorAdmin(cluster.env.CALLMYCALL_BASE_URL as string);
const measured: {
  rowsPerSecond: number;
  cpuMsPerRow: Record<string, number>;
  cores: Record<string, number>;
}[] = [];
try {
  const pids = await parts(cluster.dir);
  await admin.setScenario({ default: { status: 'completed', duration_ms: 0 } });
  for (let run = 1; run <= runs; run++) {
    const { csv } = contacts(rows, 46706000000 + run * 100_000);
    const dir = await writeCampaign(
      cluster.dir,
      `capacity-${run}`,
      {
        name: `capacity ${run}`,
        call: { task: 'Confirm {{first_name}} on {{appointment_date}}', language: 'en' },
        concurrency: CONCURRENCY,
        callsPerMinute: MAX_CALLS_PER_MINUTE,
        callingWindow: alwaysOpen,
        retry: { maxAttempts: 1, retryOn: [] },
        credits: { budget: 100_000_000, estimatePerCall: 1 },
      },
      csv,
    );
    const campaignId = `capacity-${run}-${Date.now().toString(36)}`;
    const before = await cpuByKind(pids);
    const started = performance.now();
    await cluster.cmc('run', dir, '--id', campaignId);
    await client.workflow.getHandle(campaignWorkflowId(campaignId)).result();
    const seconds = (performance.now() - started) / 1000;
    const after = await cpuByKind(pids);
    const cpuMsPerRow: Record<string, number> = {};
    const cores: Record<string, number> = {};
    for (const name of Object.keys(after)) {
      const spent = (after[name] ?? 0) - (before[name] ?? 0);
      cpuMsPerRow[name] = round((spent * 1000) / rows, 2);
      cores[name] = round(spent / seconds, 2);
    }
    measured.push({ rowsPerSecond: round(rows / seconds), cpuMsPerRow, cores });
    console.log(`[capacity] run ${run}: ${round(rows / seconds)} rows/s`, JSON.stringify(cpuMsPerRow));
  }
} finally {
  await connection.close();
  await cluster.script('destroy');
}

const names = Object.keys(measured[0]?.cpuMsPerRow ?? {});
const summary = {
  at: new Date().toISOString(),
  command: `npx tsx bench/clusterCapacity.ts ${rows} ${runs} ${workers}`,
  machine: '2 cores, 24 GiB; every part on this one machine',
  rows,
  runs,
  workers,
  receivers: 2,
  historyShards: 4,
  concurrency: CONCURRENCY,
  calls: 'zero-length (simulator speed 1000, duration 0): the engine alone',
  rowsPerSecond: {
    median: median(measured.map((m) => m.rowsPerSecond)),
    min: Math.min(...measured.map((m) => m.rowsPerSecond)),
    max: Math.max(...measured.map((m) => m.rowsPerSecond)),
  },
  cpuMsPerRow: Object.fromEntries(
    names.map((name) => {
      const values = measured.map((m) => m.cpuMsPerRow[name] ?? 0);
      return [name, { median: median(values), min: Math.min(...values), max: Math.max(...values) }];
    }),
  ),
  coresBusy: Object.fromEntries(names.map((name) => [name, median(measured.map((m) => m.cores[name] ?? 0))])),
  runsInOrder: measured,
};
await writeFile(
  join(REPO_ROOT, 'bench/results/cluster-capacity.json'),
  `${JSON.stringify(summary, null, 2)}\n`,
);
console.log(JSON.stringify(summary, null, 2));
