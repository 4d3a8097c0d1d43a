import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';

/**
 * Public holidays from the `date-holidays` package (only type "public": no bank days,
 * observances or optional days), as sets of "YYYY-MM-DD" dates per country or region code
 * ("SE", "US-FL", "DE-BY"). Runs in activities and `cmc validate` only, never in workflow
 * code. The library loads data for every country (~0.2 s), so it is required on first use,
 * not at import: `cmc` commands that never meet a holiday do not pay for it.
 */

type HolidaysClass = typeof Holidays;
let library: HolidaysClass | undefined;

function holidaysClass(): HolidaysClass {
  library ??= createRequire(import.meta.url)('date-holidays') as HolidaysClass;
  return library;
}

/** A code split into what date-holidays' init takes: "US-FL" -> US, FL. */
function codeParts(code: string): [country: string, state?: string, region?: string] {
  const [country, state, region] = code.split('-');
  return [country, state, region];
}

const CODE_PATTERN = /^[A-Za-z]{2}(?:-[A-Za-z0-9]{1,20}){0,2}$/;

/** The key of `names` that is `wanted` in any case ("ck" -> none, "Atiu" for "atiu"). */
function keyIn(names: Record<string, string> | undefined, wanted: string): string | undefined {
  const lower = wanted.toLowerCase();
  return Object.keys(names ?? {}).find((key) => key.toLowerCase() === lower);
}

/**
 * `code` as date-holidays spells it ("us-fl" -> "US-FL", "ck-atiu" -> "CK-Atiu"), or
 * undefined when it knows no such country, country-state or country-state-region.
 */
export function canonicalHolidayRegion(code: string): string | undefined {
  if (!CODE_PATTERN.test(code)) return undefined;
  const [countryText, stateText, regionText] = codeParts(code);
  const catalogue = new (holidaysClass())();
  const country = keyIn(catalogue.getCountries(), countryText);
  if (country === undefined || stateText === undefined) return country;
  const state = keyIn(catalogue.getStates(country), stateText);
  if (state === undefined || regionText === undefined) return state && `${country}-${state}`;
  const region = keyIn(catalogue.getRegions(country, state), regionText);
  return region && `${country}-${state}-${region}`;
}

const DAY_MS = 86_400_000;
/** code -> year -> that year's public holiday dates. Holiday rules do not change while a worker runs. */
const cache = new Map<string, Map<number, ReadonlySet<string>>>();

/** The dates of `code`'s public holidays in `year`; a holiday spanning days gives each of them. */
export function publicHolidayDates(code: string, year: number): ReadonlySet<string> {
  let years = cache.get(code);
  if (!years) {
    years = new Map();
    cache.set(code, years);
  }
  let dates = years.get(year);
  if (!dates) {
    const [country, state, region] = codeParts(code);
    const calendar = new (holidaysClass())(country, state ?? '', region ?? '', { types: ['public'] });
    const found = new Set<string>();
    for (const holiday of calendar.getHolidays(year) || []) {
      if (holiday.type !== 'public') continue;
      const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
      const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      for (let day = 0; day < days; day += 1)
        found.add(new Date(first + day * DAY_MS).toISOString().slice(0, 10));
    }
    dates = found;
    years.set(year, dates);
  }
  return dates;
}

/** Whether `localDate` ("YYYY-MM-DD") is a public holiday in any of `codes`. */
export function isPublicHoliday(codes: readonly string[], localDate: string): boolean {
  const year = Number(localDate.slice(0, 4));
  return codes.some((code) => publicHolidayDates(code, year).has(localDate));
}
