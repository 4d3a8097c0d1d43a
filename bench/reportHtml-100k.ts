/**
 * How big report.html and its transcripts/ chunks get for a big campaign, how long
 * writing them takes and how much memory it needs: writes the report of a synthetic
 * campaign (default 100,000 rows; pass another count as the first argument) to a temp
 * folder and prints the sizes, the wall time and the peak RSS.
 *
 * Worst case for size: every valid row is a completed call with a six-line transcript
 * (about 330 characters, some non-ASCII names) and a recording; 1% of rows are invalid
 * or duplicates. Rows and results are made up on demand, so the RSS is the writer's.
 *
 *   npx tsx bench/reportHtml-100k.ts           # 100k rows
 *   npx tsx bench/reportHtml-100k.ts 300000    # memory should stay about the same
 *   npx tsx bench/reportHtml-100k.ts 100000 --keep   # keep the folder to open it
 *
 * BENCH_WRITE_REPORT=<path to a writeReport.ts> measures another version of the writer
 * (e.g. an older one) with the same data.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReportEntry } from '../src/reports/reportRecord.js';
import type { writeReport as WriteReport } from '../src/reports/writeReport.js';
import type { RowResult } from '../src/results/rowResult.js';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const rowCount = Number(args.find((arg) => !arg.startsWith('--')) ?? 100_000);
if (!Number.isInteger(rowCount) || rowCount < 1) throw new Error(`not a row count: ${args.join(' ')}`);
const modulePath =
  process.env.BENCH_WRITE_REPORT ?? path.join(import.meta.dirname, '../src/reports/writeReport.ts');
const { writeReport } = (await import(pathToFileURL(path.resolve(modulePath)).href)) as {
  writeReport: typeof WriteReport;
};

const CAMPAIGN = 'bench-report';
const NAMES = ['Anna', 'Björn', 'Åsa', 'Erik', 'Maja', 'Jörgen', 'Sara', 'Olle', 'Linnéa', 'Karin'];

function rowKeyOf(line: number): string {
  return `r${line.toString(16).padStart(16, '0')}`;
}

function phoneOf(line: number): string {
  return `+4670${String(1_000_000 + line).slice(-7)}`;
}

async function* reportEntries(count: number): AsyncGenerator<ReportEntry> {
  for (let line = 2; line < count + 2; line++) {
    const columns = { booking_id: `BK-${line}`, first_name: NAMES[line % NAMES.length] as string };
    if (line % 100 === 0) {
      yield {
        row: {
          line,
          rowKey: `line-${line}`,
          columns,
          status: 'invalid',
          reason: 'not a phone number',
          column: 'phone',
        },
      };
    } else if (line % 100 === 50) {
      yield {
        row: {
          line,
          rowKey: `line-${line}`,
          columns,
          phoneE164: phoneOf(line - 1),
          status: 'duplicate',
          duplicateOf: line - 1,
        },
      };
    } else {
      const rowKey = rowKeyOf(line);
      yield {
        row: { line, rowKey, columns, phoneE164: phoneOf(line), status: 'valid' },
        result: resultOf(rowKey),
      };
    }
  }
}

/** A confirmation call; six turns, each a little different per row. */
function transcript(line: number): RowResult['transcript'] {
  const name = NAMES[line % NAMES.length] as string;
  const day = (line % 28) + 1;
  const time = `${9 + (line % 8)}:${String((line * 7) % 60).padStart(2, '0')}`;
  const turns: Array<[string, string]> = [
    ['assistant', `Hello, this is the assistant from Demo Clinic ${line % 7}, am I speaking with ${name}?`],
    ['user', line % 3 === 0 ? `Yes, this is ${name}, who is calling?` : `Yes, speaking. What's this about?`],
    ['assistant', `You have an appointment on March ${day} at ${time}. Can you make it?`],
    [
      'user',
      line % 5 === 0 ? 'No, I need to move it, sorry.' : 'Yes, I will be there, thanks for the reminder.',
    ],
    [
      'assistant',
      line % 5 === 0 ? 'Noted, the clinic will call you to find a new time.' : 'Great, see you then!',
    ],
    ['user', 'Thank you, bye.'],
  ];
  return turns.map(([role, text], i) => ({
    role,
    text,
    seq: i + 1,
    timestamp: `2026-03-02T10:${String(i).padStart(2, '0')}:00.000Z`,
  }));
}

/** A result made up from the row key: nothing is held. */
function resultOf(rowKey: string): RowResult {
  const line = Number.parseInt(rowKey.slice(1), 16);
  const started = new Date(Date.UTC(2026, 2, 2, 9, 0, 0) + line * 1_000);
  return {
    campaignId: CAMPAIGN,
    rowKey,
    line,
    columns: { booking_id: `BK-${line}`, first_name: NAMES[line % NAMES.length] as string },
    phoneE164: phoneOf(line),
    outcome: 'completed',
    goalCompleted: line % 5 !== 0,
    transcript: transcript(line),
    attempts: [
      {
        attempt: 1,
        clientRequestId: `${CAMPAIGN}:${rowKey}:1`,
        sid: `CA${line.toString(16).padStart(32, '0')}`,
        status: 'completed',
        startedAt: started.toISOString(),
        endedAt: new Date(started.getTime() + 75_000).toISOString(),
        durationS: 45 + (line % 40),
        credits: 2,
      },
    ],
    recording: `recordings/${rowKey}-1.mp3`,
    recordedAt: new Date(started.getTime() + 80_000).toISOString(),
  };
}

async function folderBytes(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    files += 1;
    bytes += (await stat(path.join(dir, name))).size;
  }
  return { files, bytes };
}

const reportsDir = await mkdtemp(path.join(tmpdir(), 'cmc-bench-report-'));
try {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const written = await writeReport({
    campaignId: CAMPAIGN,
    campaignName: 'Report benchmark',
    entries: reportEntries(rowCount),
    budget: rowCount * 3,
    reportsDir,
  });
  const seconds = (performance.now() - started) / 1000;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(2)} MB`;
  const html = (await stat(written.files.html)).size;
  const chunks = await folderBytes(path.join(written.dir, 'transcripts'));
  const jsonl = (await stat(written.files.jsonl)).size;
  const csv = (await stat(written.files.csv)).size;

  console.log(`writer:      ${path.relative(process.cwd(), modulePath)}`);
  console.log(`rows:        ${written.summary.totalRows.toLocaleString('en-US')}`);
  console.log(`report.html: ${mb(html)} (${Math.round(html / rowCount)} bytes/row)`);
  console.log(`transcripts: ${mb(chunks.bytes)} in ${chunks.files} chunk files`);
  console.log(`also:        results.jsonl ${mb(jsonl)}, results.csv ${mb(csv)}`);
  console.log(
    `time:        ${seconds.toFixed(2)} s (${Math.round(rowCount / seconds).toLocaleString('en-US')} rows/s)`,
  );
  console.log(`RSS before:  ${(rssBefore / 1024 / 1024).toFixed(0)} MiB`);
  console.log(`peak RSS:    ${peakRssMiB.toFixed(0)} MiB`);
  if (keep) console.log(`kept:        ${written.files.html}`);
} finally {
  if (!keep) await rm(reportsDir, { recursive: true, force: true });
}
