import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callsPerDay } from '../../../src/campaign/callingCapacity.js';
import { campaignSchema } from '../../../src/campaign/campaignSchema.js';
import { validateCampaign } from '../../../src/campaign/validateCampaign.js';
import { BASE_CAMPAIGN, campaignWith, makeCampaignDir, ROW_KEY_SECRET } from './campaignFixture.js';

const EXAMPLE = fileURLToPath(new URL('../../../campaigns/appointment-confirmation', import.meta.url));
const NIGHTLY = fileURLToPath(new URL('../../../campaigns/nightly-reminders', import.meta.url));
const options = { rowKeySecret: ROW_KEY_SECRET };

describe('validateCampaign', () => {
  it('summarizes the example campaign, with its deliberate problems', async () => {
    const result = await validateCampaign(EXAMPLE, options);
    expect(result).toMatchObject({
      canRun: true,
      name: 'Appointment confirmation',
      rows: 26,
      valid: 22,
      errors: [],
      invalid: [
        { line: 15, column: 'phone_number', code: 'phone-invalid' },
        { line: 27, column: 'appointment_time', code: 'template-empty' },
      ],
      duplicates: [{ line: 16, duplicateOf: 2 }],
      suppressed: [{ line: 20, reason: expect.stringMatching(/do-not-call.csv \(line 2\)/) }],
      invalidByReason: { 'phone-invalid': 1, 'template-empty': 1 },
      countries: { SE: 18, GB: 1, US: 1, AU: 1, CA: 1 },
      overrideColumns: ['language'],
      estimatedCredits: 22 * 3,
      budget: 500,
      // 24 h x min(20/min, 3 in flight / 1.5 min = 2/min)
      callsPerDay: 24 * 60 * 2,
      callingDaysNeeded: 1,
    });
  });

  it('validates the nightly example for the date of its export', async () => {
    const result = await validateCampaign(NIGHTLY, { ...options, date: '2026-03-02' });
    expect(result).toMatchObject({ canRun: true, rows: 6, valid: 6, date: '2026-03-02' });
    const missing = await validateCampaign(NIGHTLY, { ...options, date: '2026-03-03' });
    expect(missing.canRun).toBe(false);
    expect(missing.errors[0]?.message).toMatch(
      /contacts: file not found.*files there: contacts-2026-03-02\.csv/,
    );
  });

  it('cannot run a campaign whose campaign.json is wrong, and says why', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ concurency: 2 }),
      contacts: 'phone_number\n0701740601\n',
    });
    const result = await validateCampaign(dir, options);
    expect(result.canRun).toBe(false);
    expect(result.errors).toEqual([
      {
        file: path.join(dir, 'campaign.json'),
        path: 'concurency',
        message: 'concurency: unknown key "concurency" (did you mean "concurrency"?)',
      },
    ]);
  });

  it('cannot run with missing template columns; the errors carry line and column', async () => {
    const dir = await makeCampaignDir({ contacts: 'name,phone_number\nAnna,0701740601\n' });
    const result = await validateCampaign(dir, options);
    expect(result.canRun).toBe(false);
    expect(result.errors).toEqual([
      {
        file: path.join(dir, 'contacts.csv'),
        line: 1,
        column: 'first_name',
        message: expect.stringMatching(/^no "first_name" column \(used by \{\{first_name\}\} in call.task\)/),
      },
    ]);
  });

  it('cannot run with no valid row; invalid rows alone are only reported', async () => {
    const none = await makeCampaignDir({ contacts: 'first_name,phone_number\nAnna,12\n' });
    const noneResult = await validateCampaign(none, options);
    expect(noneResult).toMatchObject({ canRun: false, valid: 0, errors: [{ message: /no valid rows/ }] });

    const some = await makeCampaignDir({ contacts: 'first_name,phone_number\nAnna,12\nBo,0701740601\n' });
    expect(await validateCampaign(some, options)).toMatchObject({ canRun: true, valid: 1, errors: [] });
  });

  it('cannot run a file that is not UTF-8, and names the line', async () => {
    const dir = await makeCampaignDir({ contacts: { fixture: 'contacts/latin1.csv' } });
    const result = await validateCampaign(dir, options);
    expect(result.canRun).toBe(false);
    expect(result.errors).toEqual([
      { file: path.join(dir, 'contacts.csv'), line: 3, message: expect.stringMatching(/not valid UTF-8/) },
    ]);
  });

  it('warns when the estimate exceeds the budget', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ credits: { budget: 5, estimatePerCall: 4 } }),
      contacts: 'first_name,phone_number\nAnna,0701740601\nBo,0701740602\n',
    });
    const result = await validateCampaign(dir, options);
    expect(result.estimatedCredits).toBe(8);
    expect(result.warnings[0]?.message).toMatch(/exceeds the budget of 5/);
  });

  it('validates 100,000 generated rows, counting valid, invalid, duplicate and suppressed rows', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ idColumn: 'booking_id', suppression: 'dnc.csv' }),
      files: { 'dnc.csv': 'phone_number\n+46701000012\n' },
    });
    await writeGeneratedContacts(path.join(dir, 'contacts.csv'), 100_000);
    const result = await validateCampaign(dir, options);
    // Every 1000th row has a bad number, every 500th (not 1000th) repeats the previous row's number,
    // and row 10 is on the suppression list.
    expect(result).toMatchObject({ rows: 100_000, canRun: true, errors: [] });
    expect(result.invalid).toHaveLength(100);
    expect(result.duplicates).toHaveLength(100);
    expect(result.suppressed).toEqual([{ line: 11, reason: expect.any(String) }]);
    expect(result.valid).toBe(100_000 - 100 - 100 - 1);
    expect(result.duplicates[0]).toEqual({ line: 501, duplicateOf: 500 });
  });
});

describe('callsPerDay', () => {
  const config = (changes: Record<string, unknown>) => campaignSchema.parse(campaignWith(changes));

  it('is limited by the pace when calls are short', () => {
    expect(
      callsPerDay(
        config({
          concurrency: 10,
          callsPerMinute: 2,
          estimatedCallDuration: '1m',
          callingWindow: { ...BASE_CAMPAIGN.callingWindow, start: '09:00', end: '17:00' },
        }),
      ),
    ).toBe(8 * 60 * 2);
  });

  it('is limited by concurrency when calls are long', () => {
    expect(
      callsPerDay(
        config({
          concurrency: 2,
          callsPerMinute: 60,
          estimatedCallDuration: '4m',
          callingWindow: { ...BASE_CAMPAIGN.callingWindow, start: '09:00', end: '10:00' },
        }),
      ),
    ).toBe(30);
  });
});

/** Row n (1-based) is on line n + 1. */
async function writeGeneratedContacts(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('booking_id,first_name,phone_number,clinic\r\n');
  for (let n = 1; n <= count; n++) {
    const number = n % 1000 === 0 ? '070-12' : n % 500 === 0 ? formatSwedish(n + 1) : formatSwedish(n + 2);
    await write(`BK-${n},"Name ${n}",${number},"Demo, clinic ${n % 7}"\r\n`);
  }
  out.end();
  await once(out, 'finish');
}

/** A valid Swedish mobile number in national format: 070-1xx xx xx. */
function formatSwedish(n: number): string {
  const digits = String(1_000_000 + n).padStart(7, '0');
  return `070-${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;
}
