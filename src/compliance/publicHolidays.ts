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

const CODE_PATTERN = /^[A-Z]{2}(?:-[A-Z0-9]{1,6}){0,2}$/;

/** Whether date-holidays knows `code` (country, country-state or country-state-region, upper case). */
export function isKnownHolidayRegion(code: string): boolean {
  if (!CODE_PATTERN.test(code)) return false;
  const [country, state, region] = codeParts(code);
  const catalogue = new (holidaysClass())();
  if (!(country in (catalogue.getCountries() ?? {}))) return false;
  if (state === undefined) return true;
  if (!(state in (catalogue.getStates(country) ?? {}))) return false;
  if (region === undefined) return true;
  return region in (catalogue.getRegions(country, state) ?? {});
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
