import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EXCERPT_CHARS, shorten } from '../../../src/reports/reportHtml.js';
import type { ReportableRow } from '../../../src/reports/reportRecord.js';
import { type WrittenReport, writeReport } from '../../../src/reports/writeReport.js';
import { openDatabase } from '../../../src/storage/database.js';
import { DatabaseResultsStore } from '../../../src/storage/databaseResultsStore.js';
import { PreparedCampaignStore } from '../../../src/storage/preparedCampaignStore.js';
import { plan } from '../../support/purgeFixture.js';
import { readChunk } from './readChunk.js';
import {
  asyncOf,
  attempt,
  CAMPAIGN,
  contactRow,
  entriesOf,
  MemoryResultsStore,
  rowResult,
} from './reportFixtures.js';

const HOSTILE = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>';

function campaignRows(): ReportableRow[] {
  return [
    contactRow(2, { columns: { name: '=HYPERLINK("http://evil.example","click")', phone: '070-123 45 02' } }),
    contactRow(3, {
      columns: { name: 'Björn, "Bosse"', phone: '070-123 45 03', note: 'line one\nline two' },
    }),
    contactRow(4, { status: 'invalid', reason: 'phone: not a phone number', phoneE164: undefined }),
    contactRow(5, { status: 'duplicate', duplicateOf: 2, reason: undefined }),
    // valid, no result yet: pending; blanks before "=" do not hide a formula
    contactRow(6, { columns: { name: '  =1+1', phone: '070-123 45 06', note: ' \t@SUM(A1)' } }),
    contactRow(7),
    contactRow(8, { status: 'suppressed', reason: 'on the do-not-call list' }),
  ];
}

