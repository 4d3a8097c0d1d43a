import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, getExampleNumber } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../../../src/campaign/phoneNumber.js';
import { maskPhone, maskPhoneParts } from '../../../src/reports/maskPhone.js';

describe('maskPhone', () => {
  it('keeps the country code and the first and last two digits', () => {
    expect(maskPhone('+46701234567')).toBe('+46 70•••••67');
    expect(maskPhone('+442079460958')).toBe('+44 20••••••58');
    expect(maskPhone('+12025550143')).toBe('+1 20••••••43');
  });

  it('masks what it cannot parse and shows nothing for no number', () => {
    expect(maskPhone('+999123456789')).toBe('+9•••••••••89');
    expect(maskPhone(undefined)).toBe('');
  });
});

describe('maskPhoneParts', () => {
  it('masks a number the classifier parsed exactly as maskPhone masks its E.164, in every country', () => {
    let checked = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      for (const written of [example.formatNational(), example.formatInternational()]) {
        const phone = normalizePhoneNumber(written, country);
        if (!phone.ok) continue;
        expect(phone.e164).toBe(`+${phone.countryCallingCode}${phone.nationalNumber}`);
        expect(maskPhoneParts(phone.countryCallingCode, phone.nationalNumber)).toBe(maskPhone(phone.e164));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});
