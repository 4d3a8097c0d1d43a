import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignFileError, loadCampaign } from '../../../src/campaign/loadCampaign.js';
import { BASE_CAMPAIGN, campaignWith, makeCampaignDir } from './campaignFixture.js';

const CSV = 'first_name,phone_number\nAnna,070-174 06 01\n';

async function loadError(dir: string, options = {}): Promise<CampaignFileError> {
  const error = await loadCampaign(dir, options).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CampaignFileError);
  return error as CampaignFileError;
}

describe('loadCampaign', () => {
  it('loads a campaign and resolves its files to absolute paths', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ suppression: ['dnc.csv', { path: 'lists/more.csv', column: 'number' }] }),
      contacts: CSV,
      files: { 'dnc.csv': '+46701740601\n', 'lists/more.csv': 'number\n+46701740602\n' },
    });
    const campaign = await loadCampaign(dir);
    expect(campaign.dir).toBe(dir);
    expect(campaign.configPath).toBe(path.join(dir, 'campaign.json'));
    expect(campaign.contactsPath).toBe(path.join(dir, 'contacts.csv'));
    expect(campaign.suppressionPaths).toEqual([path.join(dir, 'dnc.csv'), path.join(dir, 'lists/more.csv')]);
    expect(campaign.config.suppression).toEqual([
      { path: 'dnc.csv' },
      { path: 'lists/more.csv', column: 'number' },
    ]);
  });

  it('names an unknown key and suggests the closest valid one, at any depth', async () => {
    const dir = await makeCampaignDir({
      config: {
        ...BASE_CAMPAIGN,
        concurency: 2,
        callingWindow: { ...BASE_CAMPAIGN.callingWindow, strat: '09:00' },
        call: { task: 't', voiceGender: 'female' },
        suppression: [{ path: 'x.csv', colum: 'phone' }],
        zzzzzzzzzzzz: 1,
      },
      contacts: CSV,
    });
    const { issues } = await loadError(dir);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'concurency', message: 'unknown key "concurency" (did you mean "concurrency"?)' },
        { path: 'callingWindow.strat', message: 'unknown key "strat" (did you mean "start"?)' },
        { path: 'call.voiceGender', message: 'unknown key "voiceGender" (did you mean "voice_gender"?)' },
        { path: 'suppression[0].colum', message: 'unknown key "colum" (did you mean "column"?)' },
      ]),
    );
    const nonsense = issues.find((issue) => issue.path === 'zzzzzzzzzzzz');
    expect(nonsense?.message).toMatch(/^unknown key "zzzzzzzzzzzz" \(valid keys: name, contacts,/);
  });

  it('reports every problem at once, in words an operator can act on', async () => {
    const dir = await makeCampaignDir({
      config: {
        ...BASE_CAMPAIGN,
        call: { task: 't', voice_gender: 'femail', max_duration: '1.5m' },
        callingWindow: { ...BASE_CAMPAIGN.callingWindow, timezone: 'CET', days: ['mon', 'tues'] },
        credits: {},
      },
      contacts: CSV,
    });
    const error = await loadError(dir);
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message]));
    expect(byPath['call.voice_gender']).toMatch(
      /expected one of "female"\|"male" \(did you mean "female"\?\)/,
    );
    expect(byPath['call.max_duration']).toMatch(/invalid duration/);
    expect(byPath['callingWindow.timezone']).toBe(
      '"CET" is not an IANA time zone such as "Europe/Stockholm"',
    );
    expect(byPath['callingWindow.days[1]']).toMatch(/did you mean "tue"\?/);
    expect(byPath['credits.budget']).toBe('is required');
    expect(error.message).toContain('5 problems');
  });

  it('points at the line and column of a JSON syntax error', async () => {
    const dir = await makeCampaignDir({ config: '{\n  "name": "x",\n  "contacts": "c.csv",,\n}' });
    const { issues } = await loadError(dir);
    expect(issues[0]?.message).toMatch(/^is not valid JSON: line 3, column \d+/);
  });

  it('accepts a byte-order mark at the start of campaign.json', async () => {
    const dir = await makeCampaignDir({ config: `\uFEFF${JSON.stringify(BASE_CAMPAIGN)}`, contacts: CSV });
    await expect(loadCampaign(dir)).resolves.toMatchObject({ config: { name: 'Test campaign' } });
  });

  it('says when the folder or campaign.json is missing', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'cmc-empty-'));
    try {
      expect((await loadError(empty)).issues[0]?.message).toMatch(
        /not found \(a campaign folder needs a campaign.json\)/,
      );
      const missing = path.join(empty, 'nope');
      expect(await loadError(missing)).toMatchObject({
        file: missing,
        issues: [{ message: 'campaign folder not found' }],
      });
    } finally {
      await rm(empty, { recursive: true });
    }
  });

  it('fills {{date}} in the contacts path, and lists the dates that exist when the file does not', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ contacts: 'exports/contacts-{{date}}.csv' }),
      files: { 'exports/contacts-2026-03-02.csv': CSV, 'exports/contacts-2026-03-03.csv': CSV },
    });
    const campaign = await loadCampaign(dir, { date: '2026-03-03' });
    expect(campaign.contactsPath).toBe(path.join(dir, 'exports/contacts-2026-03-03.csv'));
    expect(campaign.date).toBe('2026-03-03');

    const { issues, config } = await loadError(dir, { date: '2026-03-04' });
    // A schedule still learns the campaign's name: campaign.json itself is fine.
    expect(config?.name).toBe('Test campaign');
    expect(issues).toEqual([
      {
        path: 'contacts',
        message: expect.stringMatching(
          /^file not found: .*contacts-2026-03-04\.csv \(contacts "exports\/contacts-\{\{date\}\}\.csv" for date 2026-03-04\); files there: contacts-2026-03-02\.csv, contacts-2026-03-03\.csv$/,
        ),
        // What a schedule needs to know: only the day's export is missing, which each run reads itself.
        datedContactsMissing: 'exports/contacts-2026-03-04.csv',
      },
    ]);
  });

  it('refuses a date that is not a real YYYY-MM-DD', async () => {
    const dir = await makeCampaignDir({ contacts: CSV });
    for (const date of ['2026-02-30', '2026-3-2', 'tomorrow']) {
      expect((await loadError(dir, { date })).issues[0]?.message).toMatch(/not a real date/);
    }
  });

  it('reports missing contacts and suppression files together', async () => {
    const dir = await makeCampaignDir({ config: campaignWith({ suppression: ['dnc.csv'] }) });
    const { issues } = await loadError(dir);
    expect(issues.map((issue) => issue.path)).toEqual(['contacts', 'suppression[0]']);
    expect(issues[0]?.message).toMatch(/^file not found: /);
  });
});
