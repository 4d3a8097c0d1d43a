/**
 * IANA time zone names ("Europe/Stockholm", "UTC"), as Intl knows them, returned in
 * their canonical spelling. Offsets and bare abbreviations ("+01:00", "CET", "EST")
 * are refused even where the tz database has a legacy entry for them: they ignore
 * the local daylight-saving rules, and a calling window an hour off is a call at
 * seven in the morning.
 */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const ABBREVIATIONS = new Set(['cet', 'eet', 'met', 'wet', 'est', 'mst', 'hst']);

// Contacts repeat a handful of zones; the bound keeps a column of garbage from growing it.
const cache = new Map<string, string | undefined>();
const CACHE_LIMIT = 1_000;

/** The canonical zone name, or undefined when `name` is not an IANA zone. */
export function resolveTimeZone(name: string): string | undefined {
  if (cache.has(name)) return cache.get(name);
  const resolved =
    ZONE_NAME.test(name) && !ABBREVIATIONS.has(name.toLowerCase()) ? intlZone(name) : undefined;
  if (cache.size < CACHE_LIMIT) cache.set(name, resolved);
  return resolved;
}

function intlZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
