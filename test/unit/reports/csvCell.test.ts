import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../../src/reports/csvCell.js';

describe('csvCell (RFC 4180)', () => {
  it('leaves plain text unquoted', () => {
    expect(csvCell('Anna Svensson')).toBe('Anna Svensson');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, quotes, CR and LF, doubling inner quotes', () => {
    expect(csvCell('Svensson, Anna')).toBe('"Svensson, Anna"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('round-trips through a real CSV parser', () => {
    const cells = ['a,b', 'he said "no"', 'multi\r\nline', "'+46701234567", 'plain'];
    const text = csvLine(cells) + csvLine(['x', 'y', 'z', 'w', 'v']);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text)).toEqual([cells, ['x', 'y', 'z', 'w', 'v']]);
  });
});
