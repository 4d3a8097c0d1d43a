/**
 * The product as separate processes for fault tests and benchmarks: the simulator
 * (over HTTP), the webhook receiver (in this process, restartable on the same port),
 * and campaign workers as CHILD processes that can be SIGKILLed. No vitest imports,
 * so bench/ reuses it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { createLogger } from '../../src/logging/logger.js';
import type { ReportRecord } from '../../src/reports/reportRecord.js';
import { type SimCall, SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { failureConverterPath } from '../../src/temporal/dataConverter.js';
import { startCampaign } from '../../src/temporal/startCampaign.js';
import { workflowsPath } from '../../src/temporal/workflowsPath.js';
import { type RunningWebhookReceiver, startWebhookReceiver } from '../../src/webhooks/receiver.js';
import type { CampaignWorkflowInput } from '../../src/workflows/campaignWorkflow.js';
import { TEST_CODEC_KEYS, testDataConverter } from '../support/testCodec.js';

export const SIM_API_KEY = 'sim_fault_key';
export const WEBHOOK_SECRET = 'whsec_fault_secret';
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./workerProcess.ts', import.meta.url));

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The worker's memory settings as the image sets them (the Dockerfile's ENV line with
 * MALLOC_ARENA_MAX), so a benchmark or test runs the worker as deployed.
 */
export function imageMemoryEnv(): Record<string, string> {
  const line = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ENV MALLOC_ARENA_MAX='));
  if (!line) throw new Error('Dockerfile: no ENV MALLOC_ARENA_MAX=... line for the worker memory settings');
  return Object.fromEntries(
    [...line.matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)].map((m) => [m[1], m[2] ?? m[3] ?? '']),
  );
}

let bundlePromise: Promise<string> | undefined;
/** One workflow bundle per process, written to a file the worker children load. */
export function workflowBundleFile(): Promise<string> {
  bundlePromise ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmc-bundle-'));
    const { code } = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      failureConverterPath: failureConverterPath(),
      logger: new DefaultLogger('WARN'),
    });
    const file = join(dir, 'workflows.js');
    await writeFile(file, code);
    return file;
  })();
  return bundlePromise;
}

export interface WorkerChild {
  pid: number;
  process: ChildProcess;
  /** SIGKILL: no graceful shutdown, in-flight activities are lost. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface FaultStack {
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  client: Client;
  receiver: RunningWebhookReceiver | undefined;
  receiverPort: number;
  temporalAddress: string;
  taskQueue: string;
  workDir: string;
  dataDir: string;
  reportsDir: string;
  workers: WorkerChild[];
  /**
   * A worker process: by default test/faults/workerProcess.ts under tsx; `compiled` runs
   * `cmc worker` from dist/ (npm run build), with the bundle built there, as deployed.
   */
  spawnWorker(options?: { compiled?: boolean; env?: Record<string, string> }): Promise<WorkerChild>;
  stopReceiver(): Promise<void>;
  startReceiver(): Promise<void>;
  start(input: Omit<CampaignWorkflowInput, 'carry'>): ReturnType<typeof startCampaign>;
  close(): Promise<void>;
}

