import { ROW_KEY_PATTERN } from '../campaign/rowKey.js';
import { CAMPAIGN_ID_PATTERN } from '../temporal/startCampaign.js';

/** The three parts of a per-attempt webhook URL `/webhooks/<campaignId>/<rowKey>/<attempt>`. */
export interface AttemptRoute {
  campaignId: string;
  rowKey: string;
  attempt: number;
}

/** 1..99 as written by `attemptWebhookPath`: no sign, no leading zero. */
const ATTEMPT_PATTERN = /^[1-9][0-9]?$/;

/**
 * Reads a webhook path, or gives undefined for anything that is not one we hand out.
 * Campaign IDs and row keys only ever use characters that need no %-escape, so the
 * segments are matched as they are, never decoded: a malformed escape is just a
 * path that does not match.
 */
export function parseAttemptRoute(path: string): AttemptRoute | undefined {
  const segments = path.split('/');
  if (segments.length !== 5 || segments[0] !== '' || segments[1] !== 'webhooks') return undefined;
  const [, , campaignId = '', rowKey = '', attempt = ''] = segments;
  if (
    !CAMPAIGN_ID_PATTERN.test(campaignId) ||
    !ROW_KEY_PATTERN.test(rowKey) ||
    !ATTEMPT_PATTERN.test(attempt)
  )
    return undefined;
  return { campaignId, rowKey, attempt: Number(attempt) };
}
