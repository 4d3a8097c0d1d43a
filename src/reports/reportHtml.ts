import { FINAL_OUTCOMES } from '../results/rowResult.js';
import type { DispositionIndex, PageDisposition } from './dispositionIndex.js';
import { escapeHtml, inlineScriptSource, jsonForScript } from './htmlEscape.js';
import { maskPhone } from './maskPhone.js';
import { RECORDINGS_PREFIX, safeRecordingPath } from './recordingPath.js';
import { type ReportOutcome, type ReportRecord, recordFigures } from './reportRecord.js';
import { REPORT_SCRIPT } from './reportScript.js';
import { REPORT_CSS } from './reportStyles.js';
import type { CampaignSummary } from './summary.js';
import { CHUNK_CALLBACK, chunkCount, TRANSCRIPTS_DIR } from './transcriptChunks.js';

/**
 * report.html for a clinic manager: a folder that works opened from disk (file://, no
 * server, nothing fetched from the network): report.html with styles, Chart.js and one
 * short summary per row inline, and `transcripts/NNNN.js` beside it with each row's
 * transcript and call details (transcriptChunks.ts), loaded when a row is opened. That
 * keeps report.html small at 100k rows: the transcripts were four fifths of it.
 *
 * Written in parts so rows stream to disk: `reportHtmlHead`, the review queue
 * (reviewQueueHtml.ts), `reportHtmlRowsStart`, then each row's `htmlRowSummaryJson`
 * joined by commas, then `reportHtmlTail`. Server-side text goes through escapeHtml; the
 * data is JSON in `<script type="application/json">` blocks, escaped by jsonForScript.
 */

/**
 * One row of the table, as a JSON array: at 100k rows every byte of a row is 100 kB of
 * report.html, and field names alone would be a third of it. The page script
 * (reportScript.ts) reads the fields in this order.
 */
export type HtmlRowSummary = [
  line: number,
  /** Masked, with `*` for the page's `•` (one byte in JSON, not three): `+46 70*****67`. */
  phone: string,
  /** Index into HTML_OUTCOMES (meta-data `outcomes`). */
  outcome: number,
  goal: 1 | 0 | null,
  attempts: number,
  durationS: number | null,
  credits: number | null,
  /** At most EXCERPT_CHARS; the whole text is in the row's detail. */
  error: string | null,
  /** The file name in `recordings/` (the page adds the folder). */
  recording: string | null,
  /** What the contact said, at most EXCERPT_CHARS; '' when they said nothing. */
  excerpt: string,
  /** Index into the meta data's `dispositions` (name, review); null for a pending row. */
  disposition: number | null,
];

/** What a row's transcripts chunk holds for it, shown when the row is opened. */
export interface HtmlRowDetail {
  /** Checked by the page against the summary's line, with the generation. */
  line: number;
  rowKey: string;
  sid: string | null;
  /** Whether the row was meant to be called (it has a call workflow). */
  valid: boolean;
  error: string | null;
  tries: Array<{ status: string; endedAt: string | null; durationS: number | null; error: string | null }>;
  /** Why the row was or was not called, and each attempt's dial-time checks. */
  why: string;
  dialChecks: Array<{
    attempt: number;
    decision: string;
    at: string;
    checks: Array<[string, boolean, string]>;
  }>;
  /** [role, text] pairs, in call order. */
  transcript: Array<[string, string]>;
}

export interface ReportHtmlMeta {
  campaignId: string;
  campaignName: string;
  temporalUiUrl?: string;
  namespace?: string;
  /** This write's id; the page shows only chunks that carry the same one. */
  generation: string;
  /** Rows per chunk file; chunk n holds rows (n-1)*chunkRows+1 .. n*chunkRows. */
  chunkRows: number;
  /** What the row summaries' disposition indexes point into. */
  dispositions: readonly PageDisposition[];
}

/** The outcomes a row summary's outcome index points into. */
export const HTML_OUTCOMES: readonly ReportOutcome[] = [...FINAL_OUTCOMES, 'pending'];
const OUTCOME_INDEX = new Map(HTML_OUTCOMES.map((outcome, index) => [outcome, index]));

/**
 * Characters of the transcript excerpt and of the problem text in a row's summary.
 * The excerpt is most of a row's bytes in report.html: 64 keeps a 100k-row report
 * with a transcript on every row near 12 MB.
 */
