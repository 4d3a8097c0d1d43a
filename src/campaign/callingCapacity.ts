import type { CampaignConfig } from './campaignSchema.js';

/**
 * How many calls may be in flight at once: `concurrency`, but in a user-on-call
 * campaign never more than there are operator phones (each takes one call at a time).
 */
export function effectiveConcurrency(config: Pick<CampaignConfig, 'concurrency' | 'call'>): number {
  const operators = config.call.userPhone?.length;
  return operators === undefined ? config.concurrency : Math.min(config.concurrency, operators);
}

/**
 * How many calls one calling day allows: the window's length times the slower of
 * the two brakes, the pace (callsPerMinute) and the concurrency (calls in flight,
 * each lasting about estimatedCallDuration). Retries are not counted.
 */
export function callsPerDay(config: CampaignConfig): number {
  const { startMinute, endMinute } = config.callingWindow;
  const callMinutes = Math.max(config.estimatedCallDuration, 1_000) / 60_000;
  const perMinute = Math.min(config.callsPerMinute, effectiveConcurrency(config) / callMinutes);
  return Math.floor((endMinute - startMinute) * perMinute);
}
