import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContactsFileError } from '../../../src/campaign/contactsFileError.js';
import { collectRows, makeCampaign, makeCampaignDir } from './campaignFixture.js';
import { runValidate } from './runValidate.js';

/**
 * A NUL, an ESC or another control character in a cell makes its row invalid, with
 * the line and the column, so it is never called; tab, and CR/LF inside a quoted
 * cell, are ordinary text.
 */
afterEach(() => {
  vi.restoreAllMocks();
});

const HEADER = 'first_name,phone_number,note,';

describe('control characters in CSV cells', () => {
  it('makes the row invalid, naming line and column, and calls nobody for it', async () => {
    const contacts = [
      HEADER,
      'An\u0000na,070-174 06 01,,', // 2: NUL
      'Bo,070-174\u001b[2J06 02,,', // 3: ESC, a terminal escape
      'Cia,070-174 06 03,ok\u007f,', // 4: DEL
      'Dan,070-174 06 04,,\u0085', // 5: C1 control in the unnamed column
      'Eva,070-174 06 05,tab\there,', // 6: tab is fine
      'Fia,070-174 06 06,"two\r\nlines",', // 7-8: CR/LF inside quotes are fine
      'Gun,070-174 06 07,"one\nline more",', // 9-10
      'Hal,070-174 06 08,,', // 11
      '',
    ].join('\n');
    const dir = await makeCampaignDir({ contacts });
    const { stdout } = await runValidate(dir, '--json');
    const result = JSON.parse(stdout);
    expect(result.invalid).toEqual([
      {
        line: 2,
        column: 'first_name',
        code: 'control-character',
        reason: 'contains a control character (U+0000 at character 3): "An\\u0000na"',
      },
      expect.objectContaining({
        line: 3,
        column: 'phone_number',
        code: 'control-character',
        reason: 'contains a control character (U+001B at character 8): "070-174\\u001b[2J06 02"',
      }),
      expect.objectContaining({ line: 4, column: 'note', code: 'control-character' }),
      expect.objectContaining({ line: 5, column: 'column 4', code: 'control-character' }),
    ]);
    expect(result.valid).toBe(4);

    const human = (await runValidate(dir)).stdout;
    expect(human).toMatch(/line 2\s+first_name: contains a control character \(U\+0000 at character 3\)/);
    expect(human).toContain('control character in a cell 4');

    const rows = await collectRows(await makeCampaign({ contacts }));
    expect(rows.map((row) => [row.line, row.status])).toEqual([
      [2, 'invalid'],
      [3, 'invalid'],
      [4, 'invalid'],
      [5, 'invalid'],
      [6, 'valid'],
      [7, 'valid'],
      [9, 'valid'],
      [11, 'valid'],
    ]);
    expect(rows.find((row) => row.line === 7)?.columns.note).toBe('two\r\nlines');
  });

  it('refuses a header with a control character in a name, quoting it escaped', async () => {
    const campaign = await makeCampaign({ contacts: 'first_name,phone\u0000_number\nAnna,0701740601\n' });
    const error = await collectRows(campaign).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContactsFileError);
    expect((error as ContactsFileError).issues).toEqual([
      {
        line: 1,
        message: `column 2's name has a control character (U+0000 at character 6): "phone\\u0000_number"`,
      },
    ]);
  });
});
