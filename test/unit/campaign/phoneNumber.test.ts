import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../../../src/campaign/phoneNumber.js';
import { collectRows, makeCampaign } from './campaignFixture.js';

describe('normalizePhoneNumber', () => {
  it.each([
    ['070-123 45 67', 'SE', '+46701234567', 'SE', 'mobile'],
    ['(070) 123.45.67', 'SE', '+46701234567', 'SE', 'mobile'],
    ['+46 (0)70 123 45 67', 'SE', '+46701234567', 'SE', 'mobile'],
    ['0046701234567', 'SE', '+46701234567', 'SE', 'mobile'],
    ['08-46 500 412', 'SE', '+46846500412', 'SE', 'fixed_line'],
    ['+44 20 7946 0321', 'SE', '+442079460321', 'GB', 'fixed_line'],
    ['020 7946 0321', 'GB', '+442079460321', 'GB', 'fixed_line'],
    ['(202) 555-0143', 'US', '+12025550143', 'US', 'fixed_line_or_mobile'],
    ['+61 491 570 156', undefined, '+61491570156', 'AU', 'mobile'],
  ])('normalizes %j (default %s) to %s', (input, country, e164, expectedCountry, numberType) => {
    expect(normalizePhoneNumber(input, country)).toMatchObject({
      ok: true,
      e164,
      country: expectedCountry,
      numberType,
    });
  });

  it.each([
    ['', 'phone-empty'],
    ['   ', 'phone-empty'],
    ['abc', 'phone-not-a-number'],
    ['070 123 45 67; 070 123 45 68', 'phone-not-a-number'],
    ['Tel: 070-123 45 67', 'phone-not-a-number'],
    ['+4670123', 'phone-too-short'],
    ['+46 70 123 45 678 9', 'phone-invalid'],
    ['070-17406', 'phone-invalid'],
    ['+999 123 456', 'phone-invalid'],
    ['+46 70 123 45 67 ext. 12', 'phone-extension'],
    ['+46 900 123 456', 'phone-premium-rate'],
    ['4,67017E+10', 'phone-not-a-number'],
  ])('rejects %j as %s, with a reason', (input, code) => {
    const result = normalizePhoneNumber(input, 'SE');
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
  });

  it('explains a number a spreadsheet turned into scientific notation', () => {
    expect(normalizePhoneNumber('4.67017E+10', 'SE')).toMatchObject({
      reason: expect.stringMatching(/format the column as text/),
    });
  });

  it('asks for a country code or defaultCountry for a national number without one', () => {
    expect(normalizePhoneNumber('070-123 45 67')).toMatchObject({
      ok: false,
      code: 'phone-no-country',
      reason: expect.stringMatching(/defaultCountry/),
    });
  });
});

describe('numbers from a CSV of several countries', () => {
  it('gives each row its E.164 number, country and number type', async () => {
    const campaign = await makeCampaign({ contacts: { fixture: 'contacts/international.csv' } });
    const rows = await collectRows(campaign);
    expect(rows).toHaveLength(11);
    for (const row of rows) {
      expect(row.status, `line ${row.line}: ${row.reason}`).toBe('valid');
      expect(row.phoneE164).toBe(row.columns.expect_e164);
      expect(row.country).toBe(row.columns.expect_country);
      expect(row.numberType).toBe(row.columns.expect_type);
    }
  });
});