export const EXCERPT_CHARS = 64;

/**
 * Defence in depth: even if some content slipped past escaping, the page may run only
 * its own inline scripts and its own transcript chunks, and load only its own
 * recordings; nothing from the network. `'self'` is what lets Chromium run
 * `transcripts/NNNN.js` beside a file:// page; `file:` is there, as in media-src, for
 * browsers whose `'self'` matches no file: URL. Both are local only.
 */
export const REPORT_CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'self' file:; style-src 'unsafe-inline'; img-src data:; media-src 'self' file:; base-uri 'none'; form-action 'none'";

export function sortedTranscript(record: ReportRecord): Array<[string, string]> {
  return [...(record.result?.transcript ?? [])]
    .sort((a, b) => a.seq - b.seq)
    .map((line): [string, string] => [line.role, line.text]);
}

/**
 * `text` on one line (runs of white space, line and paragraph separators included,
 * become one space), cut to `max` characters (code points, so an emoji is never cut
 * in half) with an ellipsis. Reads at most 4×max of the text, however long it is.
 */
export function shorten(text: string, max: number): string {
  const limit = max * 4;
  const head = text.length > limit ? text.slice(0, limit) : text;
  const flat = head.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= max && head.length === text.length) return flat;
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/** The contact's words (role `user`), in call order, shortened: what a manager scans for. */
export function transcriptExcerpt(transcript: ReadonlyArray<[string, string]>, max = EXCERPT_CHARS): string {
  const said: string[] = [];
  let length = 0;
  for (const [role, text] of transcript) {
    if (role !== 'user') continue;
    said.push(text.length > max * 4 ? text.slice(0, max * 4) : text);
    length += text.length;
    if (length > max * 4) break;
  }
  return shorten(said.join(' · '), max);
}

export function htmlRowSummary(record: ReportRecord, dispositions: DispositionIndex): HtmlRowSummary {
  const figures = recordFigures(record);
  const result = record.result;
  const recording = safeRecordingPath(figures.recording)?.slice(RECORDINGS_PREFIX.length) ?? null;
  return [
    record.line,
    maskPhone(record.row.phoneE164).replaceAll('•', '*'),
    OUTCOME_INDEX.get(record.outcome) ?? OUTCOME_INDEX.get('unknown') ?? 0,
    figures.goalCompleted === undefined ? null : figures.goalCompleted ? 1 : 0,
    figures.attempts,
    result === null ? null : Math.round(figures.durationS * 10) / 10,
    result === null ? null : Math.round(figures.credits * 1000) / 1000,
    record.error === undefined ? null : shorten(record.error, EXCERPT_CHARS),
    recording,
    transcriptExcerpt(sortedTranscript(record)),
    record.disposition === null ? null : dispositions.indexOf(record.disposition),
  ];
}

export function htmlRowSummaryJson(record: ReportRecord, dispositions: DispositionIndex): string {
  return jsonForScript(htmlRowSummary(record, dispositions));
}

export function htmlRowDetail(record: ReportRecord): HtmlRowDetail {
  const figures = recordFigures(record);
  return {
    line: record.line,
    rowKey: record.rowKey,
    sid: figures.lastSid ?? null,
    valid: record.row.status === 'valid',
    error: record.error ?? null,
    tries: (record.result?.attempts ?? []).map((attempt) => ({
      status: attempt.status,
      endedAt: attempt.endedAt ?? null,
      durationS: attempt.durationS ?? null,
      error: attempt.error ?? null,
    })),
    why: record.why,
    dialChecks: (record.result?.audit ?? []).map((audit) => ({
      attempt: audit.attempt,
      decision: audit.decision,
      at: audit.checkedAt,
      checks: audit.checks.map((check): [string, boolean, string] => [
        check.check,
        check.passed,
        check.detail,
      ]),
    })),
    transcript: sortedTranscript(record),
  };
}

/** http(s) only: anything else (javascript:, data:) must never become a link. */
function safeTemporalUrl(url: string | undefined): string | null {
  if (url === undefined || url === '') return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return null;
  }
}

