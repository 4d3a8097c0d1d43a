import { escapeHtml } from './htmlEscape.js';
import { maskPhone } from './maskPhone.js';
import { safeRecordingPath } from './recordingPath.js';
import { formatNumber, shorten, sortedTranscript } from './reportHtml.js';
import { type ReportRecord, recordFigures } from './reportRecord.js';
import type { CampaignSummary } from './summary.js';

/**
 * report.html's review queue: the rows a person must act on (their disposition's
 * `review`: needs_review, reschedule_requested, cancel_requested and opted_out in the
 * default rules), each with what it takes to act without opening the row: the clinic's
 * own id, the masked number, the disposition and the rule that decided it, the captured
 * values, the call's last turns and its recording. Written on the server, every value
 * through escapeHtml, so it reads with JavaScript off and prints.
 *
 * Written in three parts around the rows, which stream: `reviewQueueStart` (it needs the
 * summary's count), `reviewQueueRow` per row in the queue, `reviewQueueEnd`.
 */

/**
 * Rows listed at most. A campaign whose rules fit its calls has few; one whose rules do
 * not (old results, a task without closing sentences) can have every row in the queue,
 * and 100k of them would be some 60 MB of report.html. Past this the table's "Review
 * queue" filter and `cmc export --only` have them all.
 */
export const REVIEW_QUEUE_ROWS = 500;
/** The call's last turns shown, each cut to TURN_CHARS. */
export const REVIEW_TURNS = 3;
const TURN_CHARS = 160;

export function inReviewQueue(record: ReportRecord): boolean {
  return record.disposition?.review === true;
}

export interface ReviewQueueMeta {
  campaignId: string;
  /** The campaign's idColumn: its value is the clinic's own id of the row (a booking id). */
  idColumn?: string;
}

export function reviewQueueStart(
  summary: CampaignSummary,
  meta: ReviewQueueMeta,
  isReview: (name: string) => boolean,
): string {
  const count = summary.reviewQueue;
  const start = '<section class="card" id="review-queue">\n  <h2>Review queue</h2>\n';
  if (count === 0) return `${start}  <p class="empty">No row needs a person.</p>\n`;
  const names = Object.entries(summary.dispositions)
    .filter(([name, rows]) => rows > 0 && isReview(name))
    .map(([name]) => name);
  const exportCommand = `cmc export ${meta.campaignId} --format csv --only ${names.join(',')}`;
  const listed =
    count > REVIEW_QUEUE_ROWS
      ? `The first ${formatNumber(REVIEW_QUEUE_ROWS)} of ${formatNumber(count)} rows are listed here; choose "Review queue" in the filter of the table below for all of them, or run <code>${escapeHtml(exportCommand)}</code>.`
      : `${formatNumber(count)} ${count === 1 ? 'row needs' : 'rows need'} a person. <code>${escapeHtml(exportCommand)}</code> writes them to a file.`;
  const idHeader = meta.idColumn === undefined ? '' : `<th>${escapeHtml(meta.idColumn)}</th>`;
  return `${start}  <p class="hint">${listed} Click a line to open the row in the table below.</p>
  <div class="review-scroll"><table class="review-table">
    <thead><tr><th class="num">Line</th>${idHeader}<th>Phone</th><th>Disposition</th><th>Rule</th><th>Captured</th><th>Last turns</th><th>Recording</th></tr></thead>
    <tbody>
`;
}

/** One row of the queue; `idColumn` as given to reviewQueueStart. */
export function reviewQueueRow(record: ReportRecord, idColumn: string | undefined): string {
  const disposition = record.disposition;
  if (disposition === null) throw new Error(`row at line ${record.line} has no disposition`);
  const captured = Object.entries(disposition.captured ?? {}).map(
    ([name, value]) =>
      `<div><span class="key">${escapeHtml(name)}</span> ${escapeHtml(shorten(value, TURN_CHARS))}</div>`,
  );
  const turns = sortedTranscript(record)
    .slice(-REVIEW_TURNS)
    .map(
      ([role, text]) =>
        `<div class="review-turn ${role === 'assistant' ? 'assistant' : 'user'}"><span class="who">${escapeHtml(speaker(role))}</span> ${escapeHtml(shorten(text, TURN_CHARS))}</div>`,
    );
  if (record.error !== undefined)
    turns.push(`<div class="error-text">${escapeHtml(shorten(record.error, TURN_CHARS))}</div>`);
  const recording = safeRecordingPath(recordFigures(record).recording);
  const cells = [
    `<td class="num"><a href="#line=${record.line}">${record.line}</a></td>`,
    ...(idColumn === undefined ? [] : [`<td>${escapeHtml(record.row.columns[idColumn] ?? '')}</td>`]),
    `<td class="phone">${escapeHtml(maskPhone(record.row.phoneE164) || '—')}</td>`,
    `<td><span class="disposition review">${escapeHtml(disposition.disposition)}</span><div class="dim">${escapeHtml(record.outcome)}</div></td>`,
    `<td class="rule">${escapeHtml(disposition.rule)}</td>`,
    `<td class="captured">${captured.join('')}</td>`,
    `<td class="turns">${turns.length > 0 ? turns.join('') : '<span class="dim">No transcript.</span>'}</td>`,
    `<td>${
      recording === null
        ? ''
        : `<audio controls preload="none" src="${escapeHtml(recording)}"></audio><a href="${escapeHtml(recording)}">audio</a>`
    }</td>`,
  ];
  return `<tr>${cells.join('')}</tr>\n`;
}

export function reviewQueueEnd(summary: CampaignSummary): string {
  return summary.reviewQueue === 0 ? '</section>\n' : '    </tbody>\n  </table></div>\n</section>\n';
}

function speaker(role: string): string {
  if (role === 'assistant') return 'AI';
  if (role === 'user') return 'Contact';
  return shorten(role, 20);
}
