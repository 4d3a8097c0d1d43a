/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3) into milliseconds to wait.
 *
 * Both forms are accepted: delta-seconds (`120`) and an HTTP-date in any of the three
 * formats a recipient must understand (IMF-fixdate, obsolete RFC 850, asctime).
 * A date already in the past gives 0; anything else (negative or fractional-looking
 * garbage, unknown words, an empty header) gives undefined, so the caller falls back
 * to its own backoff instead of trusting a bad value.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  const at = parseHttpDate(value, now);
  if (at === undefined) return undefined;
  return Math.max(0, at - now);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const SHORT_DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${SHORT_DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
// Sun Nov  6 08:49:37 1994 (always GMT)
const ASCTIME_DATE = new RegExp(`^${SHORT_DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i');

/**
 * Strict HTTP-date parsing. `Date.parse` is not used: it reads asctime as local time
 * and happily turns garbage such as "-5" or "foo 2" into dates.
 */
function parseHttpDate(value: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hh, mm, ss] = match;
    return utc(Number(year), month, Number(day), hh, mm, ss);
  }
  match = RFC850_DATE.exec(value);
  if (match) {
    const [, day, month, yy, hh, mm, ss] = match;
    return utc(fullYearFromTwoDigits(Number(yy), now), month, Number(day), hh, mm, ss);
  }
  match = ASCTIME_DATE.exec(value);
  if (match) {
    const [, month, day, hh, mm, ss, year] = match;
    return utc(Number(year), month, Number(day?.trim()), hh, mm, ss);
  }
  return undefined;
}

/** RFC 9110: a two-digit year more than 50 years in the future means the past century. */
function fullYearFromTwoDigits(yy: number, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  const century = Math.floor(currentYear / 100) * 100;
  const candidate = century + yy;
  return candidate > currentYear + 50 ? candidate - 100 : candidate;
}

function utc(
  year: number,
  monthName: string | undefined,
  day: number,
  hh: string | undefined,
  mm: string | undefined,
  ss: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  const hours = Number(hh);
  const minutes = Number(mm);
  const seconds = Number(ss);
  if (month < 0 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const time = Date.UTC(year, month, day, hours, minutes, Math.min(seconds, 59));
  // Reject dates that Date.UTC silently rolled over, such as 31 Feb.
  if (new Date(time).getUTCDate() !== day) return undefined;
  return time;
}
