import { afterEach, describe, expect, it, vi } from 'vitest';
import { campaignWith, makeCampaignDir } from './campaignFixture.js';
import { runValidate } from './runValidate.js';

/**
 * However long a value in a CSV file is, an error or a row's reason quotes at most
 * about 120 characters of it (quotedExcerpt), in the human output and in --json.
 */
const LONG = 5_000;
const filler = (letter: string) => letter.repeat(LONG);
/** More than 120 of one filler letter in a row means a value was echoed whole. */
const ECHOED = /([a-z])\1{120,}/;

afterEach(() => {
  vi.restoreAllMocks();
});

async function validateBoth(dir: string): Promise<{ human: string; json: string }> {
  return { human: (await runValidate(dir)).stdout, json: (await runValidate(dir, '--json')).stdout };
}

describe('file content in errors', () => {
  it('quotes only the start of a one-line file that is not a CSV at all (an env dump)', async () => {
    const dir = await makeCampaignDir({ contacts: `CALLMYCALL_API_KEY=${filler('k')}\n` });
    const { human, json } = await validateBoth(dir);
    expect(human).toMatch(/contacts\.csv:1: .*column 1's name is 5019 characters long/);
    expect(human).not.toMatch(ECHOED);
    expect(json).not.toMatch(ECHOED);
  });

  it('quotes at most 120 characters of a header listed in an error', async () => {
    const names = Array.from({ length: 60 }, (_, index) => `column_number_${index}`);
    const dir = await makeCampaignDir({ contacts: `${names.join(',')}\n1,2\n` });
    const { human } = await validateBoth(dir);
    const listed = /no "phone_number" column \(phoneColumn\); the header has: (.*)$/m.exec(human)?.[1];
    expect(listed).toMatch(/^"column_number_0, column_number_1, .*…" \(\d+ characters\)$/);
    expect(listed?.length).toBeLessThan(160);
  });

  it('quotes at most 120 characters of any cell in a row reason or a warning', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ idColumn: 'booking', suppression: ['dnc.csv'] }),
      contacts: [
        'booking,first_name,phone_number,timezone,language',
        `b1,Anna,070${filler('p')},,`,
        `b2,Anna,0701740602,Europe/${filler('t')},`,
        `b3,Anna,0701740603,,${filler('l')}`,
        `${filler('i')},Anna,0701740604,,`,
        'b5,Anna,0701740605,,',
        '',
      ].join('\n'),
      files: { 'dnc.csv': `phone_number,reason\n0701740605,${filler('r')}\n${filler('n')},x\n` },
    });
    const { human, json } = await validateBoth(dir);
    const result = JSON.parse(json);
    expect(result.invalid.map((row: { line: number }) => row.line)).toEqual([2, 3, 4, 5]);
    expect(result.suppressed).toHaveLength(1);
    expect(result.warnings[0].message).toMatch(/suppression entry ignored/);
    expect(human).not.toMatch(ECHOED);
    expect(json).not.toMatch(ECHOED);
  });
});
