import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities/activityDeps.js';
import { createCallActivities } from '../../src/activities/callActivities.js';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import type { CampaignPlan } from '../../src/engine/campaignPlan.js';
import type { StartCallResult } from '../../src/engine/startCallResult.js';
import { createLogger } from '../../src/logging/logger.js';
import { FileResultsStore } from '../../src/results/fileResultsStore.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { type AttemptKey, FileAttemptLedger } from '../../src/storage/attemptLedger.js';
import { PreparedCampaignStore } from '../../src/storage/preparedCampaignStore.js';

/**
 * The startCall activity against the simulator over HTTP: the attempt ledger is what
 * keeps a retried activity from calling a person twice.
 */
describe('startCall activity and its attempt ledger', () => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  let activities: ReturnType<typeof createCallActivities>;
  let withWrongKey: ReturnType<typeof createCallActivities>;
  let ledger: FileAttemptLedger;
  const env = new MockActivityEnvironment();
  const campaignId = 'ledger-test';

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, speed: 100, logger: createLogger('sim', { level: 'silent' }) });
    admin = new SimulatorAdmin(sim.url);
    const dataDir = await mkdtemp(join(tmpdir(), 'cmc-ledger-'));
    ledger = new FileAttemptLedger(dataDir);
    const prepared = new PreparedCampaignStore(dataDir);
    async function* rows() {
      for (const [rowKey, phone] of [
        ['r1', '+46701740601'],
        ['r2', '+46701740602'],
        ['r3', '+46701740603'],
        ['r4', '+46701740604'],
      ]) {
        yield {
          rowKey,
          line: 2,
          maskedPhone: '',
          timezones: [],
          phoneE164: phone,
          task: 'Confirm',
          overrides: {},
          columns: {},
        };
      }
    }
    await prepared.write(campaignId, rows(), () => ({
      plan: { campaignId } as CampaignPlan,
      callOptions: { language: 'en' },
      source: { campaignDir: dataDir, date: '2026-11-23' },
    }));
    const deps = {
      callmycall: new CallMyCallClient({ baseUrl: sim.url, apiKey: 'sim_test_key', timeoutMs: 1_000 }),
      prepared,
      ledger,
      results: new FileResultsStore(dataDir),
      logger: createLogger('test', { level: 'silent' }),
      webhookPublicUrl: 'http://127.0.0.1:9',
    } as unknown as ActivityDeps;
    activities = createCallActivities(deps);
    withWrongKey = createCallActivities({
      ...deps,
      callmycall: new CallMyCallClient({ baseUrl: sim.url, apiKey: 'not_the_key', timeoutMs: 1_000 }),
    });
  });
  afterAll(async () => {
    await sim?.close();
  });
  const startCall = (key: AttemptKey): Promise<StartCallResult> => env.run(activities.startCall, key);
  beforeEach(async () => {
    await admin.reset();
  });

  it('places the call once and returns the same sid when retried', async () => {
    const first = await startCall({ campaignId, rowKey: 'r1', attempt: 1 });
    const again = await startCall({ campaignId, rowKey: 'r1', attempt: 1 });
    expect(first.kind).toBe('placed');
    expect(again).toEqual(first);
    const calls = await admin.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.metadata.client_request_id).toBe(`${campaignId}:r1:1`);
    expect(calls[0]?.webhook).toBe('http://127.0.0.1:9/webhooks/ledger-test/r1/1');
  });

  it('never re-sends after a response that may hide a created call', async () => {
    await admin.setFaults({ start_call: [{ type: 'drop_after_create', count: 1 }] });
    const first = await startCall({ campaignId, rowKey: 'r2', attempt: 1 });
    const retried = await startCall({ campaignId, rowKey: 'r2', attempt: 1 });
    expect(first.kind).toBe('uncertain');
    expect(retried.kind).toBe('uncertain');
    expect(await admin.calls()).toHaveLength(1); // created once by the dropped request, never again
  });

  it('treats a crash between the intent and the answer as uncertain', async () => {
    await ledger.put(
      { campaignId, rowKey: 'r3', attempt: 1 },
      { state: 'dialing', at: new Date().toISOString() },
    );
    const result = await startCall({ campaignId, rowKey: 'r3', attempt: 1 });
    expect(result.kind).toBe('uncertain');
    expect(await admin.calls()).toHaveLength(0);
  });

  it('may send again after an answer that nothing was created (402), with the same client_request_id', async () => {
    await admin.setCredits(1);
    await expect(startCall({ campaignId, rowKey: 'r4', attempt: 1 })).rejects.toMatchObject({
      type: 'InsufficientCredits',
      nonRetryable: true,
    });
    expect((await ledger.get({ campaignId, rowKey: 'r4', attempt: 1 }))?.state).toBe('not_sent');
    await admin.setCredits(100);
    const placed = await startCall({ campaignId, rowKey: 'r4', attempt: 1 });
    expect(placed.kind).toBe('placed');
    expect((await admin.calls()).map((call) => call.metadata.client_request_id)).toEqual([
      `${campaignId}:r4:1`,
    ]);
  });

  it('reports a refused API key as Unauthorized, so the campaign stops, without the key in the message', async () => {
    const failure = await env.run(withWrongKey.startCall, { campaignId, rowKey: 'r1', attempt: 2 }).then(
      () => undefined,
      (error: unknown) => error as { type?: string; nonRetryable?: boolean; message: string },
    );
    expect(failure).toMatchObject({ type: 'Unauthorized', nonRetryable: true });
    expect(failure?.message).not.toContain('not_the_key');
    expect(await admin.calls()).toHaveLength(0);
  });
});
