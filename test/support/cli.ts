import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { expect } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { openCampaignStore } from '../../src/storage/campaignStore.js';
import { workflowsPath } from '../../src/temporal/workflowsPath.js';
import { type RunningWebhookReceiver, startWebhookReceiver } from '../../src/webhooks/receiver.js';
import { activityDepsFromEnv, createActivities } from '../../src/worker.js';
import { type TemporalTestContext, uniqueTaskQueue } from './temporal.js';
import { TEST_CODEC_KEYS, testDataConverter } from './testCodec.js';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist', 'cli.js');

let built: Promise<void> | undefined;

/** `npm run build` once per test process: the CLI tests run the BUILT `cmc`. */
export function buildCli(): Promise<void> {
  built ??= run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).then(
    () => {
      if (!existsSync(CLI)) throw new Error(`npm run build did not produce ${CLI}`);
    },
    (error: { stdout?: string; stderr?: string }) => {
      // tsc still emits on type errors. Other work in progress in the tree can break the type
      // check for a moment; the CLI under test is still the freshly built one, so say so and go on.
      if (!existsSync(CLI))
        throw new Error(`npm run build failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      console.warn(
        `[cli tests] npm run build reported type errors (dist/ was still emitted):\n${error.stdout ?? ''}`,
      );
    },
  );
  return built;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` to the end with `env` on top of a clean environment. */
export function cmc(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawnCmc(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cmc ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveResult({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Starts `node dist/cli.js ...args` and leaves it running (for dev, run --wait + Ctrl-C, watch). */
export function spawnCmc(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output and resolves when `pattern` appears in it. */
export function outputOf(child: ChildProcess) {
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    get text() {
      return text;
    },
    exited,
    async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (child.exitCode !== null)
          throw new Error(`exited (${child.exitCode}) before ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${text}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 250);
        });
      }
    },
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return await new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/**
 * What a CLI test talks to: the simulator and the webhook receiver on loopback, an
 * in-process Worker built from the same environment the `cmc` subprocesses get.
 */
export interface CliStack {
  env: NodeJS.ProcessEnv;
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  receiver: RunningWebhookReceiver;
  workDir: string;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startCliStack(
  ctx: TemporalTestContext,
  options: { speed?: number } = {},
): Promise<CliStack> {
  const workDir = await mkdtemp(join(tmpdir(), 'cmc-cli-'));
  const logger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const apiKey = 'sim_cli_key';
  const webhookSecret = 'whsec_cli_secret';
  const sim = await startSimulator({
    port: 0,
    speed: options.speed ?? 60,
    apiKey,
    webhookSecret,
    credits: 100_000,
    logger,
  });
  const receiver = await startWebhookReceiver({
    temporal: ctx.client,
    secrets: [webhookSecret],
    logger,
    port: 0,
  });
  const taskQueue = uniqueTaskQueue('cli');
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: ctx.address,
    TEMPORAL_NAMESPACE: ctx.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    CALLMYCALL_BASE_URL: sim.url,
    CALLMYCALL_API_KEY: apiKey,
    CALLMYCALL_WEBHOOK_SECRET: webhookSecret,
    WEBHOOK_PUBLIC_URL: receiver.url,
    CMC_DATA_DIR: join(workDir, 'data'),
    CMC_REPORTS_DIR: join(workDir, 'reports'),
    CMC_ROW_KEY_SECRET: 'cli-test-row-key-secret',
    // The CLI child encrypts with the same keys as the in-process worker below.
    CMC_CODEC_KEYS: TEST_CODEC_KEYS,
  };
  const store = await openCampaignStore(loadEnv(env));
  const worker = await Worker.create({
    connection: ctx.nativeConnection,
    namespace: ctx.namespace,
    taskQueue,
    workflowsPath: workflowsPath(),
    activities: createActivities(activityDepsFromEnv(loadEnv(env), logger, store)),
    dataConverter: testDataConverter(),
  });
  // The worker runs for the whole test file; close() stops it.
  const running = worker.run();
  return {
    env,
    sim,
    admin: new SimulatorAdmin(sim.url),
    receiver,
    workDir,
    taskQueue,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await store.close();
      await receiver.close();
      await sim.close();
    },
  };
}

/** What a human sees on a refusal: the message parts on stderr, and no stack trace. */
export function expectCleanRefusal(result: { stderr: string }, ...parts: string[]): void {
  for (const part of parts) expect(result.stderr).toContain(part);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
