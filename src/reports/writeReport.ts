import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { isReview } from '../dispositions/classifyDisposition.js';
import { dispositionDefinitions } from '../dispositions/defaultDispositions.js';
import type { DispositionDefinition } from '../dispositions/dispositionRules.js';
import { AtomicFileWriter, writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment } from '../results/pathSegment.js';
import type { ResultEventCounts } from '../storage/resultEventStore.js';
import { chartJsUmdSource } from './chartJsBundle.js';
import { DispositionIndex } from './dispositionIndex.js';
import { dispositionNames } from './dispositionNames.js';
import {
  htmlRowDetail,
  htmlRowSummaryJson,
  reportHtmlHead,
  reportHtmlRowsStart,
  reportHtmlTail,
} from './reportHtml.js';
import { type ReportEntry, reportRecordOf } from './reportRecord.js';
import { ResultsCsvWriter } from './resultsCsvWriter.js';
import { resultsJsonlLine } from './resultsJsonl.js';
import {
  inReviewQueue,
  REVIEW_QUEUE_ROWS,
  reviewQueueEnd,
  reviewQueueRow,
  reviewQueueStart,
} from './reviewQueueHtml.js';
import { type CampaignSummary, SummaryAccumulator } from './summary.js';
import { CHUNK_ROWS, newGeneration, TRANSCRIPTS_DIR, TranscriptChunkWriter } from './transcriptChunks.js';

export interface WriteReportInput {
  campaignId: string;
  campaignName: string;
  /** Every row of the contacts file in input order, valid or not, with its result; read once. */
  entries: AsyncIterable<ReportEntry>;
  /** The campaign's disposition rules (its manifest's); absent: the default set. */
  dispositions?: DispositionDefinition[];
  /** The campaign's idColumn, shown as the clinic's id in the review queue. */
  idColumn?: string;
  budget?: number;
  /** Result webhook events by state, for a campaign with a resultWebhook. */
  resultWebhooks?: ResultEventCounts;
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
 * Memory stays flat for 100k rows, and each record is built once (its disposition
 * included, recordDisposition.ts): pass 1 reads each row and its result, streams the
 * full record (transcript included) to results.jsonl, its details to the transcripts
 * chunks, its short summary to the table of rows, its review queue entry and what
 * results.csv needs to scratch files, while it counts the summary. Pass 2 writes what
 * needed all of that first: report.html (its head shows the summary, then the review
 * queue and the table of rows are copied in) and results.csv (the header is the union
 * of every row's columns and captured values) from the small scratch file.
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
  const definitions = dispositionDefinitions(input.dispositions);
  const names = dispositionNames(definitions);
  const isReviewName = (name: string) => isReview(definitions, name);
  const writers: Array<Pick<AtomicFileWriter, 'abort'>> = [];
  const open = async (path: string) => {
    const writer = await AtomicFileWriter.create(path);
    writers.push(writer);
    return writer;
  };
  try {
    // Pass 1: every record -> results.jsonl, the chunks, the scratch files; the summary.
    const jsonl = await open(files.jsonl);
    const chunks = await TranscriptChunkWriter.create(dir, generation, CHUNK_ROWS);
    writers.push(chunks);
    // Never committed: only their temp files are used, and abort() removes them.
    const htmlRows = await open(join(dir, 'report-rows.scratch'));
    const reviewRows = await open(join(dir, 'review-queue.scratch'));
    const csv = await ResultsCsvWriter.create(join(dir, 'results-csv.scratch'));
    writers.push(csv);
    const accumulator = new SummaryAccumulator(names);
    const dispositionIndex = new DispositionIndex(names, isReviewName);
    let first = true;
    let reviewListed = 0;
    for await (const entry of input.entries) {
      const record = reportRecordOf(entry, definitions);
      accumulator.add(record);
      await jsonl.write(resultsJsonlLine(record));
      await chunks.add(htmlRowDetail(record));
      const summaryJson = htmlRowSummaryJson(record, dispositionIndex);
      await htmlRows.write(first ? summaryJson : `,${summaryJson}`);
      if (inReviewQueue(record) && reviewListed < REVIEW_QUEUE_ROWS) {
        await reviewRows.write(reviewQueueRow(record, input.idColumn));
        reviewListed += 1;
      }
      await csv.add(record);
      first = false;
    }
    await htmlRows.flush();
    await reviewRows.flush();
    const summaryContext = {
      campaignId: input.campaignId,
      campaignName: input.campaignName,
      ...(input.budget === undefined ? {} : { budget: input.budget }),
      ...(input.resultWebhooks === undefined ? {} : { resultWebhooks: input.resultWebhooks }),
      ...(input.startedAt === undefined ? {} : { startedAt: input.startedAt }),
      ...(input.endedAt === undefined ? {} : { endedAt: input.endedAt }),
      ...(input.now === undefined ? {} : { now: input.now }),
    };
    const summary = accumulator.finish(summaryContext);

    // Pass 2: the summary and the columns are known -> report.html, results.csv.
    const html = await open(files.html);
    const htmlMeta = {
      campaignId: input.campaignId,
      campaignName: input.campaignName,
      ...(input.temporalUiUrl === undefined ? {} : { temporalUiUrl: input.temporalUiUrl }),
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      generation,
      chunkRows: CHUNK_ROWS,
      dispositions: dispositionIndex.dispositions,
    };
    const reviewMeta = {
      campaignId: input.campaignId,
      ...(input.idColumn === undefined ? {} : { idColumn: input.idColumn }),
    };
    await html.write(reportHtmlHead(summary, htmlMeta, isReviewName));
    await html.write(reviewQueueStart(summary, reviewMeta, isReviewName));
    await copyInto(html, reviewRows.tempPath);
    await html.write(reviewQueueEnd(summary));
    await html.write(reportHtmlRowsStart(summary, htmlMeta));
    await copyInto(html, htmlRows.tempPath);
    await html.write(reportHtmlTail(chartJs));

    const csvFile = await open(files.csv);
    await csv.writeTo(csvFile);

    await jsonl.commit();
    await csvFile.commit();
    await writeFileAtomic(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    await chunks.commit();
    await html.commit();
    await chunks.removeStale();
    await htmlRows.abort();
    await reviewRows.abort();
    return { dir, files, transcriptChunks: chunks.files, generation, summary };
  } catch (error) {
    await Promise.all(writers.map((writer) => writer.abort()));
    throw error;
  }
}

/** Appends a scratch file's text to `out`. */
async function copyInto(out: AtomicFileWriter, scratchPath: string): Promise<void> {
  for await (const text of createReadStream(scratchPath, 'utf8')) await out.write(text as string);
}