describe('writeReport', () => {
  let reportsDir: string;
  let written: WrittenReport;
  let store: MemoryResultsStore;
  const rows = campaignRows();

  beforeAll(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-'));
    store = new MemoryResultsStore();
    const [r2, r3, , , , r7] = rows as [
      ReportableRow,
      ReportableRow,
      ReportableRow,
      ReportableRow,
      ReportableRow,
      ReportableRow,
    ];
    await store.record(
      rowResult(r2, 'completed', [attempt(1, { durationS: 42, credits: 2 })], {
        goalCompleted: true,
        recording: 'recordings/r2-1.mp3',
        transcript: [
          { role: 'user', text: HOSTILE, seq: 2 },
          { role: 'assistant', text: 'Hello, this is the clinic.', seq: 1 },
        ],
      }),
    );
    await store.record(
      rowResult(r3, 'no-answer', [
        attempt(1, { status: 'no-answer', durationS: 0, credits: 0 }),
        attempt(2, { status: 'no-answer', durationS: 0, credits: 0, error: 'nobody answered' }),
      ]),
    );
    await store.record(
      rowResult(r7, 'unknown', [attempt(1, { durationS: 10, credits: 1 })], { error: 'lost track' }),
    );
    // A result for a row the contacts file marks invalid must not change its outcome.
    await store.record({ ...rowResult(rows[2] as ReportableRow, 'completed', [attempt(1)]) });

    written = await writeReport({
      campaignId: CAMPAIGN,
      campaignName: 'Spring <recall> & "friends"',
      entries: entriesOf(rows, store),
      budget: 100,
      startedAt: '2026-02-14T09:59:00.000Z',
      temporalUiUrl: 'http://localhost:8233/',
      namespace: 'default',
      reportsDir,
      now: () => new Date('2026-02-14T10:30:00.000Z'),
    });
  });
  afterAll(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  it('writes the four files and the transcripts chunk, and leaves no temp file', async () => {
    expect((await readdir(written.dir)).sort()).toEqual([
      'report.html',
      'results.csv',
      'results.jsonl',
      'summary.json',
      'transcripts',
    ]);
    expect(await readdir(written.files.transcripts)).toEqual(['0001.js']);
    expect(written.transcriptChunks).toEqual(['0001.js']);
    expect(written.dir).toBe(join(reportsDir, CAMPAIGN));
  });

  describe('results.csv', () => {
    let records: string[][];
    beforeAll(async () => {
      const text = await readFile(written.files.csv, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      records = parse(text, { bom: true, relax_column_count: false });
    });

    it('has the union of the original headers, then the result columns', () => {
      expect(records[0]).toEqual([
        'name',
        'phone',
        'note',
        'row_key',
        'line',
        'phone_e164',
        'outcome',
        'goal_completed',
        'attempts',
        'last_sid',
        'duration_s',
        'credits',
        'recording',
        'error',
        'why',
        'disposition',
        'review',
        'disposition_rule',
      ]);
    });

    it('has one line per contacts row, in input order', () => {
      const body = records.slice(1);
      expect(body).toHaveLength(rows.length);
      expect(body.map((r) => r[4])).toEqual(rows.map((r) => String(r.line)));
    });

    it('gives each row its outcome, pending included, and the reason for skipped rows', () => {
      const byLine = new Map(records.slice(1).map((r) => [r[4], r]));
      expect(byLine.get('2')?.slice(6, 14)).toEqual([
        'completed',
        'true',
        '1',
        'CA1',
        '42',
        '2',
        'recordings/r2-1.mp3',
        '',
      ]);
      expect(byLine.get('3')?.[6]).toBe('no-answer');
      expect(byLine.get('3')?.[13]).toBe('nobody answered');
      expect(byLine.get('4')?.slice(6)).toEqual([
        'invalid',
        '',
        '0',
        '',
        '',
        '',
        '',
        'phone: not a phone number',
        'not called: phone: not a phone number',
        'not_called',
        'false',
        'not_called[0] never called',
      ]);
      expect(byLine.get('5')?.[13]).toBe('duplicate of line 2');
      expect(byLine.get('6')?.[6]).toBe('pending');
      expect(byLine.get('8')?.[6]).toBe('suppressed');
    });

    it('neutralizes formulas and shows E.164 numbers with a leading quote', () => {
      const line2 = records[1] as string[];
      expect(line2[0]).toBe(`'=HYPERLINK("http://evil.example","click")`);
      expect(line2[5]).toBe(`'+46701234502`);
      expect(records[2]?.[0]).toBe('Björn, "Bosse"');
      expect(records[2]?.[2]).toBe('line one\nline two');
      const line6 = records.find((record) => record[4] === '6');
      expect(line6?.slice(0, 3)).toEqual([`'  =1+1`, '070-123 45 06', `' \t@SUM(A1)`]);
    });
  });

  it('writes results.jsonl with the full record of every row, in input order', async () => {
    const lines = (await readFile(written.files.jsonl, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.line)).toEqual(rows.map((r) => r.line));
    expect(records[0].result.transcript[0].text).toBe(HOSTILE);
    expect(records[0].row.columns.name).toContain('HYPERLINK');
    expect(records[2]).toMatchObject({ outcome: 'invalid', result: null });
    expect(records[4]).toMatchObject({ outcome: 'pending', result: null });
  });

  it('writes summary.json as returned', async () => {
    const summary = JSON.parse(await readFile(written.files.summary, 'utf8'));
    expect(summary).toEqual(written.summary);
    expect(summary.totalRows).toBe(rows.length);
    expect(summary.outcomes).toMatchObject({
      completed: 1,
      'no-answer': 1,
      invalid: 1,
      duplicate: 1,
      suppressed: 1,
      unknown: 1,
      pending: 1,
    });
    expect(summary.credits).toEqual({ spent: 3, budget: 100, remaining: 97, fractionOfBudget: 0.03 });
    expect(summary.needsHuman).toEqual([{ line: 7, rowKey: 'r7', outcome: 'unknown', error: 'lost track' }]);
  });

  describe('report.html', () => {
    let html: string;
    const jsonBlock = (id: string) => {
      const match = html.match(
        new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`),
      );
      expect(match, id).not.toBeNull();
      return JSON.parse((match as RegExpMatchArray)[1] as string);
    };
    beforeAll(async () => {
      html = await readFile(written.files.html, 'utf8');
    });

    it('loads nothing from the network', () => {
      expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i);
      expect(html).not.toMatch(/<link[\s>]/i);
      expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
      expect(html).toContain('Chart.js v4'); // the UMD bundle is inlined
    });

    it('carries a summary of every row, in input order', () => {
      const data = jsonBlock('rows-data');
      expect(data.map((r: unknown[]) => r[0])).toEqual(rows.map((r) => r.line));
      // line, phone, outcome, goal, attempts, durationS, credits, error, recording, excerpt, disposition
      const outcomes: string[] = jsonBlock('meta-data').outcomes;
      const dispositions: Array<{ name: string; review: boolean }> = jsonBlock('meta-data').dispositions;
      const dispositionOf = (name: string) => dispositions.findIndex((d) => d.name === name);
      expect(
        data.map((r: unknown[]) => (r[10] === null ? null : dispositions[r[10] as number]?.name)),
      ).toEqual([
        'needs_review',
        'unreachable',
        'not_called',
        'not_called',
        null,
        'needs_review',
        'not_called',
      ]);
      expect(dispositions.find((d) => d.name === 'needs_review')?.review).toBe(true);
      expect(dispositions.find((d) => d.name === 'unreachable')?.review).toBe(false);
      expect(data.map((r: unknown[]) => outcomes[r[2] as number])).toEqual([
        'completed',
        'no-answer',
        'invalid',
        'duplicate',
        'pending',
        'unknown',
        'suppressed',
      ]);
      expect(data[0]).toEqual([
        2,
        '+46 70*****02', // the page shows •
        0,
        1,
        1,
        42,
        2,
        null,
        'r2-1.mp3',
        shorten(HOSTILE, EXCERPT_CHARS), // what the contact said
        dispositionOf('needs_review'),
      ]);
      expect(data[1]).toEqual([
        3,
        '+46 70*****03',
        1,
        null,
        2,
        0,
        0,
        'nobody answered',
        null,
        '',
        dispositionOf('unreachable'),
      ]);
      expect(data[2]).toEqual([
        4,
        '',
        6,
        null,
        0,
        null,
        null,
        'phone: not a phone number',
        null,
        '',
        dispositionOf('not_called'),
      ]);
      expect(jsonBlock('summary-data').totalRows).toBe(rows.length);
      expect(jsonBlock('meta-data')).toEqual({
        campaignId: CAMPAIGN,
        temporal: { baseUrl: 'http://localhost:8233', namespace: 'default' },
        generation: written.generation,
        chunks: { dir: 'transcripts', rows: 1000, count: 1, callback: 'cmcReportChunk' },
        outcomes,
        dispositions,
      });
      expect(outcomes.at(-1)).toBe('pending');
    });

    it('leaves the whole transcript to the chunk, intact and in call order', async () => {
      // An assistant turn: not in the table's excerpt (the review queue shows a row's last turns).
      expect(JSON.stringify(jsonBlock('rows-data'))).not.toContain('Hello, this is the clinic.');
      const chunk = await readChunk(join(written.files.transcripts, '0001.js'));
      expect(chunk.generation).toBe(written.generation);
      expect(chunk.chunk).toBe(1);
      expect(chunk.rows.map((r) => r.line)).toEqual(rows.map((r) => r.line));
      expect(chunk.rows[0]).toEqual({
        line: 2,
        rowKey: 'r2',
        sid: 'CA1',
        valid: true,
        error: null,
        tries: [{ status: 'completed', endedAt: '2026-02-14T10:01:00.000Z', durationS: 42, error: null }],
        why: 'called 1 time',
        dialChecks: [],
        transcript: [
          ['assistant', 'Hello, this is the clinic.'],
          ['user', HOSTILE],
        ],
      });
      expect(chunk.rows[2]).toMatchObject({
        line: 4,
        valid: false,
        tries: [],
        why: 'not called: phone: not a phone number',
        transcript: [],
      });
    });

    it('cannot be broken out of by user content', () => {
      expect(html).not.toContain('<script>alert(1)');
      expect(html).not.toContain('<img src=x');
      // Only our own five script elements close.
      expect(html.match(/<\/script/gi)).toHaveLength(5);
      expect(html).not.toContain('<!-- <img');
      expect(html).toContain('<h1>Spring &lt;recall&gt; &amp; &quot;friends&quot;</h1>');
      expect(html).not.toContain('46701234502'); // only masked numbers
    });

    it('allows scripts only from itself, the page and its chunks, nothing remote', () => {
      const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/script-src 'unsafe-inline' 'self' file:;/);
      expect(csp).not.toMatch(/https?:|\*|data: *;.*script/);
    });

    it('has inline scripts that are valid JavaScript', () => {
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
      expect(scripts).toHaveLength(2); // Chart.js, then the page's own script
      for (const source of scripts) expect(() => new Function(source)).not.toThrow();
    });

    it('says the run is still going while rows are pending', () => {
      expect(html).toContain('1 rows are pending');
    });
  });

  it('drops a Temporal UI URL that is not http(s)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmc-report-js-'));
    try {
      const report = await writeReport({
        campaignId: CAMPAIGN,
        campaignName: 'x',
        entries: entriesOf([contactRow(2)], new MemoryResultsStore()),
        temporalUiUrl: 'javascript:alert(1)',
        reportsDir: dir,
      });
      const html = await readFile(report.files.html, 'utf8');
      expect(html).not.toContain('javascript:alert');
      expect(html).toContain('"temporal":null');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists a row whose stored result is damaged as unknown instead of failing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cmc-report-corrupt-'));
    try {
      const database = await openDatabase({ kind: 'sqlite', path: join(dataDir, 'campaigns.db') });
      onTestFinished(() => database.close());
      const files = new DatabaseResultsStore(database);
      const prepared = new PreparedCampaignStore(database.db);
      const [good, damaged] = [contactRow(2), contactRow(3)];
      const manifest = {
        plan: plan(CAMPAIGN),
        callOptions: {},
        source: { campaignDir: '/c', date: '2026-02-14' },
      };
      await prepared.write(CAMPAIGN, asyncOf([good, damaged]), () => manifest);
      await files.record(rowResult(good, 'completed', [attempt(1)]));
      await files.record(rowResult(damaged, 'completed', [attempt(1)]));
      await database.db
        .updateTable('row_results')
        .set({ result: '{"half a fi' })
        .where('row_key', '=', 'r3')
        .execute();
      const report = await writeReport({
        campaignId: CAMPAIGN,
        campaignName: 'x',
        entries: prepared.reportEntries(CAMPAIGN),
        reportsDir: dataDir,
      });
      expect(report.summary.outcomes).toMatchObject({ completed: 1, unknown: 1 });
      expect(report.summary.needsHuman).toEqual([
        {
          line: 3,
          rowKey: 'r3',
          outcome: 'unknown',
          error: expect.stringMatching(/^stored result unreadable/),
        },
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects an unsafe campaign id', async () => {
    await expect(
      writeReport({
        campaignId: '../../etc',
        campaignName: 'x',
        entries: entriesOf([], new MemoryResultsStore()),
        reportsDir,
      }),
    ).rejects.toThrow(/campaignId/);
  });
});