function formatDuration(totalSeconds: number | null): string {
  if (totalSeconds === null) return '—';
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${rest}s`;
  return `${rest}s`;
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function percent(fraction: number | null): string {
  return fraction === null ? '—' : `${Math.round(fraction * 1000) / 10}%`;
}

function time(iso: string | null): string {
  return iso === null ? '—' : `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso)}</time>`;
}

function kpi(label: string, value: string, hint: string, tone = ''): string {
  return `<div class="kpi ${tone}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="hint">${escapeHtml(hint)}</div></div>`;
}

function kpiTiles(summary: CampaignSummary): string {
  const o = summary.outcomes;
  const skipped = o.invalid + o.duplicate + o.suppressed;
  const valid = summary.totalRows - skipped;
  const attention = o.unknown + o.rejected;
  const { spent, budget, fractionOfBudget } = summary.credits;
  const tiles = [
    kpi(
      'Rows',
      formatNumber(summary.totalRows),
      `${formatNumber(valid)} to call · ${formatNumber(skipped)} skipped`,
    ),
    kpi(
      'Completed',
      formatNumber(summary.completed),
      valid > 0 ? `${percent(summary.completed / valid)} of rows to call` : 'no rows to call',
      'good',
    ),
    kpi(
      'Goal reached',
      percent(summary.goalCompletionRate),
      `${formatNumber(summary.goalCompleted)} of ${formatNumber(summary.completed)} completed calls`,
    ),
    kpi(
      'Credits',
      formatNumber(spent),
      budget === null ? 'no budget set' : `of ${formatNumber(budget)} budget (${percent(fractionOfBudget)})`,
      budget !== null && spent > budget ? 'bad' : '',
    ),
    kpi(
      'Median call',
      formatDuration(summary.callDurationsS.p50),
      `${formatNumber(summary.callsPlaced)} calls placed`,
    ),
    kpi('Needs attention', formatNumber(attention), 'unknown or rejected', attention > 0 ? 'warn' : ''),
    kpi(
      'Review queue',
      formatNumber(summary.reviewQueue),
      'rows a person must act on',
      summary.reviewQueue > 0 ? 'warn' : '',
    ),
  ];
  if (o.pending !== undefined)
    tiles.push(kpi('Pending', formatNumber(o.pending), 'not finished yet', 'warn'));
  const hooks = summary.resultWebhooks;
  if (hooks) {
    tiles.push(
      kpi(
        'Result webhooks',
        formatNumber(hooks.delivered),
        `delivered · ${formatNumber(hooks.pending)} pending · ${formatNumber(hooks.dead)} dead-lettered${hooks.stopped > 0 ? ` · ${formatNumber(hooks.stopped)} stopped (410)` : ''}`,
        hooks.dead + hooks.stopped > 0 ? 'warn' : '',
      ),
    );
  }
  return tiles.join('\n');
}

/**
 * Rows by disposition, every name of the campaign (zeros dimmed); the ones a person
 * must act on are marked. Counts over the rows that have one (pending rows do not yet).
 */
function dispositionBreakdown(summary: CampaignSummary, isReview: (name: string) => boolean): string {
  const entries = Object.entries(summary.dispositions);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const items = entries.map(([name, count]) => {
    const review = isReview(name);
    const share = total > 0 ? `${Math.round((count / total) * 1000) / 10}%` : '';
    const classes = [count === 0 ? 'zero' : '', review ? 'review' : ''].filter((c) => c !== '').join(' ');
    return `<li${classes === '' ? '' : ` class="${classes}"`}><span class="name">${escapeHtml(name)}</span>${review ? '<span class="tag">review</span>' : '<span></span>'}<span class="n">${escapeHtml(formatNumber(count))}</span><span class="pct">${escapeHtml(share)}</span></li>`;
  });
  return `<section class="card" id="dispositions">
  <h2>Dispositions</h2>
  <ul class="disposition-list">${items.join('')}</ul>
</section>`;
}

/**
 * The page from its start to the review queue: header, banners, figures and the
 * disposition breakdown. `isReview`: whether a disposition goes to the review queue.
 */
