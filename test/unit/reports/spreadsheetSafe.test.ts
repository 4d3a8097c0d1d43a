import { describe, expect, it } from 'vitest';
import { spreadsheetSafe } from '../../../src/reports/spreadsheetSafe.js';

describe('spreadsheetSafe', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+46701234567', `'+46701234567`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    ['\n=1+1', `'\n=1+1`],
    // Spreadsheets skip leading blanks before they look for a formula.
    [' =spaced', `' =spaced`],
    ['   +46701234567', `'   +46701234567`],
    [' \t-1', `' \t-1`],
    ['\u00a0@SUM(A1)', `'\u00a0@SUM(A1)`],
    ['  \r\n=cmd|" /C calc"!A0', `'  \r\n=cmd|" /C calc"!A0`],
  ])('prefixes a quote to %j', (input, expected) => {
    expect(spreadsheetSafe(input)).toBe(expected);
  });

  it.each(['', 'Anna Svensson', '46701234567', "'already quoted", 'a=b', 'x+y', '   ', ' Anna = 1'])(
    'leaves %j alone',
    (input) => {
      expect(spreadsheetSafe(input)).toBe(input);
    },
  );
});
