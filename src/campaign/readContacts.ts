import type { ContactRow } from './contactRow.js';
import { ContactsFileError } from './contactsFileError.js';
import { analyzeContactsHeader } from './contactsHeader.js';
import { type CsvRecord, openCsv } from './csvRecords.js';
import type { CsvDelimiter } from './detectDelimiter.js';
import type { LoadedCampaign } from './loadCampaign.js';
import { createRowClassifier, type RowClassifier } from './rowClassifier.js';
import { type CampaignWarning, loadSuppressionList } from './suppressionList.js';

/**
 * Streams the campaign's contacts: one ContactRow per data row, in file order,
 * whatever its status, so a report can have one line per CSV row. Memory stays
 * flat: rows are parsed as they are read; only the numbers and ids seen so far
 * are remembered (for dedupe), plus the suppression list.
 *
 * Errors: problems with a single row are never thrown; the row comes out with
 * status 'invalid' and a reason. Problems that stop the whole campaign are thrown
 * as a ContactsFileError (with line numbers):
 *  - BEFORE the first row, for the header: missing phone/id/template columns,
 *    duplicate names, too many columns, an empty file; and for a suppression list
 *    that cannot be read;
 *  - at the end, for a file with a header but no data rows;
 *  - mid-stream, for damage found while reading: bytes that are not UTF-8, a quote
 *    never closed, a record over the size limit, a file over the size limit.
 * Because of the last kind, a consumer that must not act on a partly valid file
 * (anything that places calls) reads to the end before acting, e.g. through
 * validateCampaign, or collects the rows first.
 */
export interface ContactsHeaderInfo {
  /** Absolute path of the contacts CSV. */
  file: string;
  line: number;
  delimiter: CsvDelimiter;
  delimiterDetected: boolean;
  /** Header names as written (trimmed). */
  columns: string[];
  /** Columns that override a start-call option for their row (e.g. "language"). */
  overrideColumns: string[];
}

export interface ReadContactsOptions {
  /** Keys the HMAC of number-derived row keys (CMC_ROW_KEY_SECRET). */
  rowKeySecret: string;
  /** Problems that do not stop the campaign, such as a suppression entry that is not a number. */
  onWarning?: (warning: CampaignWarning) => void;
  /** Called once the header has been checked, before the first row. */
  onHeader?: (header: ContactsHeaderInfo) => void;
}

export async function* readContacts(
  campaign: LoadedCampaign,
  options: ReadContactsOptions,
): AsyncGenerator<ContactRow, void, undefined> {
  // Each row is classified when it is asked for, not its whole chunk ahead of it: a reader
  // that stops early (or meets a damaged file) has had exactly the rows it took classified.
  const { classify, records } = await openContacts(campaign, options);
  for await (const batch of records) {
    for (const record of batch) yield classify(record);
  }
}

/**
 * readContacts, a batch of rows at a time (the rows of one chunk of the file as parsed,
 * never empty): the same rows in the same order, for a consumer that handles many rows
 * per await, such as the prepare activity writing them to the store.
 */
export async function* readContactBatches(
  campaign: LoadedCampaign,
  options: ReadContactsOptions,
): AsyncGenerator<ContactRow[], void, undefined> {
  const { classify, records } = await openContacts(campaign, options);
  for await (const batch of records) yield batch.map((record) => classify(record));
}

interface OpenedContacts {
  classify: RowClassifier;
  /** The data records (blank lines left out) in batches, never empty; it closes the file when done. */
  records: AsyncGenerator<CsvRecord[], void, undefined>;
}

/** Opens the contacts file and checks its header (and loads the suppression lists) for the readers above. */
async function openContacts(campaign: LoadedCampaign, options: ReadContactsOptions): Promise<OpenedContacts> {
  const { config, contactsPath: file } = campaign;
  const csv = await openCsv(file, { delimiter: config.delimiter, limits: config.limits });
  const batches = csv.recordBatches;
  try {
    // The header is the first record that is not blank; the rest of its batch are data.
    let batch: CsvRecord[] = [];
    let start = 0;
    for (;;) {
      while (start < batch.length && isBlank(batch[start].fields)) start++;
      if (start < batch.length) break;
      const next = await batches.next();
      if (next.done) {
        throw new ContactsFileError(file, [
          { line: 1, message: 'the file is empty: expected a header line naming the columns' },
        ]);
      }
      batch = next.value;
      start = 0;
    }
    const header = analyzeContactsHeader(file, batch[start], config);
    const suppression = await loadSuppressionList(campaign, options.onWarning);
    options.onHeader?.({
      file,
      line: header.line,
      delimiter: csv.delimiter,
      delimiterDetected: csv.delimiterDetected,
      columns: header.names.filter((name) => name !== ''),
      overrideColumns: header.overrides.map(({ index }) => header.names[index]),
    });
    const classify = createRowClassifier({ header, config, suppression, rowKeySecret: options.rowKeySecret });
    return { classify, records: dataRecords(file, header.line, batch.slice(start + 1), batches) };
  } catch (error) {
    await batches.return(undefined);
    throw error;
  }
}

async function* dataRecords(
  file: string,
  headerLine: number,
  afterHeader: CsvRecord[],
  batches: AsyncGenerator<CsvRecord[]>,
): AsyncGenerator<CsvRecord[], void, undefined> {
  try {
    let rows = 0;
    for (let records = afterHeader; ; ) {
      // Blank lines and delimiter-only lines (";;;;" from a spreadsheet) are not contacts.
      const contacts = records.filter((record) => !isBlank(record.fields));
      rows += contacts.length;
      if (contacts.length > 0) yield contacts;
      const next = await batches.next();
      if (next.done) break;
      records = next.value;
    }
    if (rows === 0) {
      throw new ContactsFileError(file, [
        { line: headerLine, message: 'no contacts: the file has a header line but no data rows' },
      ]);
    }
  } finally {
    await batches.return(undefined);
  }
}

function isBlank(fields: string[]): boolean {
  return fields.every((field) => field.trim() === '');
}