export function reportHtmlHead(
  summary: CampaignSummary,
  meta: ReportHtmlMeta,
  isReview: (name: string) => boolean,
): string {
  const name = escapeHtml(meta.campaignName);
  const attention = summary.outcomes.unknown + summary.outcomes.rejected;
  const pending = summary.outcomes.pending ?? 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>${name} · campaign report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top">
  <div>
    <h1>${name}</h1>
    <div class="sub">Campaign <code>${escapeHtml(meta.campaignId)}</code> · report generated ${time(summary.generatedAt)}</div>
  </div>
  <dl class="times">
    <dt>Started</dt><dd>${time(summary.startedAt)}</dd>
    <dt>Ended</dt><dd>${time(summary.endedAt)}</dd>
    <dt>Wall time</dt><dd>${escapeHtml(formatDuration(summary.wallTimeS))}</dd>
  </dl>
</header>
${
  pending > 0
    ? `<div class="banner">The campaign is still running: ${formatNumber(pending)} rows are pending and have no outcome yet. Write the report again when it ends.</div>`
    : ''
}
${
  attention > 0
    ? `<div class="banner attention">${formatNumber(attention)} rows need a person to look at them (unknown or rejected).<button type="button" id="show-attention">Show them</button></div>`
    : ''
}
<section class="kpis">
${kpiTiles(summary)}
</section>
${dispositionBreakdown(summary, isReview)}
`;
}

/** After the review queue: the charts, the table of rows, and the page's data up to the first row. */
export function reportHtmlRowsStart(summary: CampaignSummary, meta: ReportHtmlMeta): string {
  const temporalUrl = safeTemporalUrl(meta.temporalUiUrl);
  const pageMeta = {
    campaignId: meta.campaignId,
    temporal: temporalUrl === null ? null : { baseUrl: temporalUrl, namespace: meta.namespace ?? 'default' },
    generation: meta.generation,
    chunks: {
      dir: TRANSCRIPTS_DIR,
      rows: meta.chunkRows,
      count: chunkCount(summary.totalRows, meta.chunkRows),
      callback: CHUNK_CALLBACK,
    },
    outcomes: HTML_OUTCOMES,
    dispositions: meta.dispositions,
  };
  return `<section class="charts">
  <div class="card"><h2>Outcomes</h2><div class="donut"><div class="chart-box"><canvas id="outcomes-chart" role="img" aria-label="Outcome breakdown"></canvas></div><ul class="legend" id="outcomes-legend"></ul></div></div>
  <div class="card"><h2>Calls over time</h2><div class="chart-box"><canvas id="timeline-chart" role="img" aria-label="Calls ended over time"></canvas></div></div>
  <div class="card wide"><h2>Credits against budget</h2><div class="chart-box short"><canvas id="credits-chart" role="img" aria-label="Credits spent against budget"></canvas></div></div>
</section>
<section class="card" id="rows-section">
  <h2>Rows</h2>
  <div class="controls">
    <input type="search" id="search" placeholder="Search line, phone, outcome, disposition, problem or what the contact said" aria-label="Search rows">
    <select id="outcome-filter" aria-label="Filter by outcome or disposition"><option value="">All rows</option></select>
    <label class="full-text"><input type="checkbox" id="search-transcripts"> whole transcripts</label>
    <span class="count" id="row-count"></span>
  </div>
  <noscript><p>The table needs JavaScript; results.csv beside this file has every row.</p></noscript>
  <table>
    <thead><tr><th class="num">Line</th><th>Phone</th><th>Outcome</th><th>Disposition</th><th>Goal</th><th class="num">Attempts</th><th class="num">Duration</th><th class="num">Credits</th><th>Contact said</th><th>Recording</th></tr></thead>
    <tbody id="rows-body"></tbody>
  </table>
  <div class="scan" id="scan-info" hidden></div>
  <div class="pager"><span id="page-info"></span><button type="button" id="prev-page">Previous</button><button type="button" id="next-page">Next</button></div>
</section>
<footer>Click a row for its transcript and recording; transcripts are read from the ${TRANSCRIPTS_DIR}/ folder beside this file, so keep the folder together. Phone numbers are masked; results.csv and results.jsonl beside this file hold the full data.</footer>
<script type="application/json" id="summary-data">${jsonForScript(summary)}</script>
<script type="application/json" id="meta-data">${jsonForScript(pageMeta)}</script>
<script type="application/json" id="rows-data">[`;
}

export function reportHtmlTail(chartJsSource: string): string {
  return `]</script>
<script>${inlineScriptSource(chartJsSource)}</script>
<script>${inlineScriptSource(REPORT_SCRIPT)}</script>
</body>
</html>
`;
}
