/**
 * Records the Temporal histories that test/integration/replayHistories.test.ts replays
 * against today's workflow code, so a workflow change that would break a campaign
 * already running fails CI instead of production.
 *
 *   npx tsx test/replay/recordHistories.ts <label>
 *
 * Runs one small campaign on a fresh dev server and the simulator, covering the paths a
 * running campaign can be in: completed calls, a busy row re-attempted, an ambiguous
 * start (500 after the call was created) reconciled through its webhook, a start whose
 * connection dropped after creating the call, a 429, and continue-as-new; then a
 * user-on-call campaign (operator phones handed out with each slot) and one stopped by a
 * 401 mid-run (campaign.failed). Writes every workflow's history to
 * test/replay/histories/<label>/<workflowId>.<run>.binpb.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { emptyKeyring } from '../../src/payloadCodec/codecKeys.js';
import { dataConverterFor } from '../../src/temporal/dataConverter.js';
import { searchAttributeKeys } from '../../src/temporal/searchAttributes.js';
import { startCampaignStack, swedishContacts, writeCampaign } from '../support/campaignStack.js';

const { temporal } = proto;
const label = process.argv[2];
if (!label || !/^[a-z0-9-]+$/.test(label)) {
  console.error('usage: npx tsx test/replay/recordHistories.ts <label, e.g. 2026-12-01-main>');
  process.exit(2);
}

const temporalPath = execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8' }).trim();
const env = await TestWorkflowEnvironment.createLocal({
  server: {
    executable: { type: 'existing-path', path: temporalPath },
    searchAttributes: searchAttributeKeys,
  },
});
const namespace = env.namespace ?? 'default';
// Plain payloads (a keyring with no keys): the replay test, with its own fresh keys, reads them as they are.
const dataConverter = dataConverterFor(emptyKeyring());
const client = new Client({ connection: env.connection, namespace, dataConverter });
const ctx = {
  address: env.connection.options.address,
  namespace,
  client,
  nativeConnection: env.nativeConnection,
  close: async () => undefined,
};
const stack = await startCampaignStack(ctx, { speed: 60, dataConverter });
const WINDOW = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

/** Runs one campaign to its end; returns its ID. */
async function record(name: string, campaign: Record<string, unknown>, csv: string): Promise<string> {
  const dir = await writeCampaign(stack.workDir, name, campaign, csv);
  const campaignId = `${name}-${label}`;
  const result = await stack.run(async () => {
    const { handle } = await stack.start({
      campaignId,
      campaignDir: dir,
      pageSize: 3,
      historyEventLimit: 80,
    });
    return await handle.result();
  });
  console.log(`${campaignId} ${result.status}: ${JSON.stringify(result.outcomes)}`);
  return campaignId;
}

try {
  const { csv, numbers } = swedishContacts(8, 46701749000);
  await stack.admin.setScenario({
    default: { status: 'completed', duration_ms: 10_000 },
    byNumber: { [numbers[1] as string]: [{ status: 'busy' }, { status: 'completed' }] },
  });
  await stack.admin.setFaults({
    start_call: [
      { type: '429', count: 1, retry_after: 1 },
      { type: '500_after_create', count: 1 },
      { type: 'drop_after_create', count: 1 },
    ],
    webhooks: { duplicate: true, reorder: false, drop: 0 },
  });
  const campaignIds = [
    await record(
      'replay',
      {
        name: 'Replay recording',
        call: { task: 'Confirm {{first_name}} on {{appointment_date}}', language: 'en' },
        concurrency: 2,
        callsPerMinute: 600,
        callingWindow: WINDOW,
        retry: { maxAttempts: 2, retryOn: ['busy'], delay: '1s' },
        credits: { budget: 10_000, estimatePerCall: 2 },
        reconcileAfter: '3s',
      },
      csv,
    ),
  ];

  // User-on-call: each slot carries its operator phone, also on a re-attempt's grant.
  const operators = swedishContacts(3, 46701749100);
  await stack.admin.setFaults({ start_call: [] });
  await stack.admin.setScenario({
    default: { status: 'completed', duration_ms: 10_000 },
    byNumber: { [operators.numbers[0] as string]: [{ status: 'busy' }, { status: 'completed' }] },
  });
  campaignIds.push(
    await record(
      'replay-operators',
      {
        name: 'Replay user-on-call',
        call: {
          task: 'Confirm {{first_name}}',
          userOnCall: true,
          userPhone: ['+46709990001', '+46709990002'],
        },
        concurrency: 3,
        callsPerMinute: 600,
        callingWindow: WINDOW,
        retry: { maxAttempts: 2, retryOn: ['busy'], delay: '1s' },
        credits: { budget: 10_000, estimatePerCall: 2 },
      },
      operators.csv,
    ),
  );

  // A fatal API error mid-run (the key revoked): the run stops and reports campaign.failed.
  await stack.admin.setFaults({
    start_call: [
      { type: 'answer', count: 100, status: 401, body: '{"error":"Invalid API key"}', create: false },
    ],
  });
  campaignIds.push(
    await record(
      'replay-revoked',
      {
        name: 'Replay revoked key',
        call: { task: 'Confirm {{first_name}}' },
        concurrency: 1,
        callsPerMinute: 600,
        callingWindow: WINDOW,
        credits: { budget: 10_000, estimatePerCall: 2 },
      },
      swedishContacts(2, 46701749200).csv,
    ),
  );

  const outDir = join('test', 'replay', 'histories', label);
  await mkdir(outDir, { recursive: true });
  let count = 0;
  for (const campaignId of campaignIds) {
    for await (const execution of client.workflow.list({ query: `CampaignId = '${campaignId}'` })) {
      // Binary protobuf, read back with the same @temporalio/proto. (The SDK's JSON reader,
      // historyFromJSON, fails here with "type must be a Type": npm installs two copies of
      // protobufjs 8 under @temporalio/common and @temporalio/proto.)
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const file = `${execution.workflowId.replaceAll(':', '_')}.${execution.runId.slice(0, 8)}.binpb`;
      await writeFile(join(outDir, file), temporal.api.history.v1.History.encode(history).finish());
      count += 1;
    }
  }
  console.log(`wrote ${count} histories to ${outDir}`);
} finally {
  await stack.close();
  await env.teardown();
}
