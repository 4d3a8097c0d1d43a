import type { ReportRecord } from './reportRecord.js';

/**
 * One line of results.jsonl (and of `cmc export --format jsonl`): the whole record, its
 * disposition and the full result (transcript included), as JSON on one line.
 */
export function resultsJsonlLine(record: ReportRecord): string {
  return `${JSON.stringify(record)}\n`;
}