export interface FaultStackOptions {
  temporalAddress: string;
  namespace?: string;
  speed?: number;
  credits?: number;
  rateLimit?: { capacity: number; refillPerSecond: number };
  /** Per-attempt webhook timeout of the simulator (default 10 s). */
  webhookTimeoutMs?: number;
  logLevel?: string;
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const namespace = options.namespace ?? 'default';
  const workDir = await mkdtemp(join(tmpdir(), 'cmc-faults-'));
  const dataDir = join(workDir, 'data');
  const reportsDir = join(workDir, 'reports');
  await mkdir(dataDir, { recursive: true });
  const logLevel = options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent';
  const logger = createLogger('faults', { level: logLevel as 'silent' });
  const sim = await startSimulator({
    port: 0,
    speed: options.speed ?? 30,
    apiKey: SIM_API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    credits: options.credits ?? 1_000_000,
    rateLimit: options.rateLimit,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    logger,
  });
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace, dataConverter: testDataConverter() });
  const receiverPort = await freePort();
  const taskQueue = `faults-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const bundle = await workflowBundleFile();
  const workers: WorkerChild[] = [];

  const stack: FaultStack = {
    sim,
    admin: new SimulatorAdmin(sim.url),
    client,
    receiver: undefined,
    receiverPort,
    temporalAddress: options.temporalAddress,
    taskQueue,
    workDir,
    dataDir,
    reportsDir,
    workers,
    async startReceiver() {
      if (stack.receiver) return;
      stack.receiver = await startWebhookReceiver({
        temporal: client,
        secrets: [WEBHOOK_SECRET],
        logger,
        port: receiverPort,
      });
    },
    async stopReceiver() {
      const receiver = stack.receiver;
      stack.receiver = undefined;
      await receiver?.close();
    },
    async spawnWorker({ compiled = false, env = {} } = {}) {
      const args = compiled ? [join(REPO_ROOT, 'dist/cli.js'), 'worker'] : ['--import', 'tsx', WORKER_ENTRY];
      const child = spawn(process.execPath, args, {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: options.temporalAddress,
          TEMPORAL_NAMESPACE: namespace,
          TEMPORAL_TASK_QUEUE: taskQueue,
          CALLMYCALL_BASE_URL: sim.url,
          CALLMYCALL_API_KEY: SIM_API_KEY,
          CALLMYCALL_WEBHOOK_SECRET: WEBHOOK_SECRET,
          WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${receiverPort}`,
          CMC_DATA_DIR: dataDir,
          CMC_REPORTS_DIR: reportsDir,
          CMC_ROW_KEY_SECRET: 'fault-row-key-secret',
          CMC_CODEC_KEYS: TEST_CODEC_KEYS,
          ...(compiled ? {} : { CMC_WORKFLOW_BUNDLE: bundle }),
          ...env,
          LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? 'error',
        },
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
        if (process.env.WORKER_STDERR) process.stderr.write(chunk);
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker not ready in 120 s: ${stderr}`)), 120_000);
        const ready = () => {
          clearTimeout(timer);
          resolve();
        };
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('worker ready')) ready();
        });
        // `cmc worker` prints nothing at LOG_LEVEL=error: it is ready once it polls.
        if (compiled) void waitForPoller(client, namespace, taskQueue).then(ready, reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`worker exited with ${code} before it was ready: ${stderr}`));
        });
      });
      const handle: WorkerChild = {
        pid: child.pid ?? -1,
        process: child,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      };
      workers.push(handle);
      return handle;
    },
    start(input) {
      return startCampaign(client, { ...input, campaignName: input.campaignId, taskQueue });
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await stack.stopReceiver();
      await sim.close();
      await connection.close();
    },
  };
  await stack.startReceiver();
  return stack;
}

/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW (@temporalio/proto is CommonJS: no named import). */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** Resolves once a worker polls the task queue for workflow tasks. */
async function waitForPoller(client: Client, namespace: string, taskQueue: string): Promise<void> {
  for (;;) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    if ((pollers ?? []).length > 0) return;
    await sleep(200);
  }
}

/** Writes a campaign folder (campaign.json + contacts.csv). */
export async function writeCampaign(
  parentDir: string,
  name: string,
  campaign: Record<string, unknown>,
  contactsCsv: string,
): Promise<string> {
  const dir = join(parentDir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'campaign.json'), JSON.stringify({ contacts: 'contacts.csv', ...campaign }));
  await writeFile(join(dir, 'contacts.csv'), contactsCsv);
  return dir;
}

/** `n` contacts with distinct Swedish mobile numbers. */
export function contacts(n: number, firstNumber = 46701740000): { csv: string; numbers: string[] } {
  const numbers = Array.from({ length: n }, (_, i) => `+${firstNumber + i}`);
  const lines = numbers.map((number, i) => `Person${i + 1},${number},2026-12-0${(i % 9) + 1}`);
  return { csv: `first_name,phone_number,appointment_date\n${lines.join('\n')}\n`, numbers };
}

export const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

export function campaignFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Fault test',
    call: { task: 'Confirm {{first_name}} on {{appointment_date}}', language: 'en' },
    concurrency: 5,
    callsPerMinute: 600,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 2, retryOn: ['no-answer', 'busy'], delay: '1s' },
    credits: { budget: 1_000_000, estimatePerCall: 2 },
    reconcileAfter: '5s',
    creditRecheckEvery: '2s',
    ...overrides,
  };
}

/** Where a campaign's outcome can be read: the simulator's record and the report folder. */
export type CampaignEvidence = Pick<FaultStack, 'admin' | 'reportsDir'>;

export async function readReport(stack: CampaignEvidence, campaignId: string): Promise<ReportRecord[]> {
  const text = await readFile(join(stack.reportsDir, campaignId, 'results.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReportRecord);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true (or throws after timeoutMs). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export interface InvariantReport {
  ok: boolean;
  violations: string[];
  counts: {
    csvRows: number;
    reportRows: number;
    validRows: number;
    calls: number;
    distinctRequestIds: number;
    maxConcurrentCalls: number;
    concurrency: number;
    outcomes: Record<string, number>;
    attempts: number;
  };
}

/**
 * I1..I5 from what a user sees: the simulator's calls and stats, the report files and
 * the workflow result.
 */
/** Answers the API reference documents as refusals: the request created nothing. */
const DOCUMENTED_REFUSALS = new Set([400, 401, 402, 403, 404, 429]);

export async function checkInvariants(
  stack: CampaignEvidence,
  campaignId: string,
  expected: { csvRows: number; concurrency: number },
): Promise<InvariantReport> {
  const violations: string[] = [];
  const allCalls = await stack.admin.calls();
  const calls = allCalls.filter((c) => String(c.metadata.client_request_id).startsWith(`${campaignId}:`));
  const stats = await stack.admin.stats();
  const records = await readReport(stack, campaignId);

  // I1: at most one start-call per client_request_id: no call created twice, and no
  // request sent again after an answer that may have created a call (anything but a
  // documented refusal), as the simulator's log of every request shows.
  const ids = calls.map((c) => String(c.metadata.client_request_id));
  const distinct = new Set(ids);
  if (distinct.size !== ids.length)
    violations.push(`I1: ${ids.length - distinct.size} client_request_id(s) called more than once`);
  const actedOn = new Set<string>();
  const resent = new Set<string>();
  for (const request of await stack.admin.startCallRequests()) {
    const id = request.clientRequestId;
    if (!id?.startsWith(`${campaignId}:`)) continue;
    if (actedOn.has(id)) resent.add(id);
    if (typeof request.answer !== 'number' || !DOCUMENTED_REFUSALS.has(request.answer)) actedOn.add(id);
  }
  if (resent.size > 0)
    violations.push(
      `I1: ${resent.size} client_request_id(s) sent again after an answer that may have created a call`,
    );

  // I2: every valid row ends final or unknown; none in flight.
  const valid = records.filter((r) => r.row.status === 'valid');
  const pending = valid.filter((r) => r.outcome === 'pending' || r.result === null);
  if (pending.length > 0) violations.push(`I2: ${pending.length} valid row(s) without a final outcome`);
  const inFlight = calls.filter(
    (c) => !['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(c.status),
  );
  if (inFlight.length > 0) violations.push(`I2: ${inFlight.length} call(s) still in flight on the simulator`);

  // I3: webhooks applied once: attempts per row never exceed calls placed for it, and
  // each attempt's recorded status is the simulator's final status for that sid.
  const callsByRow = new Map<string, SimCall[]>();
  for (const call of calls) {
    const rowKey = String(call.metadata.client_request_id).split(':')[1] ?? '';
    callsByRow.set(rowKey, [...(callsByRow.get(rowKey) ?? []), call]);
  }
  const bySid = new Map(calls.map((c) => [c.sid, c]));
  let attempts = 0;
  for (const record of valid) {
    const result = record.result;
    if (!result) continue;
    const placed = result.attempts.filter((a) => a.sid);
    attempts += result.attempts.length;
    const rowCalls = callsByRow.get(record.rowKey) ?? [];
    if (placed.length > rowCalls.length)
      violations.push(
        `I3: line ${record.line} has ${placed.length} placed attempts but ${rowCalls.length} calls`,
      );
    for (const attempt of placed) {
      const call = bySid.get(attempt.sid as string);
      if (!call) violations.push(`I3: line ${record.line} attempt ${attempt.attempt} has an unknown sid`);
      else if (call.metadata.client_request_id !== attempt.clientRequestId)
        violations.push(
          `I3: line ${record.line} attempt ${attempt.attempt} took over call ${call.sid} of ${String(call.metadata.client_request_id)}`,
        );
      else if (attempt.status !== call.status && !(attempt.status === 'unknown'))
        violations.push(
          `I3: line ${record.line} attempt ${attempt.attempt} recorded ${attempt.status}, simulator says ${call.status}`,
        );
    }
  }

  // I4: report rows equal CSV rows.
  if (records.length !== expected.csvRows)
    violations.push(`I4: report has ${records.length} rows, CSV has ${expected.csvRows}`);
  const lines = new Set(records.map((r) => r.line));
  if (lines.size !== records.length) violations.push('I4: duplicate line numbers in the report');

  // I5: concurrency as measured by the simulator.
  if (stats.maxConcurrentCalls > expected.concurrency)
    violations.push(
      `I5: ${stats.maxConcurrentCalls} calls in flight at once, concurrency ${expected.concurrency}`,
    );

  const outcomes: Record<string, number> = {};
  for (const record of records) outcomes[record.outcome] = (outcomes[record.outcome] ?? 0) + 1;
  return {
    ok: violations.length === 0,
    violations,
    counts: {
      csvRows: expected.csvRows,
      reportRows: records.length,
      validRows: valid.length,
      calls: calls.length,
      distinctRequestIds: distinct.size,
      maxConcurrentCalls: stats.maxConcurrentCalls,
      concurrency: expected.concurrency,
      outcomes,
      attempts,
    },
  };
}
