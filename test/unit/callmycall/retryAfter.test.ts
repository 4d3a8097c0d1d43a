import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/callmycall/retryAfter.js';

const NOW = Date.UTC(2026, 1, 14, 10, 0, 0); // Sat, 14 Feb 2026 10:00:00 GMT

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Sat, 14 Feb 2026 10:00:30 GMT', NOW)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfter('Saturday, 14-Feb-26 10:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Sat Feb 14 10:00:05 2026', NOW)).toBe(5_000);
    expect(parseRetryAfter('Sun Mar  1 10:00:00 2026', NOW)).toBe(15 * 24 * 3600 * 1000);
  });

  it('gives 0 for a date already in the past', () => {
    expect(parseRetryAfter('Sat, 14 Feb 2026 09:59:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('gives undefined for a missing header or garbage', () => {
    for (const value of [
      null,
      undefined,
      '',
      '   ',
      'soon',
      '-5',
      '1.5',
      '3s',
      'foo 2',
      'Sat, 31 Feb 2026 10:00:00 GMT',
    ]) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });

  it('uses the current time by default', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const ms = parseRetryAfter(inTenSeconds);
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(10_000);
  });
});
