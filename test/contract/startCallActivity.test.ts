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
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import type { AttemptKey, AttemptLedger } from '../../src/storage/attemptLedger.js';
import { type CampaignStore, openCampaignStore } from '../../src/storage/campaignStore.js';

/**
 * The startCall activity against the simulator over HTTP: the attempt ledger is what
 * keeps a retried activity from calling a person twice.
 */
describe('startCall activity and its attempt ledger', () => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  let activities: ReturnType<typeof createCallActivities>;
  let withWrongKey: ReturnType<typeof createCallActivities>;
  let secondWorker: ReturnType<typeof createCallActivities>;
  let store: CampaignStore;
  let secondStore: CampaignStore;
  let ledger: AttemptLedger;
  const env = new MockActivityEnvironment();
  const campaignId = 'ledger-test';

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, speed: 100, logger: createLogger('sim', { level: 'silent' }) });
    admin = new SimulatorAdmin(sim.url);
    const dataDir = await mkdtemp(join(tmpdir(), 'cmc-ledger-'));
    store = await openCampaignStore({ CMC_DATA_DIR: dataDir });
    // A second worker: its own connection to the same database.
    secondStore = await openCampaignStore({ CMC_DATA_DIR: dataDir });
    ledger = store.ledger;
    const prepared = store.prepared;
    async function* rows() {
      for (let i = 1; i <= 40; i++) {
        const rowKey = `r${i}`;
        const phone = `+467017406${String(i).padStart(2, '0')}`;
        yield {
          rowKey,
          line: i + 1,
          status: 'valid' as const,
          phoneE164: phone,
          columns: {},
          call: { maskedPhone: '', timezones: [], task: 'Confirm', overrides: {} },
        };
      }
    }
    await prepared.write(campaignId, rows(), () => ({
      plan: { campaignId, name: 'Ledger test' } as CampaignPlan,
      callOptions: { language: 'en' },
      source: { campaignDir: dataDir, date: '2026-11-23' },
    }));
    const deps = {
      callmycall: new CallMyCallClient({ baseUrl: sim.url, apiKey: 'sim_test_key', timeoutMs: 1_000 }),
      prepared,
      ledger,
      results: store.results,
      suppressions: store.suppressions,
      dialChecks: store.dialChecks,
      logger: createLogger('test', { level: 'silent' }),
      webhookPublicUrl: 'http://127.0.0.1:9',
    } as unknown as ActivityDeps;
    activities = createCallActivities(deps);
    secondWorker = createCallActivities({ ...deps, ledger: secondStore.ledger });
    withWrongKey = createCallActivities({
      ...deps,
      callmycall: new CallMyCallClient({ baseUrl: sim.url, apiKey: 'not_the_key', timeoutMs: 1_000 }),
    });
  });
  afterAll(async () => {
    await store?.close();
    await secondStore?.close();
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

  /** The start-call requests the simulator received for one attempt, in order. */
  const requestsFor = async (rowKey: string, attempt = 1) =>
    (await admin.startCallRequests()).filter(
      (request) => request.clientRequestId === `${campaignId}:${rowKey}:${attempt}`,
    );

  it('never re-sends after a response that may hide a created call', async () => {
    await admin.setFaults({ start_call: [{ type: 'drop_after_create', count: 1 }] });
    const first = await startCall({ campaignId, rowKey: 'r2', attempt: 1 });
    const retried = await startCall({ campaignId, rowKey: 'r2', attempt: 1 });
    expect(first.kind).toBe('uncertain');
    expect(retried.kind).toBe('uncertain');
    expect(await admin.calls()).toHaveLength(1); // created once by the dropped request, never again
    expect(await requestsFor('r2')).toHaveLength(1);
  });

  // Every answer outside the reference's documented refusals may hide a created call.
  const undocumentedAnswers = [
    { name: '2xx naming only the sid', status: 200, body: '{"sid":"{{sid}}"}', expect: 'placed' },
    {
      name: '2xx with success:false and a sid',
      status: 200,
      body: '{"success":false,"call_id":"{{sid}}"}',
      expect: 'placed',
    },
    { name: 'empty 201', status: 201, body: '', expect: 'uncertain' },
    { name: '2xx HTML page', status: 200, body: '<html>ok</html>', type: 'text/html', expect: 'uncertain' },
    { name: '2xx JSON without a sid', status: 200, body: '{"success":true}', expect: 'uncertain' },
    { name: '302 redirect, nothing created', status: 302, body: '', create: false, expect: 'uncertain' },
    { name: '307 redirect after creating', status: 307, body: '', expect: 'uncertain' },
    { name: '409 conflict', status: 409, body: '{"error":"duplicate"}', expect: 'uncertain' },
    { name: '418 undocumented 4xx', status: 418, body: '', create: false, expect: 'uncertain' },
    { name: '503 after creating', status: 503, body: '{"error":"busy"}', expect: 'uncertain' },
  ] as const;

  it.each(undocumentedAnswers.map((answer, i) => ({ ...answer, rowKey: `r${10 + i}` })))(
    '$name is $expect, and a retry never sends it again',
    async (answer) => {
      await admin.setFaults({
        start_call: [
          {
            type: 'answer',
            count: 1,
            status: answer.status,
            body: answer.body,
            content_type: 'type' in answer ? answer.type : 'application/json',
            create: 'create' in answer ? answer.create : true,
          },
        ],
      });
      const key = { campaignId, rowKey: answer.rowKey, attempt: 1 };
      const first = await startCall(key);
      const retried = await startCall(key);
      expect(first.kind).toBe(answer.expect);
      expect(retried).toEqual(first);
      const requests = await requestsFor(answer.rowKey);
      expect(requests.map((request) => request.answer)).toEqual([answer.status]);
      if (answer.expect === 'placed') expect(first).toMatchObject({ sid: requests[0]?.sid });
    },
  );

  it('a 404 (unknown route) is a refusal: rejected, nothing sent again', async () => {
    await admin.setFaults({
      start_call: [{ type: 'answer', count: 1, status: 404, body: '{"error":"Not found"}', create: false }],
    });
    await expect(startCall({ campaignId, rowKey: 'r30', attempt: 1 })).rejects.toMatchObject({
      type: 'CallRejected',
      nonRetryable: true,
    });
    expect(await ledger.get({ campaignId, rowKey: 'r30', attempt: 1 })).toBeUndefined();
  });

  it('two workers racing on one attempt send exactly one start-call', async () => {
    // The request is held open for 0.7 s (under the client's 1 s timeout), so every
    // execution is inside startCall at once.
    await admin.setFaults({ start_call: [{ type: 'slow', count: 5, delay_ms: 700 }] });
    const key = { campaignId, rowKey: 'r31', attempt: 1 };
    const results = (await Promise.all([
      env.run(activities.startCall, key),
      new MockActivityEnvironment().run(secondWorker.startCall, key),
      new MockActivityEnvironment().run(activities.startCall, key),
      new MockActivityEnvironment().run(secondWorker.startCall, key),
    ])) as StartCallResult[];
    expect(await requestsFor('r31')).toHaveLength(1);
    expect(await admin.calls()).toHaveLength(1);
    // The winner knows the sid; the others must treat the attempt as uncertain, never as unsent.
    expect(results.filter((result) => result.kind === 'placed')).toHaveLength(1);
    expect(results.filter((result) => result.kind === 'uncertain')).toHaveLength(3);
  });

  it('treats a crash between the claim and the answer as uncertain', async () => {
    await ledger.claim({ campaignId, rowKey: 'r3', attempt: 1 }, new Date().toISOString());
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
    expect(await ledger.get({ campaignId, rowKey: 'r4', attempt: 1 })).toBeUndefined();
    await admin.setCredits(100);
    const placed = await startCall({ campaignId, rowKey: 'r4', attempt: 1 });
    expect(placed.kind).toBe('placed');
    expect((await admin.calls()).map((call) => call.metadata.client_request_id)).toEqual([
      `${campaignId}:r4:1`,
    ]);
    expect((await requestsFor('r4')).map((request) => request.answer)).toEqual([402, 200]);
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

  it("enforces a regional rule's frequency cap at dial time: the fourth call in 24 h to a Florida number is not sent", async () => {
    const florida = '+13055550100';
    const tcpa = 'ledger-tcpa';
    async function* rows() {
      for (let i = 1; i <= 4; i++) {
        yield {
          rowKey: `fl${i}`,
          line: i + 1,
          status: 'valid' as const,
          phoneE164: florida,
          columns: {},
          call: { maskedPhone: '', timezones: [], task: 'Confirm', overrides: {}, region: 'US-FL' },
        };
      }
    }
    await store.prepared.write(tcpa, rows(), () => ({
      plan: {
        campaignId: tcpa,
        name: 'TCPA',
        callingWindow: {
          timezone: 'recipient',
          days: [],
          startMinute: 0,
          endMinute: 1440,
          callingRules: 'us-tcpa',
        },
      } as unknown as CampaignPlan,
      callOptions: { language: 'en' },
      source: { campaignDir: '/tmp', date: '2026-12-06' },
    }));
    for (const rowKey of ['fl1', 'fl2', 'fl3']) {
      expect((await startCall({ campaignId: tcpa, rowKey, attempt: 1 })).kind).toBe('placed');
    }
    const fourth = await startCall({ campaignId: tcpa, rowKey: 'fl4', attempt: 1 }).then(
      () => undefined,
      (error: unknown) => error as { type?: string; nonRetryable?: boolean; message: string },
    );
    expect(fourth).toMatchObject({ type: 'CallRejected', nonRetryable: true });
    expect(fourth?.message).toBe(
      'not dialled (capped): frequency cap reached: 3 calls per 24h (us-tcpa US-FL)',
    );
    expect((await admin.calls()).filter((call) => call.to === florida)).toHaveLength(3);
    const audit = await store.dialChecks.forRow(tcpa, 'fl4');
    expect(audit[0]).toMatchObject({ attempt: 1, decision: 'capped' });
  });
});
