import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactsFileError } from '../../../src/campaign/contactsFileError.js';
import { type CsvReadLimits, type CsvRecord, openCsv } from '../../../src/campaign/csvRecords.js';
import { detectDelimiter } from '../../../src/campaign/detectDelimiter.js';
import { FIXTURES } from './campaignFixture.js';

const LIMITS: CsvReadLimits = { maxFileBytes: 10 * 1024 * 1024, maxRowChars: 10_000 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cmc-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(
  content: string | Buffer,
  limits: CsvReadLimits = LIMITS,
): Promise<{ delimiter: string; records: CsvRecord[] }> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(file, content);
  const csv = await openCsv(file, { limits });
  const records: CsvRecord[] = [];
  for await (const record of csv.records) records.push(record);
  return { delimiter: csv.delimiter, records };
}

async function fileError(
  content: string | Buffer,
  limits: CsvReadLimits = LIMITS,
): Promise<ContactsFileError> {
  const error = await readAll(content, limits).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ContactsFileError);
  return error as ContactsFileError;
}

const lines = (records: CsvRecord[]) => records.map((record) => [record.line, record.fields[0]]);

describe('openCsv', () => {
  it('reads a UTF-8 file with BOM and CRLF, numbering a quoted multi-line record by its first line', async () => {
    const bytes = await readFile(path.join(FIXTURES, 'contacts/bom-crlf-multiline.csv'));
    // Guard the fixture itself: git or an editor must not have normalized it.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes('\r\n')).toBe(true);

    const { records } = await readAll(bytes);
    expect(records[0]?.fields).toEqual(['first_name', 'phone_number', 'note']);
    expect(lines(records)).toEqual([
      [1, 'first_name'],
      [2, 'Anna'],
      [3, 'Åsa'],
      [6, ''],
      [7, 'Björn'],
      [8, 'Cecilia'],
    ]);
    expect(records[2]?.fields[2]).toBe('two\r\nline, with comma\r\nand "quotes"');
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('counts physical lines the same way with %s line ends', async (_name, eol) => {
    const text = ['h1,h2', 'a,"x', 'y', 'z"', '', 'b,2', 'c,"p', 'q"', 'd,4'].join(eol) + eol;
    const { records } = await readAll(text);
    expect(lines(records)).toEqual([
      [1, 'h1'],
      [2, 'a'],
      [5, ''],
      [6, 'b'],
      [7, 'c'],
      [9, 'd'],
    ]);
  });

  it('keeps line numbers right over many chunks of CRLF records with quoted newlines', async () => {
    const rows = Array.from({ length: 5000 }, (_, index) => `${index},"note\r\nmore ${index}"`);
    const { records } = await readAll(`id,note\r\n${rows.join('\r\n')}\r\n`);
    expect(records).toHaveLength(5001);
    expect(records[4999]?.fields[0]).toBe('4998');
    expect(records[4999]?.line).toBe(2 + 4998 * 2);
  });

  it('detects ";" from the header line of a European spreadsheet export', async () => {
    const { delimiter, records } = await readAll(
      await readFile(path.join(FIXTURES, 'contacts/semicolon.csv')),
    );
    expect(delimiter).toBe(';');
    expect(records[1]?.fields).toEqual(['Anna', '070-174 06 01', '12,50', 'Demo; Södermalm']);
  });

  it.each([
    ['a,b,c', ','],
    ['a;b;c', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['"last, first";phone;note', ';'],
    ['phone', ','],
  ])('detectDelimiter(%j) is %j', (header, expected) => {
    expect(detectDelimiter(header)).toBe(expected);
  });

  it('keeps stray quotes inside an unquoted field as text', async () => {
    const { records } = await readAll('name,phone\nAnna "Annie" Berg,0701740601\n');
    expect(records[1]?.fields[0]).toBe('Anna "Annie" Berg');
  });

  it('names the line of bytes that are not UTF-8, instead of producing mojibake', async () => {
    const error = await fileError(await readFile(path.join(FIXTURES, 'contacts/latin1.csv')));
    expect(error.issues).toEqual([
      { line: 3, message: expect.stringMatching(/byte 0xC5 is not valid UTF-8.*CSV UTF-8/) },
    ]);
  });

  it('finds a bad byte far into the file, past many chunks, on the right line', async () => {
    const good = Array.from(
      { length: 20_000 },
      (_, index) => `Åsa ${index},070174${String(index).padStart(4, '0')}`,
    );
    const content = Buffer.concat([
      Buffer.from(`name,phone\r\n${good.join('\r\n')}\r\n`),
      Buffer.from([0x47, 0xf6, 0x0d, 0x0a]),
    ]);
    const error = await fileError(content);
    expect(error.issues[0]?.line).toBe(20_002);
  });

  it('accepts multi-byte characters split across read chunks', async () => {
    // fs streams read 64 KiB chunks: shift "Å€Å€" (2- and 3-byte characters) across the boundary.
    const lines100 = `name\n${`${'x'.repeat(99)}\n`.repeat(655)}`;
    for (let shift = 0; shift < 5; shift++) {
      const padding = 'y'.repeat(65_536 - 1 - Buffer.byteLength(lines100) - shift);
      const { records } = await readAll(`${lines100}${padding}Å€Å€\nÖrjan\n`);
      expect(records.slice(-2).map((record) => record.fields[0]?.slice(-4))).toEqual(['Å€Å€', 'rjan']);
      expect(records.at(-1)?.line).toBe(658);
    }
  });

  it.each([
    ['an overlong encoding', [0xc0, 0x80]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
    ['a truncated character at the end of the file', [0xe2, 0x82]],
  ])('rejects %s', async (_name, bytes) => {
    const error = await fileError(Buffer.concat([Buffer.from('name\r\nok\r\nx'), Buffer.from(bytes)]));
    expect(error.issues[0]?.line).toBe(3);
    expect(error.issues[0]?.message).toContain(`byte 0x${bytes[0]?.toString(16).toUpperCase()}`);
  });

  it('says a UTF-16 file must be saved as UTF-8', async () => {
    const error = await fileError(Buffer.from('\uFEFFname,phone\n', 'utf16le'));
    expect(error.issues[0]?.message).toMatch(/UTF-16/);
  });

  it('reports a quote that is never closed at the line of its record', async () => {
    const error = await fileError('name,phone\nAnna,0701740601\n"Bo,0701740602\nCai,0701740603\n');
    expect(error.issues).toEqual([{ line: 3, message: expect.stringMatching(/never closed/) }]);
  });

  it('stops at a record longer than the limit, naming its line', async () => {
    const error = await fileError(`name,note\nAnna,short\nBo,${'x'.repeat(500)}\n`, {
      ...LIMITS,
      maxRowChars: 100,
    });
    expect(error.issues).toEqual([{ line: 3, message: expect.stringMatching(/longer than 100 characters/) }]);
  });

  it('refuses a file larger than the limit before reading it', async () => {
    const error = await fileError(`name\n${'Anna\n'.repeat(100)}`, { ...LIMITS, maxFileBytes: 100 });
    expect(error.issues[0]?.message).toMatch(/larger than the limit of 100 bytes/);
  });
});
