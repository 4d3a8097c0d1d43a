import { describe, expect, it } from 'vitest';
import type { ContactRow } from '../../../src/campaign/contactRow.js';
import { ContactsFileError } from '../../../src/campaign/contactsFileError.js';
import type { LoadedCampaign } from '../../../src/campaign/loadCampaign.js';
import {
  type ContactsHeaderInfo,
  readContactBatches,
  readContacts,
} from '../../../src/campaign/readContacts.js';
import { ROW_KEY_PATTERN } from '../../../src/campaign/rowKey.js';
import type { CampaignWarning } from '../../../src/campaign/suppressionList.js';
import { maskPhone } from '../../../src/reports/maskPhone.js';
import { campaignWith, collectRows, makeCampaign, ROW_KEY_SECRET } from './campaignFixture.js';

async function contactsError(campaign: LoadedCampaign): Promise<ContactsFileError> {
  const error = await collectRows(campaign).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ContactsFileError);
  return error as ContactsFileError;
}

const byLine = (rows: ContactRow[]) => new Map(rows.map((row) => [row.line, row]));

describe('readContacts: the header', () => {
  it('matches header names trimmed and case-insensitively, and keeps them as written', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ call: { task: 'Hi {{FIRST_NAME}} at {{clinic}}' } }),
      contacts: ' First_Name ,PHONE_NUMBER,Clinic\nAnna,070-174 06 01,Demo Lund\n',
    });
    const [row] = await collectRows(campaign);
    expect(row).toMatchObject({
      status: 'valid',
      columns: { First_Name: 'Anna', PHONE_NUMBER: '070-174 06 01', Clinic: 'Demo Lund' },
      task: 'Hi Anna at Demo Lund',
    });
  });

  it('refuses a file without the phone column, suggesting the closest header', async () => {
    const campaign = await makeCampaign({ contacts: { fixture: 'contacts/missing-phone-column.csv' } });
    const error = await contactsError(campaign);
    expect(error.issues).toEqual([
      {
        line: 1,
        column: 'phone_number',
        message: 'no "phone_number" column (phoneColumn); did you mean "phone_numbr"?',
      },
    ]);
  });

  it('refuses template placeholders without a column, all of them, before reading any row', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({
        call: {
          task: 'Confirm {{first_name}} on {{appointment_date}} at {{appointment_time}}',
          additionalPrompt: 'Mention {{clinic|the clinic}}.',
        },
      }),
      contacts: 'first_name,phone_number,appointment_dat\nAnna,070-174 06 01,2026-03-02\n',
    });
    const rows: ContactRow[] = [];
    const error = await (async () => {
      for await (const row of readContacts(campaign, { rowKeySecret: ROW_KEY_SECRET })) rows.push(row);
    })().catch((caught: unknown) => caught);
    expect(rows).toEqual([]);
    expect((error as ContactsFileError).issues).toEqual([
      {
        line: 1,
        column: 'appointment_date',
        message:
          'no "appointment_date" column (used by {{appointment_date}} in call.task); did you mean "appointment_dat"?',
      },
      {
        line: 1,
        column: 'appointment_time',
        message: expect.stringMatching(
          /^no "appointment_time" column \(used by \{\{appointment_time\}\} in call.task\)/,
        ),
      },
      {
        line: 1,
        column: 'clinic',
        message: expect.stringMatching(/^no "clinic" column .*call.additionalPrompt/),
      },
    ]);
  });

  it('refuses duplicate header names instead of letting one overwrite the other', async () => {
    const campaign = await makeCampaign({ contacts: { fixture: 'contacts/duplicate-headers.csv' } });
    const error = await contactsError(campaign);
    expect(error.issues).toEqual([
      {
        line: 1,
        column: 'Phone_Number',
        message: 'duplicate column "Phone_Number" (columns 2 and 3); rename or remove one',
      },
    ]);
  });

  it('refuses a missing idColumn', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ idColumn: 'booking_id' }),
      contacts: 'first_name,phone_number\nAnna,070-174 06 01\n',
    });
    expect((await contactsError(campaign)).issues[0]?.message).toMatch(/no "booking_id" column \(idColumn\)/);
  });

  it('refuses a missing timezoneColumn the campaign names, but not the optional default one', async () => {
    const named = await makeCampaign({
      config: campaignWith({ timezoneColumn: 'tz' }),
      contacts: 'first_name,phone_number\nAnna,070-174 06 01\n',
    });
    expect((await contactsError(named)).issues[0]?.message).toMatch(/no "tz" column \(timezoneColumn\)/);
    const unnamed = await makeCampaign({ contacts: 'first_name,phone_number\nAnna,070-174 06 01\n' });
    expect((await collectRows(unnamed))[0]?.status).toBe('valid');
  });

  it('refuses a header-only file and an empty file', async () => {
    const headerOnly = await makeCampaign({ contacts: { fixture: 'contacts/header-only.csv' } });
    expect((await contactsError(headerOnly)).issues).toEqual([
      { line: 1, message: 'no contacts: the file has a header line but no data rows' },
    ]);
    const empty = await makeCampaign({ contacts: '\n\n' });
    expect((await contactsError(empty)).issues[0]?.message).toMatch(/the file is empty/);
  });

  it('refuses a header with more columns than the limit', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `c${index}`);
    const campaign = await makeCampaign({
      config: campaignWith({ limits: { maxColumns: 10 } }),
      contacts: `phone_number,first_name,${names.join(',')}\n0701740601,Anna\n`,
    });
    expect((await contactsError(campaign)).issues[0]?.message).toMatch(
      /14 columns, more than the limit of 10/,
    );
  });

  it('tells the caller about the header before the first row', async () => {
    const campaign = await makeCampaign({
      contacts: 'first_name;phone_number;language;Voice_Gender\nAnna;070-174 06 01;en;female\n',
    });
    const headers: ContactsHeaderInfo[] = [];
    await collectRows(campaign, { onHeader: (header) => headers.push(header) });
    expect(headers).toEqual([
      {
        file: campaign.contactsPath,
        line: 1,
        delimiter: ';',
        delimiterDetected: true,
        columns: ['first_name', 'phone_number', 'language', 'Voice_Gender'],
        overrideColumns: ['language', 'Voice_Gender'],
      },
    ]);
  });
});

