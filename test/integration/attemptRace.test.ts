import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignPlan } from '../../src/engine/campaignPlan.js';
import type { StartCallResult } from '../../src/engine/startCallResult.js';
import { createLogger } from '../../src/logging/logger.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { openCampaignStore } from '../../src/storage/campaignStore.js';
import { storeBackends } from '../support/storeBackends.js';

const run = promisify(execFile);

/**
 * Two worker processes on one database race to start the same attempt: the claim is
 * the database's unique client_request_id, so exactly one start-call reaches the API.
 */
describe.each(storeBackends())('two processes racing on one attempt ($name)', (backend) => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, speed: 100, logger: createLogger('sim', { level: 'silent' }) });
    admin = new SimulatorAdmin(sim.url);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('sends exactly one start-call', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cmc-race-'));
    const campaignId = `race-${Date.now().toString(36)}`;
    const databaseUrl = await backend.newDatabaseUrl('race');
    const storeEnv: Record<string, string> = { CMC_DATA_DIR: dataDir };
    if (databaseUrl) storeEnv.CMC_DATABASE_URL = databaseUrl;
    const store = await openCampaignStore({ CMC_DATA_DIR: dataDir, ...storeEnv });
    async function* rows() {
      yield {
        line: 2,
        rowKey: 'r1',
        status: 'valid' as const,
        phoneE164: '+46701748800',
        columns: {},
        call: { maskedPhone: '', timezones: [], task: 'Confirm', overrides: {} },
      };
    }
    await store.prepared.write(campaignId, rows(), () => ({
      plan: { campaignId, name: 'Race' } as CampaignPlan,
      callOptions: { language: 'en' },
      source: { campaignDir: dataDir, date: '2026-12-01' },
    }));
    await store.close();
    // Both requests would be in flight at once: the simulator holds each answer 1 s.
    await admin.setFaults({ start_call: [{ type: 'slow', count: 2, delay_ms: 1_000 }] });

    const startAt = String(Date.now() + 6_000);
    const worker = () =>
      run('npx', ['tsx', 'test/support/startCallProcess.ts', sim.url, campaignId, 'r1', startAt], {
        env: { ...process.env, ...storeEnv },
        timeout: 60_000,
      }).then(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as StartCallResult);
    const results = await Promise.all([worker(), worker()]);

    const requests = (await admin.startCallRequests()).filter(
      (request) => request.clientRequestId === `${campaignId}:r1:1`,
    );
    expect(requests).toHaveLength(1);
    // The winner knows the sid. The other found the claim: `uncertain` while the winner's
    // request was in flight (the usual case), or the same sid if it looked after.
    const placed = results.filter((result) => result.kind === 'placed');
    expect(placed.length).toBeGreaterThanOrEqual(1);
    expect(new Set(placed.map((result) => (result.kind === 'placed' ? result.sid : '')))).toEqual(
      new Set([requests[0]?.sid]),
    );
  });
});
