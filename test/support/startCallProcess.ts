/**
 * One "worker" process for the two-process race test: opens the campaign store named
 * by its environment, waits until the agreed start time, runs the real startCall
 * activity once for the attempt in argv, and prints its result as JSON.
 *
 *   npx tsx test/support/startCallProcess.ts <simUrl> <campaignId> <rowKey> <startAtEpochMs>
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../src/activities/activityDeps.js';
import { createCallActivities } from '../../src/activities/callActivities.js';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import { createLogger } from '../../src/logging/logger.js';
import { openCampaignStore } from '../../src/storage/campaignStore.js';

const [simUrl = '', campaignId = '', rowKey = '', startAt = '0'] = process.argv.slice(2);
const store = await openCampaignStore({
  CMC_DATA_DIR: process.env.CMC_DATA_DIR ?? '.data',
  CMC_DATABASE_URL: process.env.CMC_DATABASE_URL,
});
const activities = createCallActivities({
  callmycall: new CallMyCallClient({ baseUrl: simUrl, apiKey: 'sim_test_key', timeoutMs: 5_000 }),
  prepared: store.prepared,
  ledger: store.ledger,
  results: store.results,
  suppressions: store.suppressions,
  dialChecks: store.dialChecks,
  logger: createLogger('race', { level: 'silent' }),
  webhookPublicUrl: 'http://127.0.0.1:9',
} as unknown as ActivityDeps);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
try {
  const result = await new MockActivityEnvironment().run(activities.startCall, {
    campaignId,
    rowKey,
    attempt: 1,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await store.close();
}
