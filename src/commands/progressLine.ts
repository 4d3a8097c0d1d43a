import type { CampaignProgress } from '../workflows/campaignMessages.js';

/** One line an operator can read at a glance: done of total, in flight, outcomes, credits, ETA. */
export function formatProgressLine(p: CampaignProgress): string {
  const outcomes = Object.entries(p.outcomes)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  const credits = `credits ${p.credits.spent}${p.credits.budget !== undefined ? `/${p.credits.budget}` : ''}`;
  const eta = p.etaSeconds !== undefined && p.etaSeconds > 0 ? `, ETA ${p.etaSeconds}s` : '';
  const paused = p.pausedReason ? ` [paused: ${p.pausedReason}]` : '';
  return `${p.rows.finished}/${p.rows.valid} rows done, ${p.inFlight} in flight${outcomes ? ` (${outcomes})` : ''}, ${credits}${eta}${paused}`;
}