describe('readContacts: rows', () => {
  it('streams every data row in file order with its physical line (BOM, CRLF, quoted newline)', async () => {
    const campaign = await makeCampaign({ contacts: { fixture: 'contacts/bom-crlf-multiline.csv' } });
    const rows = await collectRows(campaign);
    expect(rows.map((row) => [row.line, row.columns.first_name, row.status])).toEqual([
      [2, 'Anna', 'valid'],
      [3, 'Åsa', 'valid'],
      [7, 'Björn', 'valid'],
      [8, 'Cecilia', 'valid'],
    ]);
  });

  it('reads a ";" export and skips blank and delimiter-only lines', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ call: { task: 'Hi {{first_name}} from {{clinic}}' } }),
      contacts: { fixture: 'contacts/semicolon.csv' },
    });
    const rows = await collectRows(campaign);
    expect(rows.map((row) => [row.line, row.phoneE164, row.task])).toEqual([
      [2, '+46701740601', 'Hi Anna from Demo; Södermalm'],
      [3, '+46701740602', 'Hi Erik from Demo Lund'],
      [4, '+46701740603', 'Hi Maja from Demo Majorna'],
    ]);
  });

  it('masks each parsed number as the report does, without parsing it again', async () => {
    const campaign = await makeCampaign({ contacts: { fixture: 'contacts/international.csv' } });
    const rows = await collectRows(campaign);
    const parsed = rows.filter((row) => row.phoneE164 !== undefined);
    expect(parsed.length).toBeGreaterThan(0);
    for (const row of parsed) expect(row.maskedPhone).toBe(maskPhone(row.phoneE164));
    for (const row of rows.filter((other) => other.phoneE164 === undefined))
      expect(row.maskedPhone).toBeUndefined();
  });

  it('ignores trailing empty lines', async () => {
    const campaign = await makeCampaign({ contacts: { fixture: 'contacts/trailing-empty-lines.csv' } });
    expect((await collectRows(campaign)).map((row) => row.line)).toEqual([2, 4]);
  });

  it('takes the configured delimiter over detection', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ delimiter: '|', call: { task: 'Hi {{name}}' } }),
      contacts: 'name|phone_number\nSmith, Anna; Dr|070-174 06 01\n',
    });
    expect((await collectRows(campaign))[0]?.task).toBe('Hi Smith, Anna; Dr');
  });

  it('rejects bad numbers with a reason and column, and keeps the row in the stream', async () => {
    const campaign = await makeCampaign({
      contacts: 'first_name,phone_number\nAnna,070-174 06 01\nBo,\nCai,070-17406\nDan,hello\nEva,+4670123\n',
    });
    const rows = await collectRows(campaign);
    expect(rows.map((row) => [row.line, row.status, row.reasonCode, row.column, row.rowKey])).toEqual([
      [2, 'valid', undefined, undefined, expect.stringMatching(/^r[0-9a-f]{16}$/)],
      [3, 'invalid', 'phone-empty', 'phone_number', 'line-3'],
      [4, 'invalid', 'phone-invalid', 'phone_number', 'line-4'],
      [5, 'invalid', 'phone-not-a-number', 'phone_number', 'line-5'],
      [6, 'invalid', 'phone-too-short', 'phone_number', 'line-6'],
    ]);
    expect(rows[2]?.reason).toBe('"070-17406" is not a valid number for SE');
  });

  it('uses a template default for an empty value, and rejects an empty value without one', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({
        call: { task: 'Confirm {{first_name|there}} at {{time}}', additionalPrompt: 'Clinic: {{clinic}}' },
      }),
      contacts: 'first_name,phone_number,time,clinic\n,0701740601,09:00,Lund\nAnna,0701740602,,\n',
    });
    const [withDefault, missing] = await collectRows(campaign);
    expect(withDefault).toMatchObject({
      status: 'valid',
      task: 'Confirm there at 09:00',
      additionalPrompt: 'Clinic: Lund',
    });
    expect(missing).toMatchObject({
      status: 'invalid',
      reasonCode: 'template-empty',
      column: 'time',
      reason: 'empty time, needed by call.task (or give a default: {{time|...}})',
    });
    expect(missing?.problems?.map((problem) => problem.column)).toEqual(['time', 'clinic']);
  });

  it('flags later rows with the same number as duplicates of the first called row, never merging them', async () => {
    const campaign = await makeCampaign({
      contacts: [
        'first_name,phone_number',
        'Anna,070-174 06 01',
        'Bo,+46 70 174 06 01',
        'Cai,0046701740601',
        'Dan,070-174 06 02',
      ].join('\n'),
    });
    const rows = await collectRows(campaign);
    expect(rows.map((row) => [row.line, row.status, row.duplicateOf])).toEqual([
      [2, 'valid', undefined],
      [3, 'duplicate', 2],
      [4, 'duplicate', 2],
      [5, 'valid', undefined],
    ]);
    expect(rows[1]?.reason).toBe('duplicate of line 2 (same phone number)');
    expect(new Set(rows.map((row) => row.rowKey)).size).toBe(4);
  });

  it('calls the first VALID row of a number: a duplicate of an invalid row is not a duplicate', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ call: { task: 'Hi {{first_name}}' } }),
      contacts: 'first_name,phone_number\n,0701740601\nBo,0701740601\nCai,0701740601\n',
    });
    const rows = await collectRows(campaign);
    expect(rows.map((row) => [row.status, row.duplicateOf])).toEqual([
      ['invalid', undefined],
      ['valid', undefined],
      ['duplicate', 3],
    ]);
  });

  it('with dedupe "none", calls every row and still gives each a distinct key', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ dedupe: 'none' }),
      contacts: 'first_name,phone_number\nAnna,0701740601\nBo,0701740601\n',
    });
    const rows = await collectRows(campaign);
    expect(rows.map((row) => row.status)).toEqual(['valid', 'valid']);
    expect(rows[0]?.rowKey).not.toBe(rows[1]?.rowKey);
  });

  it('never calls a suppressed number, and says which list and why', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ suppression: ['do-not-call.csv', 'bare-list.csv'] }),
      contacts: [
        'first_name,phone_number',
        'Anna,070-174 06 01',
        'Bo,070-174 06 02',
        'Cai,+46701740603',
        'Dan,0701740604',
        'Eva,070 174 06 05',
        'Bo again,0701740602',
      ].join('\n'),
      files: {
        'do-not-call.csv': { fixture: 'suppression/do-not-call.csv' },
        'bare-list.csv': { fixture: 'suppression/bare-list.csv' },
      },
    });
    const warnings: CampaignWarning[] = [];
    const rows = await collectRows(campaign, { onWarning: (warning) => warnings.push(warning) });
    expect(rows.map((row) => [row.line, row.status, row.reason])).toEqual([
      [2, 'valid', undefined],
      [3, 'suppressed', 'on the suppression list do-not-call.csv (line 2): "opted out by SMS"'],
      [4, 'suppressed', 'on the suppression list do-not-call.csv (line 3)'],
      [5, 'suppressed', 'on the suppression list bare-list.csv (line 1)'],
      [6, 'suppressed', 'on the suppression list bare-list.csv (line 2)'],
      [7, 'suppressed', 'on the suppression list do-not-call.csv (line 2): "opted out by SMS"'],
    ]);
    expect(warnings).toEqual([
      {
        file: campaign.suppressionPaths[0],
        line: 4,
        message: 'suppression entry ignored: "not a number" is not a phone number',
      },
    ]);
  });

  it('refuses a suppression list whose configured column is missing', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ suppression: [{ path: 'dnc.csv', column: 'msisdn' }] }),
      contacts: 'first_name,phone_number\nAnna,0701740601\n',
      files: { 'dnc.csv': 'phone,reason\n0701740601,x\n' },
    });
    const error = await contactsError(campaign);
    expect(error.file).toBe(campaign.suppressionPaths[0]);
    expect(error.issues[0]?.message).toMatch(/no "msisdn" column/);
  });

  it('applies per-row call options from columns named like them, and rejects bad values', async () => {
    const campaign = await makeCampaign({
      contacts: [
        'first_name,phone_number,language,voice_gender,max_duration,enable_calendar,transfer_number',
        'Anna,0701740601,en,Female,5m,yes,08-46 500 400',
        'Bo,0701740602,,,120,,',
        'Cai,0701740603,en,robot,,maybe,',
      ].join('\n'),
    });
    const [anna, bo, cai] = await collectRows(campaign);
    expect(anna?.overrides).toEqual({
      language: 'en',
      voice_gender: 'female',
      max_duration: 300,
      enable_calendar: true,
      transfer_number: '+46846500400',
    });
    expect(bo?.overrides).toEqual({ max_duration: 120 });
    expect(cai).toMatchObject({ status: 'invalid', reasonCode: 'override-invalid', column: 'voice_gender' });
    expect(cai?.problems?.map((problem) => problem.column)).toEqual(['voice_gender', 'enable_calendar']);
  });

  it('reads recipient time zones from the timezone column, and rejects unknown ones', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ timezoneColumn: 'tz' }),
      contacts:
        'first_name,phone_number,tz\nAnna,0701740601,europe/london\nBo,0701740602,\nCai,0701740603,CET\n',
    });
    const [anna, bo, cai] = await collectRows(campaign);
    expect(anna?.timezone).toBe('Europe/London');
    expect(bo?.timezone).toBeUndefined();
    expect(cai).toMatchObject({ status: 'invalid', reasonCode: 'timezone-invalid', column: 'tz' });
  });

  it('flags a row with more fields than the header (an unquoted comma), but not trailing empty fields', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ call: { task: 'Hi {{first_name}}' } }),
      contacts: 'first_name,phone_number\nAnna,0701740601,,\nBerg, Bo,0701740602\n',
    });
    const [anna, bo] = await collectRows(campaign);
    expect(anna?.status).toBe('valid');
    expect(bo).toMatchObject({ status: 'invalid', reasonCode: 'too-many-fields' });
    expect(bo?.reason).toMatch(/3 fields but the header has 2/);
  });
});

