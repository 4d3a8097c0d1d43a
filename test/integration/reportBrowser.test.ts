import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportableRow } from '../../src/reports/reportRecord.js';
import { type WrittenReport, writeReport } from '../../src/reports/writeReport.js';
import {
  attempt,
  CAMPAIGN,
  campaignWithTranscripts,
  entriesOf,
  HOSTILE_TRANSCRIPT,
  type MemoryResultsStore,
  rowResult,
} from '../unit/reports/reportFixtures.js';
import { chromiumFlags, findChromium, HeadlessChromium } from './headlessChromium.js';

/**
 * report.html in a real browser, opened from disk (file://, no server), with its
 * Content-Security-Policy in force: rows render, a clicked row loads its transcripts
 * chunk with a <script src> and shows the transcript, hostile text stays text, and a
 * page never shows the chunks of another write of the report. Needs Chromium
 * (`apt-get install -y chromium`, or CHROMIUM_PATH); without it the file is skipped.
 */
const chromium = findChromium();
if (chromium === undefined) {
  console.warn(
    'reportBrowser.test.ts SKIPPED: no Chromium found (set CHROMIUM_PATH or `apt-get install -y chromium`).',
  );
}

const ROWS = 2_500;
const HOSTILE_LINE = 1_234;

describe.skipIf(chromium === undefined)(
  'report.html in headless Chromium from file://',
  { timeout: 60_000 },
  () => {
    let reportsDir: string;
    let rows: ReportableRow[];
    let store: MemoryResultsStore;
    let written: WrittenReport;
    let url: string;
    let browser: HeadlessChromium;
    /** Where in browser.requests the current test's requests start. */
    let mark = 0;

    const write = () =>
      writeReport({
        campaignId: CAMPAIGN,
        campaignName: 'Browser <check>',
        entries: entriesOf(rows, store),
        reportsDir,
      });
    const transcriptsRequested = () =>
      browser.requests
        .slice(mark)
        .filter((u) => u.includes('/transcripts/'))
        .map((u) => u.slice(u.lastIndexOf('/') + 1));

    beforeAll(async () => {
      reportsDir = await mkdtemp(join(tmpdir(), 'cmc-report-browser-'));
      ({ rows, store } = await campaignWithTranscripts(ROWS));
      const hostileRow = rows.find((row) => row.line === HOSTILE_LINE) as ReportableRow;
      await store.record(
        rowResult(hostileRow, 'completed', [attempt(1)], {
          transcript: [
            { role: 'assistant', text: 'Hello?', seq: 1 },
            { role: 'user', text: HOSTILE_TRANSCRIPT, seq: 2 },
          ],
        }),
      );
      written = await write();
      url = pathToFileURL(written.files.html).href;
      browser = await HeadlessChromium.launch(chromium as string);
    });
    afterAll(async () => {
      await browser?.close();
      await rm(reportsDir, { recursive: true, force: true });
    });

    it('renders the rows with masked numbers, and loads no transcripts until asked', async () => {
      await browser.open(url);
      await browser.waitFor(`document.querySelectorAll('#rows-body tr.row').length === 50`);
      expect(await browser.evaluate<string>(`document.getElementById('row-count').textContent`)).toMatch(
        /^2.500 rows$/,
      );
      const first = await browser.evaluate<string[]>(
        `Array.from(document.querySelectorAll('#rows-body tr.row')[0].cells).map((c) => c.textContent)`,
      );
      expect(first.slice(0, 4)).toEqual(['2', '+46 70•••••02', 'Completed', 'confirmed']);
      expect(first[8]).toBe('Yes, hi, this is patient 2. What is it about? · Yes, I will be…');
      expect(first[9]).toBe('audio');
      expect(
        await browser.evaluate<string>(`document.querySelector('#rows-body tr.row a').getAttribute('href')`),
      ).toBe('recordings/r0000000000000002-1.mp3');
      expect(transcriptsRequested()).toEqual([]);
    });

    it('shows the whole transcript of a clicked row, read from its chunk', async () => {
      await browser.click('#rows-body tr.row[data-line="5"]');
      const turns = await browser.waitFor<string[]>(`(() => {
      const turns = document.querySelectorAll('tr.detail .transcript .turn');
      return turns.length > 0 && Array.from(turns).map((t) => t.textContent);
    })()`);
      expect(turns).toEqual([
        'AssistantHello, this is Anna calling from Demo Clinic about your appointment, line 5.',
        'ContactYes, hi, this is patient 5. What is it about?',
        'AssistantYou have an appointment on March 6 at 09:30. Can you make it?',
        'ContactYes, I will be there, thank you for reminding me (row 5).',
        'AssistantThank you, your appointment is confirmed.',
        'ContactThanks, bye.',
      ]);
      expect(await browser.evaluate<string>('location.hash')).toBe('#line=5');
      expect(await browser.evaluate<string>(`document.querySelector('tr.detail').textContent`)).toContain(
        'CA5',
      );
      expect(transcriptsRequested()).toEqual(['0001.js']);
    });

    it('opens the row a #line= link names, loading only that row’s chunk', async () => {
      mark = browser.requests.length;
      await browser.open(`${url}#line=2400`);
      const text = await browser.waitFor<string>(
        `document.querySelector('tr.detail .transcript') && document.querySelector('tr.detail .transcript').textContent`,
      );
      expect(text).toContain('about your appointment, line 2400.');
      expect(
        await browser.evaluate<string | null>(`document.querySelector('tr.row.open').dataset.line`),
      ).toBe('2400');
      expect(transcriptsRequested()).toEqual(['0003.js']);
    });

    it('shows hostile transcript text as text: no markup, no script runs', async () => {
      await browser.open(`${url}#line=${HOSTILE_LINE}`);
      await browser.waitFor(`document.querySelectorAll('tr.detail .transcript .turn').length === 2`);
      const check = await browser.evaluate<{
        same: boolean;
        pwned: unknown;
        injected: number;
        excerpt: string;
      }>(`(() => {
      const turn = document.querySelectorAll('tr.detail .transcript .turn')[1];
      return {
        same: turn.lastChild.nodeValue === ${JSON.stringify(HOSTILE_TRANSCRIPT)},
        pwned: window.__pwned === undefined ? null : window.__pwned,
        injected: document.querySelectorAll('img, svg, b, #rows-body script').length,
        excerpt: document.querySelector('tr.row.open td.excerpt').textContent,
      };
    })()`);
      expect(check).toMatchObject({ same: true, pwned: null, injected: 0 });
      expect(check.excerpt.startsWith('</script><script>window.__pwned=1</script>')).toBe(true);
      expect(await browser.evaluate<string>('document.title')).toBe('Browser <check> · campaign report');
    });

    it('lists the one row no rule matched in the review queue, as text, and opens it in the table', async () => {
      await browser.open(url);
      await browser.waitFor(`document.querySelectorAll('#rows-body tr.row').length === 50`);
      const queue = await browser.evaluate<{ lines: string[]; turn: string; pwned: unknown }>(`(() => ({
        lines: Array.from(document.querySelectorAll('#review-queue tbody tr')).map((tr) => tr.cells[0].textContent),
        turn: document.querySelectorAll('#review-queue .review-turn')[1].lastChild.nodeValue,
        pwned: window.__pwned === undefined ? null : window.__pwned,
      }))()`);
      expect(queue.lines).toEqual([String(HOSTILE_LINE)]);
      expect(queue.turn.startsWith(' </script><script>window.__pwned=1</script>')).toBe(true);
      expect(queue.pwned).toBeNull();
      await browser.click(`#review-queue a[href="#line=${HOSTILE_LINE}"]`);
      await browser.waitFor(`document.querySelectorAll('tr.detail .transcript .turn').length === 2`);
      expect(await browser.evaluate<string>(`document.querySelector('tr.row.open').dataset.line`)).toBe(
        String(HOSTILE_LINE),
      );
      expect(
        await browser.evaluate<string>(`document.querySelector('tr.row.open').cells[3].textContent`),
      ).toBe('needs_review');
    });

    it('searches whole transcripts on request, reading the chunks one by one', async () => {
      await browser.open(url);
      await browser.waitFor(`document.querySelectorAll('#rows-body tr.row').length === 50`);
      // "line 1777." is only in an assistant turn: not in the row summaries.
      await browser.click('#search');
      await browser.type('line 1777.');
      await browser.waitFor(`document.getElementById('row-count').textContent === '0 of 2,500 rows'`);
      await browser.click('#search-transcripts');
      await browser.waitFor(`document.getElementById('row-count').textContent === '1 of 2,500 rows'`);
      await browser.waitFor(
        `/^Searched the whole transcripts/.test(document.getElementById('scan-info').textContent)`,
      );
      expect(await browser.evaluate<string>(`document.querySelector('#rows-body tr.row').dataset.line`)).toBe(
        '1777',
      );
    });

    it('refuses the chunks of a later write of the report, and asks for a reload', async () => {
      await browser.open(url);
      await browser.waitFor(`document.querySelectorAll('#rows-body tr.row').length === 50`);
      mark = browser.requests.length;
      const again = await write(); // the page now holds the old generation; the chunks on disk are new
      expect(again.generation).not.toBe(written.generation);
      await browser.click('#rows-body tr.row[data-line="7"]');
      const problem = await browser.waitFor<string>(
        `document.querySelector('tr.detail .chunk-problem') && document.querySelector('tr.detail .chunk-problem').textContent`,
      );
      expect(problem).toMatch(/another version of this report.*Reload the page/);
      expect(await browser.evaluate<number>(`document.querySelectorAll('tr.detail .turn').length`)).toBe(0);
      expect(transcriptsRequested()).toEqual(['0001.js']);
      // After the reload the page is the new write and shows the row.
      await browser.open(`${url}#line=7`);
      await browser.waitFor(`document.querySelectorAll('tr.detail .transcript .turn').length === 6`);
    });

    it('fetched nothing but local files, and broke no rule of its policy', () => {
      // data: URLs are the browser's own audio-player icons (img-src data: allows them).
      expect(browser.requests.filter((u) => !/^(file:\/\/|data:image\/|about:blank$)/.test(u))).toEqual([]);
      expect(browser.requests.filter((u) => u.startsWith('file://')).length).toBeGreaterThan(5);
      expect(
        browser.logs.filter((text) => /Content Security Policy|Refused|Uncaught|Error/i.test(text)),
      ).toEqual([]);
    });

    it('is held to its policy: a remote script is refused', async () => {
      await browser.evaluate(`(() => {
      const script = document.createElement('script');
      script.src = 'https://example.invalid/remote.js';
      document.head.appendChild(script);
    })()`);
      const deadline = Date.now() + 5_000;
      while (!browser.logs.some((text) => /Content Security Policy/.test(text)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(browser.logs.find((text) => /Content Security Policy/.test(text))).toMatch(/example\.invalid/);
    });

    it('renders a #line= row with its transcript in a plain --dump-dom run too', async () => {
      const userDataDir = await mkdtemp(join(tmpdir(), 'cmc-chromium-dump-'));
      try {
        const { stdout } = await promisify(execFile)(
          chromium as string,
          [...chromiumFlags(userDataDir), '--virtual-time-budget=10000', '--dump-dom', `${url}#line=1503`],
          { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
        );
        expect(stdout).toMatch(/<tr class="row open"[^>]*data-line="1503"/);
        expect(stdout).toContain(
          'Hello, this is Anna calling from Demo Clinic about your appointment, line 1503.',
        );
      } finally {
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      }
    });
  },
);
