import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline, type TransformCallback, type TransformOptions } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { ContactsFileError } from './contactsFileError.js';
import { type CsvDelimiter, detectDelimiter, firstLine } from './detectDelimiter.js';
import { quotedExcerpt } from './quotedExcerpt.js';
import { fileTooLarge, Utf8Validator } from './utf8Validator.js';

/**
 * Streams a CSV file as records that know the physical line they start on.
 *
 * csv-parse's `info.lines` counts where a record ENDS, and miscounts "\r\n" inside
 * quoted fields, so we number lines ourselves: every record (blank lines included,
 * hence no `skip_empty_lines`) starts on the line after the previous one ended, and
 * spans one line plus the line breaks inside its quoted fields.
 *
 * File-level problems (not UTF-8, too large, a record too long, a quote never
 * closed) end the stream with a ContactsFileError naming the line.
 */
export interface CsvRecord {
  /** Physical line where the record starts; the first line of the file is 1. */
  line: number;
  fields: string[];
}

export interface CsvReadLimits {
  maxFileBytes: number;
  maxRowChars: number;
}

export interface OpenedCsv {
  delimiter: CsvDelimiter;
  /** Whether the delimiter was detected from the header (rather than configured). */
  delimiterDetected: boolean;
  /**
   * The records in file order, in batches as the parser produced them (one per chunk of
   * the file read), for a consumer that handles many records per await. `records` is the
   * same stream one record at a time: read one of the two, not both.
   */
  recordBatches: AsyncGenerator<CsvRecord[]>;
  records: AsyncGenerator<CsvRecord>;
}

const DETECTION_BYTES = 64 * 1024;

export async function openCsv(
  file: string,
  options: { delimiter?: CsvDelimiter; limits: CsvReadLimits },
): Promise<OpenedCsv> {
  const size = await stat(file).then((fileStat) => fileStat.size);
  if (size > options.limits.maxFileBytes) throw fileTooLarge(file, options.limits.maxFileBytes);
  const delimiter = options.delimiter ?? detectDelimiter(firstLine(await readOpening(file)));
  const recordBatches = readRecordBatches(file, delimiter, options.limits);
  return {
    delimiter,
    delimiterDetected: options.delimiter === undefined,
    recordBatches,
    records: oneByOne(recordBatches),
  };
}

async function readOpening(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(DETECTION_BYTES), 0, DETECTION_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function* oneByOne<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

async function* readRecordBatches(
  file: string,
  delimiter: CsvDelimiter,
  limits: CsvReadLimits,
): AsyncGenerator<CsvRecord[]> {
  const parser = new NumberingParser({
    // csv-parse hands stream options to its Transform. One batch waiting at most: the
    // parser stays about one chunk of the file ahead of its reader.
    ...({ readableHighWaterMark: 1 } satisfies TransformOptions),
    delimiter,
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // Operators type `Anna "Annie" Berg` without quoting the field; keep the quotes as text.
    relax_quotes: true,
    max_record_size: limits.maxRowChars,
  });
  // pipeline() destroys every stage with the first error, so iterating the parser rethrows it.
  pipeline(createReadStream(file), new Utf8Validator(file, limits.maxFileBytes), parser, () => {});
  try {
    yield* parser as AsyncIterable<CsvRecord[]>;
  } catch (error) {
    throw error instanceof CsvError ? csvProblem(file, error, parser.nextLine, limits) : error;
  } finally {
    parser.destroy();
  }
}

/**
 * A csv-parse stream whose records come out as CsvRecords, numbered as the parser goes:
 * when it fails, records it already parsed may never reach us (the stream is destroyed),
 * but the count of lines is still right. Numbered where the parser pushes each record
 * rather than in csv-parse's `on_record` option, which builds an info object (three
 * object spreads) for every record only to hand it to a callback that ignores it.
 *
 * The records of one chunk of input come out together, as one array: a stream (and each
 * async iterator after it) then moves one object per chunk instead of one per record.
 */
class NumberingParser extends Parser {
  /** The line the next record starts on. */
  nextLine = 1;
  private batch: CsvRecord[] = [];

  override push(fields: unknown, encoding?: BufferEncoding): boolean {
    if (fields === null) {
      this.pushBatch();
      return super.push(null, encoding);
    }
    const record: CsvRecord = { line: this.nextLine, fields: fields as string[] };
    this.nextLine += 1 + lineBreaksIn(record.fields);
    this.batch.push(record);
    return true;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      this.pushBatch();
      callback(error);
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error?: Error | null) => {
      this.pushBatch();
      callback(error);
    });
  }

  private pushBatch(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    super.push(batch);
  }
}

function lineBreaksIn(fields: string[]): number {
  let breaks = 0;
  for (const field of fields) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return breaks;
}

function csvProblem(file: string, error: CsvError, line: number, limits: CsvReadLimits): ContactsFileError {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ContactsFileError(file, [
        { line, message: 'a quoted field that starts in this record is never closed (a missing ")' },
      ]);
    case 'CSV_MAX_RECORD_SIZE':
      return new ContactsFileError(file, [
        {
          line,
          message: `the record is longer than ${limits.maxRowChars} characters (limits.maxRowChars); is a quote left open?`,
        },
      ]);
    default:
      // csv-parse may quote the field it choked on.
      return new ContactsFileError(file, [
        { line, message: `cannot parse the CSV: ${quotedExcerpt(error.message)}` },
      ]);
  }
}
