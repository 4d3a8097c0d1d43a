import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRowResultRecorder } from '../../../src/activities/rowResultRecorder.js';
import { type CampaignStore, openCampaignStore } from '../../../src/storage/campaignStore.js';

/** `cmc call end|transfer|update` records its action; the row's final result carries it. */
describe("a row result carries the operators' live-call actions", () => {
  let dir: string;
  let store: CampaignStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-actions-'));
    store = await openCampaignStore({ CMC_DATA_DIR: dir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const base = {
    campaignId: 'camp-1',
    rowKey: 'row-a',
    line: 2,
    columns: {},
    outcome: 'completed' as const,
    attempts: [{ attempt: 1, clientRequestId: 'camp-1:row-a:1', sid: 'CA1', status: 'completed' }],
    recordedAt: '2026-12-06T10:00:00.000Z',
  };

  it("attaches the row's actions in order, and none to a row without any", async () => {
    const key = { campaignId: 'camp-1', rowKey: 'row-a', attempt: 1, sid: 'CA1' };
    await store.callActions.record(key, {
      action: 'transfer',
      parameters: { destination: '+46709990000', warm: false },
      outcome: 'transferred to +46709990000 (cold)',
      at: '2026-12-06T09:59:00.000Z',
    });
    await store.callActions.record(key, {
      action: 'end',
      parameters: {},
      outcome: 'ended',
      at: '2026-12-06T09:59:30.000Z',
    });
    const record = createRowResultRecorder(store);
    await record(base);
    await record({ ...base, rowKey: 'row-b', attempts: [] });

    expect((await store.results.get('camp-1', 'row-a'))?.actions).toEqual([
      {
        attempt: 1,
        sid: 'CA1',
        action: 'transfer',
        parameters: { destination: '+46709990000', warm: false },
        outcome: 'transferred to +46709990000 (cold)',
        at: '2026-12-06T09:59:00.000Z',
      },
      {
        attempt: 1,
        sid: 'CA1',
        action: 'end',
        parameters: {},
        outcome: 'ended',
        at: '2026-12-06T09:59:30.000Z',
      },
    ]);
    expect((await store.results.get('camp-1', 'row-b'))?.actions).toBeUndefined();
  });
});
