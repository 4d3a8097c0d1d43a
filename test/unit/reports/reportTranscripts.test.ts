import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, shorten, transcriptExcerpt } from '../../../src/reports/reportHtml.js';
import type { ReportableRow, ReportEntry } from '../../../src/reports/reportRecord.js';
import { TranscriptChunkWriter } from '../../../src/reports/transcriptChunks.js';
import { type WrittenReport, writeReport } from '../../../src/reports/writeReport.js';
import { readChunk } from './readChunk.js';
import {
  attempt,
  CAMPAIGN,
  campaignWithTranscripts,
  contactRow,
  entriesOf,
  HOSTILE_TRANSCRIPT,
  MemoryResultsStore,
  rowResult,
} from './reportFixtures.js';

const ROWS = 2_500;

function rowsData(html: string): unknown[][] {
  const match = html.match(/<script type="application\/json" id="rows-data">([\s\S]*?)<\/script>/);
  if (match === null) throw new Error('no rows-data block');
  return JSON.parse(match[1] as string);
}

function metaData(html: string): { generation: string; chunks: { count: number; rows: number } } {
  const match = html.match(/<script type="application\/json" id="meta-data">([\s\S]*?)<\/script>/);
  if (match === null) throw new Error('no meta-data block');
  return JSON.parse(match[1] as string);
}

async function write(
  reportsDir: string,
  rows: ReportableRow[],
  results: MemoryResultsStore,
): Promise<WrittenReport> {
  return await writeReport({
    campaignId: CAMPAIGN,
    campaignName: 'Chunks',
    entries: entriesOf(rows, results),
    reportsDir,
  });
}

/** Temp files (`.name.pid.rand.tmp`) anywhere in the report folder. */
async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.endsWith('.tmp'));
}

