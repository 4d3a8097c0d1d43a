/**
 * A campaign worker in its own process, so a fault test can SIGKILL it. Configured by
 * the environment exactly like `cmc worker` (TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE,
 * CALLMYCALL_BASE_URL, CALLMYCALL_API_KEY, CALLMYCALL_WEBHOOK_SECRET, WEBHOOK_PUBLIC_URL,
 * CMC_DATA_DIR, CMC_REPORTS_DIR). CMC_WORKFLOW_BUNDLE, when set, is a prebuilt workflow
 * bundle (saves a webpack build per restart). Prints `worker ready` once polling.
 */
import { loadEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { createCampaignWorker } from '../../src/worker.js';

const env = loadEnv();
const logger = createLogger('fault-worker', { level: env.LOG_LEVEL });
const { worker, close } = await createCampaignWorker(env, logger, {
  workflowBundlePath: process.env.CMC_WORKFLOW_BUNDLE,
});
process.stdout.write('worker ready\n');
try {
  await worker.run();
} finally {
  await close();
}
