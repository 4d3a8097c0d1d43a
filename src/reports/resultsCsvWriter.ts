import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { AtomicFileWriter } from '../results/atomicFile.js';
import type { ReportRecord } from './reportRecord.js';
import { type CsvRowParts, csvRowParts, resultsCsvHeader, resultsCsvRow, UTF8_BOM } from './resultsCsv.js';

/** Where finished text goes: an AtomicFileWriter, or stdout. */
export interface TextSink {
  write(text: string): Promise<void>;
}

/**
 * results.csv from one read of the rows, for the report and `cmc export` alike. Its
 * header is the union of every row's columns and captured values, known only after the
 * last row, so each row's cells wait in a scratch file (never the transcripts, so it
 * stays small) until `writeTo` writes the header and then every row. Memory stays flat
 * at 100k rows.
 */
export class ResultsCsvWriter {
  private readonly columns = new Set<string>();
  private readonly captured = new Set<string>();

  private constructor(private readonly scratch: AtomicFileWriter) {}

  /** `scratchPath` is never created: only its temp file is used, and removed by writeTo or abort. */
  static async create(scratchPath: string): Promise<ResultsCsvWriter> {
    return new ResultsCsvWriter(await AtomicFileWriter.create(scratchPath));
  }

  async add(record: ReportRecord): Promise<void> {
    const parts = csvRowParts(record);
    for (const name of Object.keys(parts.columns)) this.columns.add(name);
    for (const name of Object.keys(parts.captured ?? {})) this.captured.add(name);
    await this.scratch.write(`${JSON.stringify(parts)}\n`);
  }

  /** Writes the whole file (byte order mark, header, rows) to `out`, then drops the scratch file. */
  async writeTo(out: TextSink): Promise<void> {
    await this.scratch.flush();
    const layout = { columns: [...this.columns], captured: [...this.captured] };
    await out.write(UTF8_BOM + resultsCsvHeader(layout));
    const lines = createInterface({
      input: createReadStream(this.scratch.tempPath, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (line !== '') await out.write(resultsCsvRow(JSON.parse(line) as CsvRowParts, layout));
    }
    await this.scratch.abort();
  }

  async abort(): Promise<void> {
    await this.scratch.abort();
  }
}
