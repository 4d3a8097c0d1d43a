import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities/activityDeps.js';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import { createLogger } from '../../src/logging/logger.js';
import { resultWebhookSecret } from '../../src/resultWebhooks/resultWebhookSetting.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { type CampaignStore, openCampaignStore } from '../../src/storage/campaignStore.js';
import { failureConverterPath } from '../../src/temporal/dataConverter.js';
import { startCampaign } from '../../src/temporal/startCampaign.js';
import { workflowsPath } from '../../src/temporal/workflowsPath.js';
import { type RunningWebhookReceiver, startWebhookReceiver } from '../../src/webhooks/receiver.js';
import { createActivities } from '../../src/worker.js';
import type { CampaignWorkflowInput } from '../../src/workflows/campaignWorkflow.js';
import { uniqueTaskQueue } from './taskQueue.js';
import type { TemporalTestContext } from './temporal.js';
import { testDataConverter } from './testCodec.js';

const quietBundlerLogger = new DefaultLogger('WARN');

export const SIM_API_KEY = 'sim_test_key';
export const WEBHOOK_SECRET = 'whsec_test_secret';

/**
 * The whole product on loopback for one test: the simulator (over HTTP), the webhook
 * receiver, and a real Worker on the suite's real Temporal dev server.
 */
export interface CampaignStack {
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  receiver: RunningWebhookReceiver;
  store: CampaignStore;
  deps: ActivityDeps;
  /** The Temporal client the test and the webhook receiver use. */
  client: Client;
  taskQueue: string;
  dataDir: string;
  reportsDir: string;
  workDir: string;
  run<T>(body: () => Promise<T>): Promise<T>;
  start(
    input: Omit<CampaignWorkflowInput, 'carry'> & { campaignName?: string },
  ): ReturnType<typeof startCampaign>;
  close(): Promise<void>;
}

export async function startCampaignStack(
  ctx: TemporalTestContext,
  options: {
    speed?: number;
    credits?: number;
    rateLimit?: { capacity: number; refillPerSecond: number };
    /** Default: SQLite in the test's data folder. */
    databaseUrl?: string;
    /** The environment result webhook secrets are read from (default: this process's). */
    secretsEnv?: Readonly<Record<string, string | undefined>>;
    /** The deployment's default frequency cap (CMC_FREQUENCY_CAP). */
    defaultFrequencyCap?: ActivityDeps['defaultFrequencyCap'];
    /** Default: encrypted with the suite's keys (testDataConverter). */
    dataConverter?: DataConverter;
  } = {},
): Promise<CampaignStack> {
  const workDir = await mkdtemp(join(tmpdir(), 'cmc-it-'));
  const dataDir = join(workDir, 'data');
  const reportsDir = join(workDir, 'reports');
  const logger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sim = await startSimulator({
    port: 0,
    speed: options.speed ?? 60,
    apiKey: SIM_API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    credits: options.credits ?? 100_000,
    rateLimit: options.rateLimit,
    logger,
  });
  const receiver = await startWebhookReceiver({
    temporal: ctx.client,
    secrets: [WEBHOOK_SECRET],
    logger,
    port: 0,
  });
  const store = await openCampaignStore({ CMC_DATA_DIR: dataDir, CMC_DATABASE_URL: options.databaseUrl });
  const deps: ActivityDeps = {
    callmycall: new CallMyCallClient({ baseUrl: sim.url, apiKey: SIM_API_KEY, timeoutMs: 5_000 }),
    prepared: store.prepared,
    ledger: store.ledger,
    results: store.results,
    resultEvents: store.resultEvents,
    suppressions: store.suppressions,
    dialChecks: store.dialChecks,
    purge: store.purge,
    ...(options.defaultFrequencyCap ? { defaultFrequencyCap: options.defaultFrequencyCap } : {}),
    resultWebhookSecret: (name) => resultWebhookSecret(options.secretsEnv ?? process.env, name),
    logger,
    webhookPublicUrl: receiver.url,
    reportsDir,
    rowKeySecret: 'test-row-key-secret',
    temporalUiUrl: 'http://localhost:8233',
    namespace: ctx.namespace,
  };
  const taskQueue = uniqueTaskQueue('campaign');
  // Bundled once; each run() gets a fresh Worker (a Worker cannot run twice).
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    failureConverterPath: failureConverterPath(),
    logger: quietBundlerLogger,
  });
  const newWorker = () =>
    Worker.create({
      connection: ctx.nativeConnection,
      namespace: ctx.namespace,
      taskQueue,
      workflowBundle,
      activities: createActivities(deps),
      dataConverter: options.dataConverter ?? testDataConverter(),
    });
  return {
    client: ctx.client,
    sim,
    admin: new SimulatorAdmin(sim.url),
    receiver,
    store,
    deps,
    taskQueue,
    dataDir,
    reportsDir,
    workDir,
    run: async (body) => (await newWorker()).runUntil(body),
    start: ({ campaignName, ...input }) =>
      startCampaign(ctx.client, { ...input, campaignName: campaignName ?? input.campaignId, taskQueue }),
    async close() {
      await receiver.close();
      await sim.close();
      await store.close();
    },
  };
}

/** Writes a campaign folder (campaign.json + contacts.csv) for a test. */
export async function writeCampaign(
  parentDir: string,
  name: string,
  campaign: Record<string, unknown>,
  contactsCsv: string,
): Promise<string> {
  const dir = join(parentDir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'campaign.json'),
    JSON.stringify({ contacts: 'contacts.csv', ...campaign }, null, 2),
  );
  await writeFile(join(dir, 'contacts.csv'), contactsCsv);
  return dir;
}

/** `n` contacts with Swedish mobile numbers +46701740600, +46701740601, ... */
export function swedishContacts(n: number, firstNumber = 46701740600): { csv: string; numbers: string[] } {
  const numbers = Array.from({ length: n }, (_, i) => `+${firstNumber + i}`);
  const lines = numbers.map(
    (number, i) => `Person${i + 1},${number},2026-12-0${(i % 9) + 1},10:${String(i % 60).padStart(2, '0')}`,
  );
  return { csv: `first_name,phone_number,appointment_date,appointment_time\n${lines.join('\n')}\n`, numbers };
}
