import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from '../temporal/searchAttributes.js';

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary (scripts/ensure-temporal.sh finds or builds it). */
  temporalPath: string;
  /** SQLite file that keeps workflows across restarts. */
  dbFile: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  readyTimeoutMs?: number;
  /** The CLI's own settings instead of ours (bench/slotCycle.ts compares the two). */
  stock?: boolean;
  /** A codec server the Web UI decodes payloads with (`cmc codec-server`); none by default. */
  uiCodecEndpoint?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The embedded server runs every row of a campaign as a workflow of its own on one
 * machine; each setting was measured with bench/slotCycle.ts (docs/BENCHMARKS.md).
 * - eager activity execution: the activity a workflow task schedules (a row's
 *   placeCall) comes back in that task's answer instead of through the task queue;
 * - one task queue partition: a single server has nothing to spread over, and four
 *   partitions forward tasks and polls between each other;
 * - the transfer queue read up to 500 times a second, not 20: the dev server has one
 *   history shard, and every hop between workflows (a child started, a parent told its
 *   child ended, a workflow task dispatched) waited for the next of 20 reads a second,
 *   up to 50 ms a hop, four hops per row.
 */
export const DEV_SERVER_DYNAMIC_CONFIG_ARGS: readonly string[] = [
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
  '--dynamic-config-value',
  'history.transferProcessorMaxPollRPS=500',
];

/**
 * The database file in WAL mode with synchronous=NORMAL instead of a rollback journal
 * and an fsync per commit: a commit still survives the server being killed; only a
 * power cut can lose the last few, and the attempt ledger makes those safe to redo
 * (a claimed attempt is never sent twice).
 */
const SQLITE_FILE_PRAGMA_ARGS = [
  '--sqlite-pragma',
  'journal_mode=wal',
  '--sqlite-pragma',
  'synchronous=normal',
];

/**
 * Runs `temporal server start-dev` as a child process with a persistent database and
 * the project's search attributes, and resolves once its frontend answers.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  mkdirSync(dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    options.dbFile,
    '--namespace',
    options.namespace ?? 'default',
    '--log-level',
    'error',
    ...devServerSearchAttributeArgs(),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...(options.stock ? [] : [...SQLITE_FILE_PRAGMA_ARGS, ...DEV_SERVER_DYNAMIC_CONFIG_ARGS]),
  ];
  const child = spawn(options.temporalPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `${ip}:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`temporal server start-dev exited with code ${child.exitCode}: ${stderr.trim()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.healthService.check({});
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(
          `Temporal dev server did not become ready on ${address}: ${String(error)}\n${stderr.trim()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return {
    address,
    uiUrl: `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