describe('report.html with transcripts in chunks, at 2,500 rows', () => {
  let reportsDir: string;
  let written: WrittenReport;
  let html: string;
  let htmlBytes: number;
  let rows: ReportableRow[];

  beforeAll(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-chunks-'));
    const campaign = await campaignWithTranscripts(ROWS);
    rows = campaign.rows;
    written = await write(reportsDir, rows, campaign.store);
    html = await readFile(written.files.html, 'utf8');
    htmlBytes = (await stat(written.files.html)).size;
  });
  afterAll(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('keeps report.html small per row', async () => {
    // The same page with no rows: styles, Chart.js and the script, paid once.
    const emptyDir = await mkdtemp(join(tmpdir(), 'cmc-report-empty-'));
    try {
      const empty = await write(emptyDir, [], new MemoryResultsStore());
      const fixed = (await stat(empty.files.html)).size;
      const perRow = (htmlBytes - fixed) / ROWS;
      // At 100k rows this is what keeps report.html under 15 MB (it was ~520 bytes a row).
      expect(perRow).toBeLessThan(140);
      expect(fixed + perRow * 100_000).toBeLessThan(15_000_000);
      expect(empty.transcriptChunks).toEqual([]);
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('carries only a short excerpt of each transcript', () => {
    const data = rowsData(html);
    expect(data).toHaveLength(ROWS);
    for (const row of data) expect(Array.from(row[9] as string).length).toBeLessThanOrEqual(EXCERPT_CHARS);
    expect(data[0]?.[9]).toBe('Yes, hi, this is patient 2. What is it about? · Yes, I will be…');
    // The assistant's turns are only in the chunks.
    expect(html).not.toContain('Hello, this is Anna');
    expect(html).not.toContain('Can you make it?');
  });

  it('writes chunks of 1,000 rows, each holding its rows in order with their whole transcripts', async () => {
    expect(await readdir(written.files.transcripts)).toEqual(['0001.js', '0002.js', '0003.js']);
    expect(written.transcriptChunks).toEqual(['0001.js', '0002.js', '0003.js']);
    const meta = metaData(html);
    expect(meta.generation).toBe(written.generation);
    expect(meta.chunks).toMatchObject({ count: 3, rows: 1000 });
    const sizes = [1000, 1000, 500];
    for (const [i, name] of written.transcriptChunks.entries()) {
      const chunk = await readChunk(join(written.files.transcripts, name));
      expect(chunk.generation).toBe(written.generation);
      expect(chunk.chunk).toBe(i + 1);
      expect(chunk.rows).toHaveLength(sizes[i] as number);
      const expected = rows.slice(i * 1000, i * 1000 + (sizes[i] as number));
      expect(chunk.rows.map((r) => r.line)).toEqual(expected.map((r) => r.line));
      expect(chunk.rows.map((r) => r.rowKey)).toEqual(expected.map((r) => r.rowKey));
      const last = chunk.rows.at(-1);
      expect(last?.transcript).toHaveLength(6);
      expect(last?.transcript[0]?.[1]).toContain(`line ${expected.at(-1)?.line}.`);
    }
    expect(await tempFiles(written.dir)).toEqual([]);
  });
});

describe('hostile transcript text', () => {
  let reportsDir: string;
  let written: WrittenReport;
  let html: string;

  beforeAll(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-hostile-'));
    const store = new MemoryResultsStore();
    const row = contactRow(2);
    await store.record(
      rowResult(row, 'unknown', [attempt(1, { error: HOSTILE_TRANSCRIPT })], {
        error: HOSTILE_TRANSCRIPT,
        transcript: [
          { role: 'user', text: HOSTILE_TRANSCRIPT, seq: 1 },
          { role: '</script><b>role', text: 'x', seq: 2 },
        ],
      }),
    );
    written = await write(reportsDir, [row, contactRow(3)], store);
    html = await readFile(written.files.html, 'utf8');
  });
  afterAll(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('stays data in the chunk script: one callback call, nothing else runs, text intact', async () => {
    const chunk = await readChunk(join(written.files.transcripts, '0001.js'));
    expect(chunk.rows[0]?.transcript).toEqual([
      ['user', HOSTILE_TRANSCRIPT],
      ['</script><b>role', 'x'],
    ]);
    expect(chunk.rows[0]?.error).toBe(HOSTILE_TRANSCRIPT);
    expect(chunk.rows[0]?.tries[0]?.error).toBe(HOSTILE_TRANSCRIPT);
    // Not even readable as markup, nor a line break to an old JavaScript parser.
    expect(chunk.text).not.toMatch(/[<>\u2028\u2029]/);
    expect(chunk.text).not.toContain('\ud800');
  });

  it('cannot break out of report.html', () => {
    expect(html.match(/<\/script/gi)).toHaveLength(5); // our own five script elements
    expect(html).not.toContain('__pwned=1</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<!-- <img');
    expect(html).not.toMatch(/[\u2028\u2029]/);
    const first = rowsData(html)[0] as unknown[];
    const flat = HOSTILE_TRANSCRIPT.replace(/\s+/g, ' ');
    // The excerpt and the problem text are the hostile text, cut to EXCERPT_CHARS.
    expect(flat.startsWith((first[9] as string).slice(0, -1))).toBe(true);
    expect(flat.startsWith((first[7] as string).slice(0, -1))).toBe(true);
    // The whole text (U+2028 included) is in the summary's needs-a-person list, as data.
    const summary = html.match(/<script type="application\/json" id="summary-data">([\s\S]*?)<\/script>/);
    expect(JSON.parse(summary?.[1] as string).needsHuman[0].error).toBe(HOSTILE_TRANSCRIPT);
  });
});

describe('a report written again', () => {
  let reportsDir: string;
  afterAll(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('replaces the chunks, removes those a longer earlier run left, and keeps other files', async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-stale-'));
    const before = await campaignWithTranscripts(2_500, 'FIRST RUN ');
    const first = await write(reportsDir, before.rows, before.store);
    await writeFile(join(first.files.transcripts, 'README.txt'), 'not ours');

    const after = await campaignWithTranscripts(1_200, 'SECOND RUN ');
    const second = await write(reportsDir, after.rows, after.store);
    expect(second.generation).not.toBe(first.generation);
    expect((await readdir(second.files.transcripts)).sort()).toEqual(['0001.js', '0002.js', 'README.txt']);
    for (const name of ['0001.js', '0002.js']) {
      const chunk = await readChunk(join(second.files.transcripts, name));
      expect(chunk.generation).toBe(second.generation);
      expect(chunk.text).not.toContain('FIRST RUN');
    }
    const html = await readFile(second.files.html, 'utf8');
    expect(metaData(html)).toMatchObject({ generation: second.generation, chunks: { count: 2 } });
    expect(await tempFiles(second.dir)).toEqual([]);
  });

  it('leaves the previous report and its chunks alone when the new write fails', async () => {
    const campaign = await campaignWithTranscripts(1_500, 'KEPT ');
    const kept = await write(reportsDir, campaign.rows, campaign.store);
    const keptHtml = await readFile(kept.files.html, 'utf8');
    async function* failingHalfway(): AsyncGenerator<ReportEntry> {
      for await (const entry of entriesOf(campaign.rows, campaign.store)) {
        if (entry.row.line === campaign.rows[1_100]?.line) throw new Error('database went away');
        yield entry;
      }
    }
    await expect(
      writeReport({ campaignId: CAMPAIGN, campaignName: 'Chunks', entries: failingHalfway(), reportsDir }),
    ).rejects.toThrow('database went away');
    expect(await readFile(kept.files.html, 'utf8')).toBe(keptHtml);
    for (const name of kept.transcriptChunks) {
      expect((await readChunk(join(kept.files.transcripts, name))).generation).toBe(kept.generation);
    }
    expect(await tempFiles(kept.dir)).toEqual([]);
  });

  it('drops the chunks of a write aborted halfway through', async () => {
    const dir = join(reportsDir, 'aborted');
    await mkdir(dir);
    const chunks = await TranscriptChunkWriter.create(dir, '0123456789abcdef', 2);
    for (let line = 2; line < 7; line++) await chunks.add({ line });
    await chunks.abort();
    expect(await readdir(join(dir, 'transcripts'))).toEqual([]);
    await expect(chunks.add({ line: 8 })).rejects.toThrow(/abort/);
  });
});

describe('excerpts', () => {
  it('flattens white space, line separators included, and cuts at a code point with an ellipsis', () => {
    expect(shorten('  a\n\tb\u2028c\u2029 d  ', 10)).toBe('a b c d');
    expect(shorten('abcdefghij', 10)).toBe('abcdefghij');
    expect(shorten('abcdefghijk', 10)).toBe('abcdefghi…');
    expect(shorten('😀'.repeat(12), 10)).toBe(`${'😀'.repeat(9)}…`);
    // Reads only the start of a huge text, and still says it was cut.
    expect(shorten(`${' '.repeat(1_000_000)}tail`, 10)).toBe('…');
  });

  it("is the contact's words, or nothing when they said nothing", () => {
    expect(
      transcriptExcerpt([
        ['assistant', 'Hello'],
        ['user', 'Yes'],
        ['assistant', 'Fine?'],
        ['user', 'Bye'],
      ]),
    ).toBe('Yes · Bye');
    expect(transcriptExcerpt([['assistant', 'Hello, is anyone there?']])).toBe('');
    expect(Array.from(transcriptExcerpt([['user', 'x'.repeat(10_000)]])).length).toBe(EXCERPT_CHARS);
  });
});
