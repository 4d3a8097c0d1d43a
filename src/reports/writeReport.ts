import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AtomicFileWriter, writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment } from '../results/pathSegment.js';
import { chartJsUmdSource } from './chartJsBundle.js';
import { htmlRowDetail, htmlRowSummaryJson, reportHtmlHead, reportHtmlTail } from './reportHtml.js';
import { type ReportEntry, reportRecordOf } from './reportRecord.js';
import { type CsvRowParts, csvRowParts, resultsCsvHeader, resultsCsvRow, UTF8_BOM } from './resultsCsv.js';
import { type CampaignSummary, SummaryAccumulator } from './summary.js';
import { CHUNK_ROWS, newGeneration, TRANSCRIPTS_DIR, TranscriptChunkWriter } from './transcriptChunks.js';

export interface WriteReportInput {
  campaignId: string;
  campaignName: string;
  /** Every row of the contacts file in input order, valid or not, with its result; read once. */
  entries: AsyncIterable<ReportEntry>;
  budget?: number;
  startedAt?: string;
  endedAt?: string;
  /** e.g. http://localhost:8233; rows then link to their call workflow. */
  temporalUiUrl?: string;
  namespace?: string;
  /** The reports root; files go to `<reportsDir>/<campaignId>/`. */
  reportsDir: string;
  now?: () => Date;
}

export interface WrittenReport {
  dir: string;
  files: { csv: string; jsonl: string; summary: string; html: string; transcripts: string };
  /** The chunk files in `transcripts/`, in row order: `0001.js`, `0002.js`, ... */
  transcriptChunks: string[];
  /** This write's id, in report.html and in every chunk. */
  generation: string;
  summary: CampaignSummary;
}

/**
 * Writes `<reportsDir>/<campaignId>/`: results.csv, results.jsonl, summary.json,
 * report.html and its transcripts/ chunks, one record per contacts row in input order.
 * It may run mid-campaign: valid rows without a result yet show as `pending`.
 *
 * Memory stays flat for 100k rows, and each record is built once: pass 1 reads each
 * row and its result, streams the full record (transcript included) to results.jsonl,
 * its details to the transcripts chunks, its short summary to the table of rows and
 * what results.csv needs to a scratch file, while it counts the summary and collects
 * the CSV header. Pass 2 writes what needed all of that first: report.html (its head
 * shows the summary, then the table of rows is copied in) and results.csv (the header
 * is the union of every row's columns) from the small scratch file.
 * Every file goes to a temp name and is renamed at the end, so a reader never sees
 * half a file: the chunks just before report.html, whose generation they carry.
 * Chunk files a previous, longer run of the report left are removed afterwards.
 */
export async function writeReport(input: WriteReportInput): Promise<WrittenReport> {
  const dir = join(input.reportsDir, assertSafePathSegment('campaignId', input.campaignId));
  const files = {
    csv: join(dir, 'results.csv'),
    jsonl: join(dir, 'results.jsonl'),
    summary: join(dir, 'summary.json'),
    html: join(dir, 'report.html'),
    transcripts: join(dir, TRANSCRIPTS_DIR),
  };
  const generation = newGeneration();
  const chartJs = await chartJsUmdSource();
  const writers: Array<Pick<AtomicFileWriter, 'abort'>> = [];
  const open = async (path: string) => {
    const writer = await AtomicFileWriter.create(path);
    writers.push(writer);
    return writer;
  };
  try {
    // Pass 1: every record -> results.jsonl, the chunks, the two scratch files; summary, header union.
    const jsonl = await open(files.jsonl);
    const chunks = await TranscriptChunkWriter.create(dir, generation, CHUNK_ROWS);
    writers.push(chunks);
    // Never committed: only their temp files are used, and abort() removes them.
    const htmlRows = await open(join(dir, 'report-rows.scratch'));
    const csvParts = await open(join(dir, 'results-csv.scratch'));
    const accumulator = new SummaryAccumulator();
    const headers = new Set<string>();
    let first = true;
    for await (const entry of input.entries) {
      const record = reportRecordOf(entry);
      for (const name of Object.keys(record.row.columns)) headers.add(name);
      accumulator.add(record);
      await jsonl.write(`${JSON.stringify(record)}\n`);
      await chunks.add(htmlRowDetail(record));
      await htmlRows.write(first ? htmlRowSummaryJson(record) : `,${htmlRowSummaryJson(record)}`);
      await csvParts.write(`${JSON.stringify(csvRowParts(record))}\n`);
      first = false;
    }
    await htmlRows.flush();
    await csvParts.flush();
    const summaryContext = {
      campaignId: input.campaignId,
      campaignName: input.campaignName,
      ...(input.budget === undefined ? {} : { budget: input.budget }),
      ...(input.startedAt === undefined ? {} : { startedAt: input.startedAt }),
      ...(input.endedAt === undefined ? {} : { endedAt: input.endedAt }),
      ...(input.now === undefined ? {} : { now: input.now }),
    };
    const summary = accumulator.finish(summaryContext);

    // Pass 2: the summary and the header are known -> report.html, results.csv.
    const html = await open(files.html);
    await html.write(
      reportHtmlHead(summary, {
        campaignId: input.campaignId,
        campaignName: input.campaignName,
        ...(input.temporalUiUrl === undefined ? {} : { temporalUiUrl: input.temporalUiUrl }),
        ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
        generation,
        chunkRows: CHUNK_ROWS,
      }),
    );
    for await (const text of createReadStream(htmlRows.tempPath, 'utf8')) await html.write(text as string);
    await html.write(reportHtmlTail(chartJs));

    const columns = [...headers];
    const csv = await open(files.csv);
    await csv.write(UTF8_BOM + resultsCsvHeader(columns));
    const lines = createInterface({
      input: createReadStream(csvParts.tempPath, 'utf8'),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (line !== '') await csv.write(resultsCsvRow(JSON.parse(line) as CsvRowParts, columns));
    }

    await jsonl.commit();
    await csv.commit();
    await writeFileAtomic(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    await chunks.commit();
    await html.commit();
    await chunks.removeStale();
    await htmlRows.abort();
    await csvParts.abort();
    return { dir, files, transcriptChunks: chunks.files, generation, summary };
  } catch (error) {
    await Promise.all(writers.map((writer) => writer.abort()));
    throw error;
  }
}
