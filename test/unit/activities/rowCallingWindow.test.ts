import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../../src/activities/activityDeps.js';
import { createCampaignActivities } from '../../../src/activities/campaignActivities.js';
import { createRowCallingWindow } from '../../../src/activities/rowCallingWindow.js';
import type { CampaignPlan } from '../../../src/engine/campaignPlan.js';
import { createLogger } from '../../../src/logging/logger.js';
import { type CampaignStore, openCampaignStore } from '../../../src/storage/campaignStore.js';
import { BASE_CAMPAIGN, campaignWith, makeCampaignDir, ROW_KEY_SECRET } from '../campaign/campaignFixture.js';

/**
 * The prepare activity and the call activities' window check together, on a real SQLite
 * store: what the prepare step stores per row (zones from the number, region) is what the
 * window check reads at dial time, and none of it reaches the workflows' rows.
 */

const HOUR = 3600_000;
const CONTACTS = [
  'booking_id,first_name,phone_number',
  'fl-1,Ana,+13055550123', // Miami: Florida, America/New_York
  'hnl-1,Kai,+18085550124', // Honolulu
  'sto-1,Sven,+46701740605', // not covered by us-tcpa
].join('\n');

describe('calling rules from campaign.json to the dial-time window check', () => {
  let dataDir: string;
  let store: CampaignStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cmc-rules-'));
    store = await openCampaignStore({ CMC_DATA_DIR: dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function prepare(config: object) {
    const dir = await makeCampaignDir({ config, contacts: `${CONTACTS}\n` });
    const deps = {
      ...store,
      logger: createLogger('test', { level: 'silent' }),
      rowKeySecret: ROW_KEY_SECRET,
      reportsDir: path.join(dataDir, 'reports'),
    } as unknown as ActivityDeps;
    const activities = createCampaignActivities(deps);
    const plan: CampaignPlan = await new MockActivityEnvironment().run(activities.prepareCampaign, {
      campaignId: 'rules',
      campaignDir: dir,
    });
    const { rows } = await activities.readRowsPage({ campaignId: 'rules', offset: 0, limit: 10 });
    return { plan, rows };
  }

  it('judges us-tcpa hours where each phone rings, inside a campaign window with its own zone', async () => {
    const { plan, rows } = await prepare(
      campaignWith({
        idColumn: 'booking_id',
        callingWindow: { ...BASE_CAMPAIGN.callingWindow, timezone: 'America/New_York' },
        callingRules: 'us-tcpa',
      }),
    );
    expect(plan.callingWindow).toMatchObject({ timezone: 'America/New_York', callingRules: 'us-tcpa' });
    // The workflows' rows carry no region and no number: only the window's zone.
    expect(rows).toEqual([
      { rowKey: 'fl-1', line: 2, maskedPhone: expect.any(String), timezones: ['America/New_York'] },
      { rowKey: 'hnl-1', line: 3, maskedPhone: expect.any(String), timezones: ['America/New_York'] },
      { rowKey: 'sto-1', line: 4, maskedPhone: expect.any(String), timezones: ['America/New_York'] },
    ]);
    expect(await store.prepared.get('rules', 'fl-1')).toMatchObject({
      region: 'US-FL',
      localTimezones: ['America/New_York'],
    });
    expect(await store.prepared.get('rules', 'hnl-1')).toMatchObject({
      region: 'US',
      localTimezones: ['Pacific/Honolulu'],
    });

    const msUntil = createRowCallingWindow(store.prepared);
    const ask = (rowKey: string, now: string) =>
      msUntil(
        { window: plan.callingWindow, timezones: ['America/New_York'], row: { campaignId: 'rules', rowKey } },
        Date.parse(now),
      );
    // Monday 23 Nov 2026 20:30 in New York (01:30 UTC on the 24th), 15:30 in Honolulu.
    const evening = '2026-11-24T01:30:00Z';
    expect(await ask('fl-1', evening)).toBe(11.5 * HOUR); // Florida: 08:00-20:00, next morning
    expect(await ask('hnl-1', evening)).toBe(0); // Honolulu afternoon
    expect(await ask('sto-1', evening)).toBe(0); // not a US number: the campaign window only
    // 06:00 New York (11:00 UTC) is 01:00 in Honolulu: Honolulu waits for its own 08:00 (18:00 UTC).
    expect(await ask('hnl-1', '2026-11-24T11:00:00Z')).toBe(7 * HOUR);
  });

  it('stores no region for a campaign without calling rules, and zones from the number for "recipient"', async () => {
    const { plan, rows } = await prepare(
      campaignWith({
        idColumn: 'booking_id',
        callingWindow: { ...BASE_CAMPAIGN.callingWindow, timezone: 'recipient', holidays: 'US' },
      }),
    );
    expect(plan.callingWindow).toMatchObject({ timezone: 'recipient', holidays: ['US'] });
    expect(plan.callingWindow).not.toHaveProperty('callingRules');
    expect(plan.callingWindow).not.toHaveProperty('skipDates');
    expect(rows.map((row) => row.timezones)).toEqual([
      ['America/New_York'],
      ['Pacific/Honolulu'],
      ['Europe/Stockholm'],
    ]);
    const stored = await store.prepared.get('rules', 'fl-1');
    expect(stored).not.toHaveProperty('region');
    expect(stored).not.toHaveProperty('localTimezones');
    // Christmas Day is a US public holiday: the Miami row waits until the 26th, 00:00 New York.
    const msUntil = createRowCallingWindow(store.prepared);
    const christmasNoon = Date.parse('2026-12-25T17:00:00Z');
    expect(
      await msUntil({ window: plan.callingWindow, timezones: ['America/New_York'] }, christmasNoon),
    ).toBe(12 * HOUR);
  });
});