describe('readContacts: row keys', () => {
  const contacts = 'first_name,phone_number\nAnna,070-174 06 01\nBo,+46 70 174 06 02\n';

  it('derives a stable, safe key from an HMAC of the number, never the number itself', async () => {
    const first = await collectRows(await makeCampaign({ contacts }));
    const again = await collectRows(await makeCampaign({ contacts }));
    expect(first.map((row) => row.rowKey)).toEqual(again.map((row) => row.rowKey));
    for (const row of first) {
      expect(row.rowKey).toMatch(ROW_KEY_PATTERN);
      expect(row.rowKey).toMatch(/^r[0-9a-f]{16}$/);
      expect(row.rowKey).not.toContain('701740');
    }
    const otherSecret = await collectRows(await makeCampaign({ contacts }), {
      rowKeySecret: 'another-secret',
    });
    expect(otherSecret[0]?.rowKey).not.toBe(first[0]?.rowKey);
  });

  it('gives the same key to the same number written differently', async () => {
    const rows = await collectRows(
      await makeCampaign({ contacts: 'first_name,phone_number\nAnna,070-174 06 01\n' }),
    );
    const e164 = await collectRows(
      await makeCampaign({ contacts: 'first_name,phone_number\nAnna,+46701740601\n' }),
    );
    expect(rows[0]?.rowKey).toBe(e164[0]?.rowKey);
  });

  it('uses the idColumn, and rejects empty, unsafe, phone-bearing and repeated ids', async () => {
    const campaign = await makeCampaign({
      config: campaignWith({ idColumn: 'booking_id' }),
      contacts: [
        'booking_id,first_name,phone_number',
        'BK-1001,Anna,0701740601',
        ',Bo,0701740602',
        'BK 1003/x,Cai,0701740603',
        'B-0701740604,Dan,0701740604',
        'BK-1001,Eva,0701740605',
        'line-7,Fia,0701740606',
        'BK-1007,Gus,0701740601',
      ].join('\n'),
    });
    const rows = byLine(await collectRows(campaign));
    expect(rows.get(2)).toMatchObject({ status: 'valid', rowKey: 'BK-1001' });
    expect(rows.get(3)).toMatchObject({ status: 'invalid', reasonCode: 'id-empty', rowKey: 'line-3' });
    expect(rows.get(4)).toMatchObject({ status: 'invalid', reasonCode: 'id-unsafe', column: 'booking_id' });
    expect(rows.get(5)).toMatchObject({
      status: 'invalid',
      reasonCode: 'id-contains-phone',
      rowKey: 'line-5',
    });
    expect(rows.get(5)?.reason).not.toContain('701740604');
    expect(rows.get(6)).toMatchObject({
      status: 'invalid',
      reasonCode: 'id-duplicate',
      reason: 'booking_id "BK-1001" is not unique: line 2 has it too',
    });
    expect(rows.get(7)).toMatchObject({ status: 'invalid', reasonCode: 'id-unsafe' });
    expect(rows.get(8)).toMatchObject({ status: 'duplicate', duplicateOf: 2, rowKey: 'BK-1007' });
  });
});

describe('readContactBatches', () => {
  it('yields the rows readContacts yields, in the same order, a non-empty chunk at a time', async () => {
    // Big enough for several chunks of the file read, with blank lines and a quoted line break.
    const lines = ['first_name,phone_number'];
    for (let n = 1; n <= 6_000; n++) {
      if (n % 1_000 === 0) lines.push('');
      const name = n % 777 === 0 ? `"Anna\r\nBerg ${n}"` : `Person ${n}`;
      lines.push(`${name},070-${String(1_000_000 + n).slice(-7)}`);
    }
    const campaign = await makeCampaign({ contacts: `${lines.join('\r\n')}\r\n` });

    const batches: ContactRow[][] = [];
    for await (const batch of readContactBatches(campaign, { rowKeySecret: ROW_KEY_SECRET }))
      batches.push(batch);
    const oneByOne = await collectRows(campaign);

    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
    expect(batches.flat()).toEqual(oneByOne);
    expect(oneByOne).toHaveLength(6_000);
    // The header, 6,000 rows, 6 blank lines and 7 quoted line breaks before the last row.
    expect(oneByOne.at(-1)?.line).toBe(1 + 6_000 + 6 + 7);
  });
});
