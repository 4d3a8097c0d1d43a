import type { CampaignSummary } from '../reports/summary.js';

/**
 * A campaign's dispositions as a terminal shows them, from its summary.json: one line per
 * disposition that some row has, with its count, then the review queue and where to see
 * it. Ends with a newline.
 */
export function dispositionBreakdown(
  summary: Pick<CampaignSummary, 'dispositions' | 'reviewQueue'>,
  reportHtml: string,
): string {
  const present = Object.entries(summary.dispositions).filter(([, count]) => count > 0);
  const width = Math.max(0, ...present.map(([name]) => name.length));
  const lines = present.map(([name, count]) => `  ${name.padEnd(width)}  ${String(count).padStart(6)}`);
  const queue =
    summary.reviewQueue === 0
      ? 'Review queue: empty, no row needs a person.'
      : `Review queue: ${summary.reviewQueue} row(s) need a person: ${reportHtml}#review-queue`;
  return `${['Dispositions:', ...(lines.length > 0 ? lines : ['  (no row has one yet)']), queue].join('\n')}\n`;
}
