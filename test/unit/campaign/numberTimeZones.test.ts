import { timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import type { ContactRow } from '../../../src/campaign/contactRow.js';
import { loadNumberTimeZones } from '../../../src/campaign/numberTimeZones.js';
import { rowZones } from '../../../src/campaign/recipientZones.js';

const row = (phoneE164: string, country: string, timezone?: string): ContactRow => ({
  line: 2,
  rowKey: 'r1',
  columns: {},
  phoneE164,
  country,
  status: 'valid',
  overrides: {},
  ...(timezone ? { timezone } : {}),
});

describe('time zones from the number', () => {
  it('gives +1 212 New York only and +1 808 Honolulu only, not every US zone', async () => {
    const zonesOf = await loadNumberTimeZones();
    expect(zonesOf('+12125550123')).toEqual(['America/New_York']);
    expect(zonesOf('+18085550123')).toEqual(['Pacific/Honolulu']);
    expect(zonesOf('+46701740605')).toEqual(['Europe/Stockholm']);
  });

  it('gives several zones only when the prefix really spans them', async () => {
    const zonesOf = await loadNumberTimeZones();
    const tollFree = zonesOf('+18885550123'); // a US toll-free number rings anywhere in NANP
    expect(tollFree).toEqual(expect.arrayContaining(['America/New_York', 'Pacific/Honolulu']));
    expect(tollFree.length).toBeGreaterThan(10);
  });

  it('answers as libphonenumber-geo-carrier timezones() does, for a spread of numbers', async () => {
    const zonesOf = await loadNumberTimeZones();
    const numbers = [
      '+12125550123',
      '+18085550123',
      '+13055550123',
      '+14055550123',
      '+15145550123',
      '+12505550123',
      '+18885550123',
      '+46701740605',
      '+4687654321',
      '+61412345678',
      '+61262345678',
      '+79161234567',
      '+74232345678',
      '+5511912345678',
      '+525512345678',
      '+442071234567',
      '+819012345678',
    ];
    for (const number of numbers) {
      const expected = (await timezones(parsePhoneNumberWithError(number))) ?? [];
      expect(zonesOf(number), number).toEqual(expected);
    }
  });

  it('lets the timezone column win, and uses the number for "recipient" windows', async () => {
    const zonesOf = rowZones({ timezone: 'recipient' }, await loadNumberTimeZones());
    expect(zonesOf(row('+18085550123', 'US'))).toEqual({ timezones: ['Pacific/Honolulu'] });
    expect(zonesOf(row('+18085550123', 'US', 'America/Denver'))).toEqual({ timezones: ['America/Denver'] });
  });

  it('keeps a fixed window zone, and stores the recipient zones and region only for calling rules', async () => {
    const numberZones = await loadNumberTimeZones();
    const plain = rowZones({ timezone: 'America/New_York' }, numberZones);
    expect(plain(row('+13055550123', 'US'))).toEqual({ timezones: ['America/New_York'] });
    const ruled = rowZones({ timezone: 'America/New_York', callingRules: 'us-tcpa' }, numberZones);
    expect(ruled(row('+18085550123', 'US'))).toEqual({
      timezones: ['America/New_York'],
      localTimezones: ['Pacific/Honolulu'],
      region: 'US',
    });
    const recipient = rowZones({ timezone: 'recipient', callingRules: 'us-tcpa' }, numberZones);
    expect(recipient(row('+13055550123', 'US'))).toEqual({
      timezones: ['America/New_York'],
      region: 'US-FL',
    });
  });
});
