import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrequencyCap } from '../../src/compliance/frequencyCap.js';
import { type CampaignStore, openCampaignStore } from '../../src/storage/campaignStore.js';
import { storeBackends } from '../support/storeBackends.js';

const DAY = { calls: 3, perMs: 24 * 3_600_000, source: 'campaign' } satisfies FrequencyCap;

/** The suppression list and the frequency-capped claim, the same on both backends. */
describe.each(storeBackends())('compliance tables ($name)', (backend) => {
  let dataDir: string;
  let store: CampaignStore;
  let second: CampaignStore;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cmc-compliance-'));
    const url = await backend.newDatabaseUrl('compliance');
    store = await openCampaignStore({ CMC_DATA_DIR: dataDir, CMC_DATABASE_URL: url });
    // A second process's connection to the same database: a second worker.
    second = await openCampaignStore({ CMC_DATA_DIR: dataDir, CMC_DATABASE_URL: url });
  });
  afterAll(async () => {
    await second?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps one entry per number, the first, and pages through every entry in number order', async () => {
    const list = store.suppressions;
    const at = '2026-12-06T10:00:00.000Z';
    expect(
      await list.add([
        { phoneE164: '+46701760002', reason: 'SMS STOP', source: 'cli', addedAt: at },
        { phoneE164: '+46701760001', source: 'import nix.csv', addedAt: at },
      ]),
    ).toBe(2);
    expect(await list.add([{ phoneE164: '+46701760002', reason: 'again', source: 'cli', addedAt: at }])).toBe(
      0,
    );
    expect(await list.find('+46701760002')).toEqual({
      phoneE164: '+46701760002',
      reason: 'SMS STOP',
      source: 'cli',
      addedAt: at,
    });
    const all: string[] = [];
    for await (const entry of list.all(1)) all.push(entry.phoneE164);
    expect(all).toEqual(['+46701760001', '+46701760002']);
    expect(await list.remove(['+46701760001', '+46701769999'])).toBe(1);
    expect(await list.count()).toBe(1);
  });

  it('lets exactly `calls` of many concurrent claims to one number through a cap, across campaigns and connections', async () => {
    const phone = '+46701761000';
    const at = new Date().toISOString();
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? store : second).ledger.claimWithinCaps(
          { campaignId: `camp-${i % 4}`, rowKey: `r${i}`, attempt: 1 },
          at,
          phone,
          [DAY],
        ),
      ),
    );
    expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(3);
    expect(claims.filter((claim) => claim === 'capped')).toHaveLength(9);
    // Another number is counted on its own; a claim already made is `taken`, not `capped`.
    expect(
      await store.ledger.claimWithinCaps(
        { campaignId: 'camp-9', rowKey: 'r1', attempt: 1 },
        at,
        '+46701761001',
        [DAY],
      ),
    ).toBe('claimed');
    expect(
      await store.ledger.claimWithinCaps(
        { campaignId: 'camp-9', rowKey: 'r1', attempt: 1 },
        at,
        '+46701761001',
        [DAY],
      ),
    ).toBe('taken');
  });

  it('counts only calls inside the period, and gives a released claim back to the cap', async () => {
    const phone = '+46701762000';
    const hour = { calls: 1, perMs: 3_600_000, source: 'CMC_FREQUENCY_CAP' } satisfies FrequencyCap;
    const key = (rowKey: string) => ({ campaignId: 'period', rowKey, attempt: 1 });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    expect(await store.ledger.claimWithinCaps(key('old'), twoHoursAgo, phone, [hour])).toBe('claimed');
    const now = new Date().toISOString();
    expect(await store.ledger.claimWithinCaps(key('a'), now, phone, [hour])).toBe('claimed');
    expect(await store.ledger.claimWithinCaps(key('b'), now, phone, [hour])).toBe('capped');
    // A definite refusal by the API created no call: it does not count against the cap.
    await store.ledger.release(key('a'));
    expect(await store.ledger.claimWithinCaps(key('b'), now, phone, [hour])).toBe('claimed');
    // The stricter of two caps decides.
    expect(await store.ledger.claimWithinCaps(key('c'), now, phone, [DAY, hour])).toBe('capped');
  });
});
