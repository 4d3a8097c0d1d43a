import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispositionDefinition } from '../../../src/dispositions/dispositionRules.js';
import { REVIEW_QUEUE_ROWS } from '../../../src/reports/reviewQueueHtml.js';
import { type WrittenReport, writeReport } from '../../../src/reports/writeReport.js';
import {
  CAMPAIGN,
  dispositionCampaign,
  HOSTILE_CAPTURED,
  ID_COLUMN,
  OTHER_LINES,
  PROPOSED_TIME,
  REVIEW_LINES,
} from './dispositionFixtures.js';
import { attempt, contactRow, entriesOf, MemoryResultsStore, rowResult } from './reportFixtures.js';

/** The review queue section of report.html. */
function reviewQueue(html: string): string {
  const match = html.match(/<section class="card" id="review-queue">[\s\S]*?<\/section>/);
  expect(match, 'review queue section').not.toBeNull();
  return (match as RegExpMatchArray)[0];
}

async function storeOf(results: readonly Parameters<MemoryResultsStore['record']>[0][]) {
  const store = new MemoryResultsStore();
  for (const result of results) await store.record(result);
  return store;
}

describe('dispositions in the report', () => {
  let reportsDir: string;
  let written: WrittenReport;
  let csv: string[][];
  let html: string;
  const { rows, results } = dispositionCampaign();

  beforeAll(async () => {
    reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-dispositions-'));
    written = await writeReport({
      campaignId: CAMPAIGN,
      campaignName: 'Dispositions',
      entries: entriesOf(rows, await storeOf(results)),
      idColumn: ID_COLUMN,
      reportsDir,
    });
    csv = parse(await readFile(written.files.csv, 'utf8'), { bom: true });
    html = await readFile(written.files.html, 'utf8');
  });
  afterAll(async () => {
    await rm(reportsDir, { recursive: true, force: true });
  });

  const csvRow = (line: number) => {
    const header = csv[0] as string[];
    const record = csv.find((r) => r[header.indexOf('line')] === String(line)) as string[];
    return Object.fromEntries(header.map((name, i) => [name, record[i]]));
  };

  describe('results.csv', () => {
    it("keeps the contacts file's columns first, then the outcome, disposition and captured-value columns", () => {
      expect(csv[0]).toEqual([
        'booking_id',
        'name',
        'phone',
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
        'proposed_time',
      ]);
      expect(csv).toHaveLength(rows.length + 1);
    });

    it('classifies a result an older build stored without a disposition, with what its rule captured', () => {
      expect(csvRow(2)).toMatchObject({
        booking_id: 'B-1002',
        outcome: 'completed',
        disposition: 'reschedule_requested',
        review: 'true',
        disposition_rule: "reschedule_requested[0] AI's closing sentence (sv)",
        proposed_time: PROPOSED_TIME,
      });
      expect(csvRow(7)).toMatchObject({ outcome: 'unknown', disposition: 'needs_review', review: 'true' });
      expect(csvRow(9)).toMatchObject({ outcome: 'no-answer', disposition: 'unreachable', review: 'false' });
      expect(csvRow(10)).toMatchObject({ disposition: 'opted_out', review: 'true' });
    });

    it('shows the disposition stored with a result as it is', () => {
      expect(csvRow(3)).toMatchObject({
        disposition: 'confirmed',
        review: 'false',
        disposition_rule: "confirmed[1] AI's closing sentence (en)",
        proposed_time: '',
      });
    });

    it('gives rows that were never called not_called, and pending rows none', () => {
      for (const line of [4, 5, 11])
        expect(csvRow(line)).toMatchObject({
          disposition: 'not_called',
          review: 'false',
          disposition_rule: 'not_called[0] never called',
        });
      expect(csvRow(6)).toMatchObject({
        outcome: 'pending',
        disposition: '',
        review: '',
        disposition_rule: '',
      });
    });

    it('writes a captured formula as text', () => {
      expect(csvRow(8).proposed_time).toBe(`'${HOSTILE_CAPTURED}`);
    });
  });

  it('carries the disposition object on every line of results.jsonl, null while pending', async () => {
    const lines = (await readFile(written.files.jsonl, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => r.line)).toEqual(rows.map((r) => r.line));
    expect(lines.find((r) => r.line === 2).disposition).toEqual({
      disposition: 'reschedule_requested',
      rule: "reschedule_requested[0] AI's closing sentence (sv)",
      captured: { proposed_time: PROPOSED_TIME },
      review: true,
    });
    expect(lines.find((r) => r.line === 4).disposition).toMatchObject({ disposition: 'not_called' });
    expect(lines.find((r) => r.line === 6).disposition).toBeNull();
  });

  it('counts every disposition in summary.json, zeros included, and the review queue', async () => {
    const summary = JSON.parse(await readFile(written.files.summary, 'utf8'));
    expect(summary.dispositions).toEqual({
      opted_out: 1,
      wrong_person: 0,
      cancel_requested: 0,
      reschedule_requested: 2,
      confirmed: 1,
      voicemail: 0,
      unreachable: 1,
      failed: 0,
      not_called: 3,
      needs_review: 1,
    });
    expect(summary.reviewQueue).toBe(REVIEW_LINES.length);
    expect(summary.outcomes.pending).toBe(1);
  });

  describe('report.html', () => {
    it('shows the disposition breakdown near the top, before the table', () => {
      const breakdown = html.match(/<section class="card" id="dispositions">[\s\S]*?<\/section>/)?.[0] ?? '';
      expect(breakdown).toMatch(
        /<span class="name">reschedule_requested<\/span><span class="tag">review<\/span><span class="n">2<\/span>/,
      );
      expect(breakdown).toMatch(
        /<span class="name">not_called<\/span><span><\/span><span class="n">3<\/span>/,
      );
      expect(html.indexOf('id="dispositions"')).toBeLessThan(html.indexOf('id="rows-section"'));
      expect(html).toContain('<div class="label">Review queue</div><div class="value">4</div>');
    });

    it('lists the rows a person must act on in the review queue, and no other row', () => {
      const queue = reviewQueue(html);
      const listed = [...queue.matchAll(/<a href="#line=(\d+)">/g)].map((m) => Number(m[1]));
      expect(listed).toEqual(REVIEW_LINES);
      for (const line of OTHER_LINES) expect(queue).not.toContain(`B-${1000 + line}`);
    });

    it("gives each queued row the clinic's id, the masked number, the rule, the captured values, the last turns and the recording", () => {
      const queue = reviewQueue(html);
      const row2 = queue.match(/<tr><td class="num"><a href="#line=2">[\s\S]*?<\/tr>/)?.[0] ?? '';
      expect(queue).toContain(`<th>${ID_COLUMN}</th>`);
      expect(row2).toContain('<td>B-1002</td>');
      expect(row2).toContain('+46 70•••••02');
      expect(row2).toContain('reschedule_requested');
      expect(row2).toContain('reschedule_requested[0] AI&#39;s closing sentence (sv)');
      expect(row2).toContain(`<span class="key">proposed_time</span> ${PROPOSED_TIME}`);
      // The last three turns: not the first one.
      expect(row2).not.toContain('Hej, jag ringer');
      expect(row2).toContain('går det på fredag klockan nio?');
      expect(row2).toContain('Tack, hej då.');
      expect(row2).toContain('<audio controls preload="none" src="recordings/r2-1.mp3"></audio>');
      expect(queue).toContain('no final status after 30 min'); // line 7's problem
      expect(html).not.toContain('46701234502'); // only masked numbers
    });

    it('shows hostile transcripts, rules and captured values as text', () => {
      const queue = reviewQueue(html);
      expect(queue).not.toContain('<script');
      expect(queue).not.toContain('<img');
      expect(queue).not.toContain('<b>');
      expect(queue).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(queue).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=1');
      expect(html.match(/<\/script/gi)).toHaveLength(5); // only the page's own script elements
    });
  });
});

