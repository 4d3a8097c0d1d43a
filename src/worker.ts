import { NativeConnection, Worker } from '@temporalio/worker';
import { createGreetingActivities } from './activities/greeting.js';
import { type Env, loadEnv } from './config/env.js';
import { createLogger } from './logging/logger.js';
import { installTemporalRuntime } from './temporal/runtime.js';
import { workflowsPath } from './temporal/workflowsPath.js';

/**
 * The Temporal worker: runs the project's workflows and activities on one task queue.
 * Start as many as you like on the same queue; Temporal spreads the work.
 */
export async function runWorker(env: Env = loadEnv()): Promise<void> {
  const logger = createLogger('worker', { level: env.LOG_LEVEL });
  installTemporalRuntime();
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowsPath: workflowsPath(),
      activities: createGreetingActivities({ greeting: 'Hello' }),
    });
    logger.info({ address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, 'worker started');
    // Worker.run() drains in-flight tasks and returns on SIGINT/SIGTERM (the SDK's default shutdown signals).
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
  }
}
