import type { CampaignConfig } from './campaignSchema.js';

/**
 * How many calls one calling day allows: the window's length times the slower of
 * the two brakes, the pace (callsPerMinute) and the concurrency (calls in flight,
 * each lasting about estimatedCallDuration). Retries are not counted.
 */
export function callsPerDay(config: CampaignConfig): number {
  const { startMinute, endMinute } = config.callingWindow;
  const callMinutes = Math.max(config.estimatedCallDuration, 1_000) / 60_000;
  const perMinute = Math.min(config.callsPerMinute, config.concurrency / callMinutes);
  return Math.floor((endMinute - startMinute) * perMinute);
}
