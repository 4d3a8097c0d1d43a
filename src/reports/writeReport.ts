import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AtomicFileWriter, writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment } from '../results/pathSegment.js';
import { CorruptResultError, type ResultsStore } from '../results/resultsStore.js';
import { chartJsUmdSource } from './chartJsBundle.js';
import { mapInOrder } from './mapInOrder.js';
import { htmlRowDetail, htmlRowSummaryJson, reportHtmlHead, reportHtmlTail } from './reportHtml.js';
import {
  type ReportableRow,
  type ReportRecord,
  toReportRecord,
  unreadableResultRecord,
} from './reportRecord.js';
import { resultsCsvHeader, resultsCsvRow, UTF8_BOM } from './resultsCsv.js';
import { type CampaignSummary, SummaryAccumulator } from './summary.js';
import { CHUNK_ROWS, newGeneration, TRANSCRIPTS_DIR, TranscriptChunkWriter } from './transcriptChunks.js';

export interface WriteReportInput {
  campaignId: string;
  campaignName: string;
  /** Every row of the contacts file in input order, valid or not; read once. */
  rows: AsyncIterable<ReportableRow>;
  results: ResultsStore;
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

/** Result files read at once while the report is built. */
const READ_AHEAD = 16;

/**
 * Writes `<reportsDir>/<campaignId>/`: results.csv, results.jsonl, summary.json,
 * report.html and its transcripts/ chunks, one record per contacts row in input order.
 * It may run mid-campaign: valid rows without a result yet show as `pending`.
 *
 * Memory stays flat for 100k rows: pass 1 reads each row's result once and streams
 * the full records (transcripts included) to results.jsonl while it counts the
 * summary and collects the CSV header; pass 2 reads results.jsonl back line by line
 * into results.csv, report.html (a short summary per row) and the transcripts chunks
 * (each row's transcript and details), which all need what pass 1 learned first.
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
    // Pass 1: records -> results.jsonl, summary, header union.
    const jsonl = await open(files.jsonl);
    const accumulator = new SummaryAccumulator();
    const headers = new Set<string>();
    const recordOf = async (row: ReportableRow): Promise<ReportRecord> => {
      if (row.status !== 'valid') return toReportRecord(row, undefined);
      try {
        return toReportRecord(row, await input.results.get(input.campaignId, row.rowKey));
      } catch (error) {
        // One damaged result file must not cost the manager the whole report.
        if (error instanceof CorruptResultError) return unreadableResultRecord(row, error.message);
        throw error;
      }
    };
    const records = mapInOrder(input.rows, recordOf, READ_AHEAD);
    for await (const record of records) {
      for (const name of Object.keys(record.row.columns)) headers.add(name);
      accumulator.add(record);
      await jsonl.write(`${JSON.stringify(record)}\n`);
    }
    await jsonl.flush();
    const summaryContext = {
      campaignId: input.campaignId,
      campaignName: input.campaignName,
      ...(input.budget === undefined ? {} : { budget: input.budget }),
      ...(input.startedAt === undefined ? {} : { startedAt: input.startedAt }),
      ...(input.endedAt === undefined ? {} : { endedAt: input.endedAt }),
      ...(input.now === undefined ? {} : { now: input.now }),
    };
    const summary = accumulator.finish(summaryContext);

    // Pass 2: results.jsonl -> results.csv + report.html.
    const columns = [...headers];
    const csv = await open(files.csv);
    const html = await open(files.html);
    const chunks = await TranscriptChunkWriter.create(dir, generation, CHUNK_ROWS);
    writers.push(chunks);
    await csv.write(UTF8_BOM + resultsCsvHeader(columns));
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
    let first = true;
    const lines = createInterface({ input: createReadStream(jsonl.tempPath, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      const record = JSON.parse(line) as ReportRecord;
      await csv.write(resultsCsvRow(record, columns));
      await html.write(first ? htmlRowSummaryJson(record) : `,${htmlRowSummaryJson(record)}`);
      await chunks.add(htmlRowDetail(record));
      first = false;
    }
    await html.write(reportHtmlTail(chartJs));

    await jsonl.commit();
    await csv.commit();
    await writeFileAtomic(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    await chunks.commit();
    await html.commit();
    await chunks.removeStale();
    return { dir, files, transcriptChunks: chunks.files, generation, summary };
  } catch (error) {
    await Promise.all(writers.map((writer) => writer.abort()));
    throw error;
  }
}
