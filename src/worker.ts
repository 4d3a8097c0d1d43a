import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from './activities/activityDeps.js';
import { createCallActivities } from './activities/callActivities.js';
import { createCampaignActivities } from './activities/campaignActivities.js';
import { createResultWebhookActivities } from './activities/resultWebhookActivities.js';
import { createRetentionActivities } from './activities/retentionActivities.js';
import { createCallMyCallClient } from './callmycall/client.js';
import { type Env, loadEnv } from './config/env.js';
import { RETENTION_SCHEDULE_ID } from './engine/ids.js';
import { createLogger, type Logger } from './logging/logger.js';
import { describeKeyring } from './payloadCodec/codecKeys.js';
import { keyringFromEnv } from './payloadCodec/keyringFromEnv.js';
import { namespaceIdLookup } from './payloadCodec/namespaceIdLookup.js';
import { resultWebhookSecret } from './resultWebhooks/resultWebhookSetting.js';
import { type CampaignStore, openCampaignStore } from './storage/campaignStore.js';
import { dataConverterFor, dataConverterFromEnv } from './temporal/dataConverter.js';
import { reconcileRetentionSchedule } from './temporal/retentionSchedule.js';
import { installTemporalRuntime } from './temporal/runtime.js';
import { prebuiltWorkflowBundle } from './temporal/workflowBundle.js';
import { workflowsPath } from './temporal/workflowsPath.js';

/** Every activity the worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCampaignActivities(deps),
    ...createCallActivities(deps),
    ...createResultWebhookActivities(deps),
    ...createRetentionActivities(deps),
  };
}

/** The production dependencies: the real (or simulated) API over HTTP, the campaign store. */
export function activityDepsFromEnv(env: Env, logger: Logger, store: CampaignStore): ActivityDeps {
  return {
    callmycall: createCallMyCallClient(env),
    prepared: store.prepared,
    ledger: store.ledger,
    results: store.results,
    resultEvents: store.resultEvents,
    suppressions: store.suppressions,
    dialChecks: store.dialChecks,
    callActions: store.callActions,
    purge: store.purge,
    ...(env.CMC_FREQUENCY_CAP ? { defaultFrequencyCap: env.CMC_FREQUENCY_CAP } : {}),
    resultWebhookSecret: (name) => resultWebhookSecret(process.env, name),
    logger,
    webhookPublicUrl: (env.WEBHOOK_PUBLIC_URL ?? '').replace(/\/$/, ''),
    reportsDir: env.CMC_REPORTS_DIR,
    rowKeySecret: env.CMC_ROW_KEY_SECRET,
    temporalUiUrl: env.TEMPORAL_UI_URL,
    namespace: env.TEMPORAL_NAMESPACE,
  };
}

export interface CampaignWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * A worker for the campaign and call workflows on `env.TEMPORAL_TASK_QUEUE`. A prebuilt
 * workflow bundle (`bundleWorkflowCode`) skips the webpack build, for workers restarted often.
 */
export async function createCampaignWorker(
  env: Env,
  logger: Logger,
  options: { workflowBundlePath?: string } = {},
): Promise<CampaignWorker> {
  installTemporalRuntime();
  const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const keyring = await keyringFromEnv(
    env,
    namespaceIdLookup(nativeConnection.workflowService, env.TEMPORAL_NAMESPACE),
  );
  logger.info({ codec: describeKeyring(keyring) }, 'payload codec');
  const store = await openCampaignStore(env, {
    onConnectionLost: (error) =>
      logger.warn(
        { err: error.message },
        'campaign store: a pooled connection was lost; the next query reconnects',
      ),
  });
  logger.info({ store: store.description }, 'campaign store open');
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: workflowsPath() }),
    activities: createActivities(activityDepsFromEnv(env, logger, store)),
    dataConverter: dataConverterFor(keyring),
  });
  return {
    worker,
    async close() {
      await nativeConnection.close();
      await store.close();
    },
  };
}

/**
 * `cmc worker`: runs until SIGINT/SIGTERM (the SDK's shutdown signals), then lets
 * in-flight tasks finish. Start as many as you like on the same task queue.
 */
export async function runWorker(env: Env = loadEnv()): Promise<void> {
  const logger = createLogger('worker', { level: env.LOG_LEVEL });
  const { worker, close } = await createCampaignWorker(env, logger, {
    workflowBundlePath: prebuiltWorkflowBundle(),
  });
  logger.info(
    { address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, taskQueue: env.TEMPORAL_TASK_QUEUE },
    'worker started',
  );
  await applyRetentionSetting(env, logger);
  try {
    await worker.run();
  } finally {
    await close();
    logger.info('worker stopped');
  }
}

/** Makes the nightly retention schedule follow CMC_RETENTION. A failure is logged, never fatal: calls come first. */
async function applyRetentionSetting(env: Env, logger: Logger): Promise<void> {
  try {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    try {
      const dataConverter = await dataConverterFromEnv(
        env,
        namespaceIdLookup(connection.workflowService, env.TEMPORAL_NAMESPACE),
      );
      const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
      const change = await reconcileRetentionSchedule(client, {
        retentionMs: env.CMC_RETENTION,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
      });
      if (change !== 'off') logger.info({ change, schedule: RETENTION_SCHEDULE_ID }, 'retention schedule');
    } finally {
      await connection.close();
    }
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'retention schedule not updated; it runs as it was',
    );
  }
}
