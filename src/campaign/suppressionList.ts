import path from 'node:path';
import { ContactsFileError } from './contactsFileError.js';
import type { CsvReadLimits, CsvRecord } from './csvRecords.js';
import { openCsv } from './csvRecords.js';
import type { CsvDelimiter } from './detectDelimiter.js';
import type { LoadedCampaign } from './loadCampaign.js';
import { normalizePhoneNumber } from './phoneNumber.js';

/**
 * Numbers never to call (do-not-call lists, opt-outs), loaded from the campaign's
 * suppression CSVs into a set of E.164 numbers. A file may have a header naming
 * the number column (suppression[].column, else the campaign's phoneColumn or a
 * usual name such as "phone"), or be a bare list with one number per line. An
 * optional "reason" column is quoted in the report. Entries that are not phone
 * numbers are warnings: they cannot match any valid contact.
 */
export interface SuppressionEntry {
  /** File name of the list, for the report. */
  list: string;
  line: number;
  reason?: string;
}

export interface CampaignWarning {
  message: string;
  file?: string;
  line?: number;
}

const USUAL_NUMBER_COLUMNS = [
  'phone_number',
  'phone',
  'number',
  'msisdn',
  'telephone',
  'mobile',
  'phonenumber',
];

export async function loadSuppressionList(
  campaign: LoadedCampaign,
  onWarning: (warning: CampaignWarning) => void = () => {},
): Promise<Map<string, SuppressionEntry>> {
  const suppressed = new Map<string, SuppressionEntry>();
  const { config } = campaign;
  for (const [index, file] of campaign.suppressionPaths.entries()) {
    const source = config.suppression[index];
    const list = path.basename(file);
    const entries = suppressionFileEntries(
      file,
      {
        column: source?.column ?? config.phoneColumn,
        columnConfigured: source?.column !== undefined,
        delimiter: config.delimiter,
        limits: config.limits,
        defaultCountry: config.defaultCountry,
      },
      onWarning,
    );
    for await (const entry of entries) {
      if (suppressed.has(entry.phoneE164)) continue;
      suppressed.set(entry.phoneE164, {
        list,
        line: entry.line,
        ...(entry.reason ? { reason: entry.reason } : {}),
      });
    }
  }
  return suppressed;
}

export interface SuppressionFileOptions {
  /** The number column's name, if the file has a header. */
  column: string;
  /** The operator named the column: a header without it is an error, not a guess. */
  columnConfigured: boolean;
  delimiter?: CsvDelimiter | undefined;
  limits: CsvReadLimits;
  defaultCountry?: string | undefined;
}

/** The numbers of one suppression CSV (header or bare list), as E.164, with their line and reason. */
export async function* suppressionFileEntries(
  file: string,
  options: SuppressionFileOptions,
  onWarning: (warning: CampaignWarning) => void = () => {},
): AsyncIterable<{ phoneE164: string; line: number; reason?: string }> {
  const { records } = await openCsv(file, {
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    limits: options.limits,
  });
  let layout: ListLayout | undefined;
  for await (const record of records) {
    if (record.fields.every((field) => field.trim() === '')) continue;
    if (layout === undefined) {
      layout = listLayout(file, record, options.column, options.columnConfigured);
      if (layout.hasHeader) continue;
    }
    const cell = record.fields[layout.numberIndex] ?? '';
    const phone = normalizePhoneNumber(cell, options.defaultCountry);
    if (!phone.ok) {
      onWarning({ file, line: record.line, message: `suppression entry ignored: ${phone.reason}` });
      continue;
    }
    const reason = layout.reasonIndex === undefined ? '' : (record.fields[layout.reasonIndex] ?? '').trim();
    yield { phoneE164: phone.e164, line: record.line, ...(reason ? { reason } : {}) };
  }
}

interface ListLayout {
  hasHeader: boolean;
  numberIndex: number;
  reasonIndex?: number;
}

function listLayout(file: string, first: CsvRecord, column: string, columnConfigured: boolean): ListLayout {
  const names = first.fields.map((field) => field.trim().toLowerCase());
  const reasonIndex = names.indexOf('reason');
  const withReason = reasonIndex === -1 ? {} : { reasonIndex };
  const named = names.indexOf(column.toLowerCase());
  if (named !== -1) return { hasHeader: true, numberIndex: named, ...withReason };
  if (columnConfigured) {
    throw new ContactsFileError(file, [
      { line: first.line, column, message: `no "${column}" column in the suppression list header` },
    ]);
  }
  const usual = names.findIndex((name) => USUAL_NUMBER_COLUMNS.includes(name));
  if (usual !== -1) return { hasHeader: true, numberIndex: usual, ...withReason };
  if (names.length === 1) {
    // A bare list; its first line is a header only if it holds no digits at all.
    return { hasHeader: !/\d/.test(names[0]), numberIndex: 0 };
  }
  throw new ContactsFileError(file, [
    {
      line: first.line,
      message: `cannot tell which column holds the numbers; name it "${column}" or set suppression[].column`,
    },
  ]);
}
