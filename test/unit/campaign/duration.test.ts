import { describe, expect, it } from 'vitest';
import { DurationError, parseDuration } from '../../../src/campaign/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['2m', 120_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['0s', 0],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    '1.5h',
    '2 min',
    '2min',
    ' 1s',
    '1s ',
    '1H',
    '-1s',
    '30m1h',
    '1h1h',
    '1ms5s',
    'm',
    'h1',
    '1w',
  ])('rejects %j with a message that quotes it', (text) => {
    expect(() => parseDuration(text)).toThrow(DurationError);
    expect(() => parseDuration(text)).toThrow(JSON.stringify(text));
  });

  it('rejects a duration too large to count in milliseconds', () => {
    expect(() => parseDuration('99999999999999999d')).toThrow(/too large/);
  });

  it('allows at most 30d', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(() => parseDuration('30d1ms')).toThrow('"30d1ms" is too large: a duration may be at most 30d');
    expect(() => parseDuration('720h1ms')).toThrow(/at most 30d/);
  });

  it('takes a larger limit from a caller that needs one, named in its message', () => {
    const limit = { ms: 3650 * 86_400_000, text: '3650d' };
    expect(parseDuration('365d', limit)).toBe(365 * 86_400_000);
    expect(() => parseDuration('3651d', limit)).toThrow(
      '"3651d" is too large: a duration may be at most 3650d',
    );
    expect(() => parseDuration('99999999999999999d', limit)).toThrow(/too large/);
  });
});
