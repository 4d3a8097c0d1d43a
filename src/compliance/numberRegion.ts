/**
 * The region a number belongs to, as "US-FL" (country-state) where a calling rule needs the
 * state, else the country ("US", "SE"). US states come from the area code: a North American
 * area code never crosses a state line, so this is exact, fast and pure. (libphonenumber's
 * geocoder gives place names, which are ambiguous: +1 845 651 is "Florida, NY".)
 * Only the states a rule in callingRules.ts treats specially are listed; add a state's area
 * codes here when a rule names it. Sources: NANPA area code assignments, checked against
 * libphonenumber's geocoding data in test/unit/compliance/numberRegion.test.ts.
 */
const US_STATE_AREA_CODES: Readonly<Record<string, readonly string[]>> = {
  FL: '239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786 813 850 863 904 941 954'.split(
    ' ',
  ),
  OK: '405 539 572 580 918'.split(' '),
};

const STATE_OF_AREA_CODE = new Map(
  Object.entries(US_STATE_AREA_CODES).flatMap(([state, codes]) =>
    codes.map((code) => [code, state] as const),
  ),
);

/** `country`: the number's ISO 3166 country (libphonenumber's); `e164`: the number as +<digits>. */
export function numberRegion(country: string | undefined, e164: string): string | undefined {
  if (country === undefined) return undefined;
  if (country === 'US' && e164.startsWith('+1')) {
    const state = STATE_OF_AREA_CODE.get(e164.slice(2, 5));
    if (state) return `US-${state}`;
  }
  return country;
}

/** The area codes listed for a US state ("FL"); for tests and docs. */
export function usAreaCodesOf(state: string): readonly string[] {
  return US_STATE_AREA_CODES[state] ?? [];
}
