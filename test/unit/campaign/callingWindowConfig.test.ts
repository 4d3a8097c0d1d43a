import { describe, expect, it } from 'vitest';
import { campaignSchema } from '../../../src/campaign/campaignSchema.js';
import { validateCampaign } from '../../../src/campaign/validateCampaign.js';
import { BASE_CAMPAIGN, campaignWith, makeCampaignDir, ROW_KEY_SECRET } from './campaignFixture.js';

/** What `cmc validate` reports for campaign.json with these callingWindow keys and top-level keys. */
async function errorsFor(windowKeys: object, topLevel: object = {}): Promise<string[]> {
  const dir = await makeCampaignDir({
    config: campaignWith({ callingWindow: { ...BASE_CAMPAIGN.callingWindow, ...windowKeys }, ...topLevel }),
    contacts: 'phone_number\n0701740601\n',
  });
  const result = await validateCampaign(dir, { rowKeySecret: ROW_KEY_SECRET });
  return result.errors.map((error) => error.message);
}

const windowOf = (windowKeys: object, topLevel: object = {}) =>
  campaignSchema.parse(
    campaignWith({ callingWindow: { ...BASE_CAMPAIGN.callingWindow, ...windowKeys }, ...topLevel }),
  );

describe('callingWindow.skipDates, callingWindow.holidays and callingRules in campaign.json', () => {
  it('defaults to no days off and no rules', () => {
    const config = windowOf({});
    expect(config.callingWindow.skipDates).toEqual([]);
    expect(config.callingWindow.holidays).toEqual([]);
    expect(config.callingRules).toBeUndefined();
  });

  it('accepts dates, one holiday code or a list (any case), and a known rule set', () => {
    const config = windowOf(
      {
        skipDates: ['2026-12-31', '2026-12-24', '2026-12-24'],
        holidays: ['se', 'us-fl', 'DE-BY', 'ck-atiu'],
      },
      { callingRules: 'us-tcpa' },
    );
    expect(config.callingWindow.skipDates).toEqual(['2026-12-24', '2026-12-31']);
    // As date-holidays spells them: some region codes are not all capitals.
    expect(config.callingWindow.holidays).toEqual(['SE', 'US-FL', 'DE-BY', 'CK-Atiu']);
    expect(config.callingRules).toBe('us-tcpa');
    expect(windowOf({ holidays: 'SE' }).callingWindow.holidays).toEqual(['SE']);
  });

  it.each([
    ['2026-02-30', 'callingWindow.skipDates[0]: "2026-02-30" is not a calendar date'],
    ['24/12/2026', 'callingWindow.skipDates[0]: "24/12/2026" is not a date "YYYY-MM-DD"'],
    ['2026-12-24T00:00:00Z', 'callingWindow.skipDates[0]: "2026-12-24T00:00:00Z" is not a date "YYYY-MM-DD"'],
    ['', 'callingWindow.skipDates[0]: "" is not a date "YYYY-MM-DD"'],
  ])('refuses the skipDate %j, naming the field', async (date, message) => {
    expect(await errorsFor({ skipDates: [date] })).toEqual([message]);
  });

  it('refuses skipDates that are not a list of dates', async () => {
    expect(await errorsFor({ skipDates: '2026-12-24' })).toEqual([
      'callingWindow.skipDates: expected array, received string',
    ]);
    expect(await errorsFor({ skipDates: [20261224] })).toEqual([
      'callingWindow.skipDates[0]: expected string, received number',
    ]);
  });

  it.each([
    ['XX', 'callingWindow.holidays: "XX" is not a country or region with public holidays'],
    ['US-XX', 'callingWindow.holidays: "US-XX" is not a country or region with public holidays'],
    ['Sweden', 'callingWindow.holidays: "Sweden" is not a country or region with public holidays'],
    ['__proto__', 'callingWindow.holidays: "__proto__" is not a country or region with public holidays'],
    ['constructor', 'callingWindow.holidays: "constructor" is not a country or region with public holidays'],
    [
      `US-FL-${'X'.repeat(40)}`,
      `callingWindow.holidays: "US-FL-${'X'.repeat(40)}" is not a country or region with public holidays`,
    ],
  ])('refuses the holiday code %j, naming the field', async (code, message) => {
    const [error, ...rest] = await errorsFor({ holidays: code });
    expect(rest).toEqual([]);
    expect(error).toMatch(
      new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: use a code such as "SE"`),
    );
  });

  it('names the entry of a holiday list that is wrong', async () => {
    const [error] = await errorsFor({ holidays: ['SE', 'ZZ-1'] });
    expect(error).toMatch(/^callingWindow\.holidays\[1\]: "ZZ-1" is not a country or region/);
  });

  it('refuses a rule set that does not exist, suggesting the closest one', async () => {
    expect(await errorsFor({}, { callingRules: 'us-tcp' })).toEqual([
      'callingRules: unknown rule set "us-tcp": the built-in ones are "us-tcpa" (did you mean "us-tcpa"?)',
    ]);
    expect(await errorsFor({}, { callingRules: { name: 'us-tcpa' } })).toEqual([
      'callingRules: must be the name of a rule set: the built-in ones are "us-tcpa"',
    ]);
  });
});
