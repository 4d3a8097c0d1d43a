import { escapeHtml, inlineScriptSource, jsonForScript } from './htmlEscape.js';
import { maskPhone } from './maskPhone.js';
import { type ReportOutcome, type ReportRecord, recordFigures } from './reportRecord.js';
import { REPORT_SCRIPT } from './reportScript.js';
import { REPORT_CSS } from './reportStyles.js';
import type { CampaignSummary } from './summary.js';

/**
 * report.html for a clinic manager: one self-contained file (styles, Chart.js and the
 * data inline; nothing is fetched), written in three parts so 100k rows stream to disk:
 * `reportHtmlHead`, then each row's `htmlRowJson` joined by commas, then
 * `reportHtmlTail`. Server-side text goes through escapeHtml; the data is JSON in
 * `<script type="application/json">` blocks, escaped by jsonForScript.
 */
export interface HtmlRow {
  line: number;
  rowKey: string;
  /** Masked: `+46 70•••••67`. */
  phone: string;
  outcome: ReportOutcome;
  goal: boolean | null;
  attempts: number;
  durationS: number | null;
  credits: number | null;
  error: string | null;
  /** `recordings/<file>`, relative to the report. */
  recording: string | null;
  sid: string | null;
  /** Whether the row was meant to be called (it has a call workflow). */
  valid: boolean;
  tries: Array<{ status: string; endedAt: string | null; durationS: number | null; error: string | null }>;
  /** [role, text] pairs, in call order. */
  transcript: Array<[string, string]>;
}

export interface ReportHtmlMeta {
  campaignId: string;
  campaignName: string;
  temporalUiUrl?: string;
  namespace?: string;
}

/**
 * Defence in depth: even if some content slipped past escaping, the page may run only
 * its own inline scripts and load only its own recordings; nothing from the network.
 */
const REPORT_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; media-src 'self' file:; base-uri 'none'; form-action 'none'";

/** Only a path into our own recordings folder may become an <audio src>. */
const RECORDING_PATH = /^recordings\/[A-Za-z0-9_:-][A-Za-z0-9._:-]*\.(mp3|wav)$/;

export function htmlRow(record: ReportRecord): HtmlRow {
  const figures = recordFigures(record);
  const result = record.result;
  const recording =
    figures.recording !== undefined && RECORDING_PATH.test(figures.recording) ? figures.recording : null;
  return {
    line: record.line,
    rowKey: record.rowKey,
    phone: maskPhone(record.row.phoneE164),
    outcome: record.outcome,
    goal: figures.goalCompleted ?? null,
    attempts: figures.attempts,
    durationS: result === null ? null : Math.round(figures.durationS * 10) / 10,
    credits: result === null ? null : Math.round(figures.credits * 1000) / 1000,
    error: record.error ?? null,
    recording,
    sid: figures.lastSid ?? null,
    valid: record.row.status === 'valid',
    tries: (result?.attempts ?? []).map((attempt) => ({
      status: attempt.status,
      endedAt: attempt.endedAt ?? null,
      durationS: attempt.durationS ?? null,
      error: attempt.error ?? null,
    })),
    transcript: [...(result?.transcript ?? [])]
      .sort((a, b) => a.seq - b.seq)
      .map((line): [string, string] => [line.role, line.text]),
  };
}

export function htmlRowJson(record: ReportRecord): string {
  return jsonForScript(htmlRow(record));
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

function formatNumber(value: number): string {
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
  ];
  if (o.pending !== undefined)
    tiles.push(kpi('Pending', formatNumber(o.pending), 'not finished yet', 'warn'));
  return tiles.join('\n');
}

export function reportHtmlHead(summary: CampaignSummary, meta: ReportHtmlMeta): string {
  const name = escapeHtml(meta.campaignName);
  const attention = summary.outcomes.unknown + summary.outcomes.rejected;
  const pending = summary.outcomes.pending ?? 0;
  const temporalUrl = safeTemporalUrl(meta.temporalUiUrl);
  const pageMeta = {
    campaignId: meta.campaignId,
    temporal: temporalUrl === null ? null : { baseUrl: temporalUrl, namespace: meta.namespace ?? 'default' },
  };
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
<section class="charts">
  <div class="card"><h2>Outcomes</h2><div class="donut"><div class="chart-box"><canvas id="outcomes-chart" role="img" aria-label="Outcome breakdown"></canvas></div><ul class="legend" id="outcomes-legend"></ul></div></div>
  <div class="card"><h2>Calls over time</h2><div class="chart-box"><canvas id="timeline-chart" role="img" aria-label="Calls ended over time"></canvas></div></div>
  <div class="card wide"><h2>Credits against budget</h2><div class="chart-box short"><canvas id="credits-chart" role="img" aria-label="Credits spent against budget"></canvas></div></div>
</section>
<section class="card" id="rows-section">
  <h2>Rows</h2>
  <div class="controls">
    <input type="search" id="search" placeholder="Search line, phone, outcome, problem or transcript" aria-label="Search rows">
    <select id="outcome-filter" aria-label="Filter by outcome"><option value="">All outcomes</option></select>
    <span class="count" id="row-count"></span>
  </div>
  <noscript><p>The table needs JavaScript; results.csv beside this file has every row.</p></noscript>
  <table>
    <thead><tr><th class="num">Line</th><th>Phone</th><th>Outcome</th><th>Goal</th><th class="num">Attempts</th><th class="num">Duration</th><th class="num">Credits</th></tr></thead>
    <tbody id="rows-body"></tbody>
  </table>
  <div class="pager"><span id="page-info"></span><button type="button" id="prev-page">Previous</button><button type="button" id="next-page">Next</button></div>
</section>
<footer>Click a row for its transcript and recording. Phone numbers are masked; results.csv and results.jsonl beside this file hold the full data.</footer>
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