describe('a campaign with its own disposition rules', () => {
  const rules: DispositionDefinition[] = [
    { name: 'will_come', review: false, rules: [{ goalCompleted: true }] },
    { name: 'call_back', review: true, rules: [{ outcome: ['no-answer', 'busy'] }] },
    { name: 'skipped', review: false, rules: [{ outcome: ['invalid', 'duplicate', 'suppressed'] }] },
  ];

  it('counts and queues rows by those rules', async () => {
    const reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-own-rules-'));
    try {
      const [r2, r3, r4, r5] = [
        contactRow(2),
        contactRow(3),
        contactRow(4),
        contactRow(5, { status: 'invalid' }),
      ];
      const store = await storeOf([
        rowResult(r2, 'completed', [attempt(1)], { goalCompleted: true }),
        rowResult(r3, 'no-answer', [attempt(1, { status: 'no-answer' })]),
        rowResult(r4, 'completed', [attempt(1)], { goalCompleted: false }),
      ]);
      const report = await writeReport({
        campaignId: CAMPAIGN,
        campaignName: 'Own rules',
        entries: entriesOf([r2, r3, r4, r5], store),
        dispositions: rules,
        reportsDir,
      });
      expect(report.summary.dispositions).toEqual({
        will_come: 1,
        call_back: 1,
        skipped: 1,
        needs_review: 1,
        not_called: 0,
      });
      expect(report.summary.reviewQueue).toBe(2);
      const queue = reviewQueue(await readFile(report.files.html, 'utf8'));
      expect([...queue.matchAll(/<a href="#line=(\d+)">/g)].map((m) => Number(m[1]))).toEqual([3, 4]);
      expect(queue).not.toContain('<th>booking_id</th>'); // no idColumn: no id column
    } finally {
      await rm(reportsDir, { recursive: true, force: true });
    }
  });
});

describe('a long review queue', () => {
  it(`lists the first ${REVIEW_QUEUE_ROWS} rows and says where the others are`, async () => {
    const reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-long-queue-'));
    try {
      const rows = Array.from({ length: REVIEW_QUEUE_ROWS + 1 }, (_, i) => contactRow(i + 2));
      // Calls with no closing sentence: no rule matches, every row is needs_review.
      const store = await storeOf(rows.map((row) => rowResult(row, 'completed', [attempt(1)])));
      const report = await writeReport({
        campaignId: CAMPAIGN,
        campaignName: 'Long queue',
        entries: entriesOf(rows, store),
        reportsDir,
      });
      const queue = reviewQueue(await readFile(report.files.html, 'utf8'));
      expect(report.summary.reviewQueue).toBe(REVIEW_QUEUE_ROWS + 1);
      expect(queue.match(/<a href="#line=/g)).toHaveLength(REVIEW_QUEUE_ROWS);
      expect(queue).toContain(
        `The first ${REVIEW_QUEUE_ROWS} of ${REVIEW_QUEUE_ROWS + 1} rows are listed here`,
      );
      expect(queue).toContain(`cmc export ${CAMPAIGN} --format csv --only needs_review`);
    } finally {
      await rm(reportsDir, { recursive: true, force: true });
    }
  });

  it('says so when no row needs a person', async () => {
    const reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-empty-queue-'));
    try {
      const report = await writeReport({
        campaignId: CAMPAIGN,
        campaignName: 'Nothing to review',
        entries: entriesOf([contactRow(2, { status: 'invalid' })], new MemoryResultsStore()),
        reportsDir,
      });
      expect(reviewQueue(await readFile(report.files.html, 'utf8'))).toContain('No row needs a person.');
    } finally {
      await rm(reportsDir, { recursive: true, force: true });
    }
  });
});
