/** Readable IDs. Row keys never contain a phone number (see src/campaign), so these are safe to show. */
export const campaignWorkflowId = (campaignId: string): string => `campaign:${campaignId}`;
export const callWorkflowId = (campaignId: string, rowKey: string): string => `call:${campaignId}:${rowKey}`;
/** Sent as metadata.client_request_id: one per row and attempt, never reused. */
export const clientRequestId = (campaignId: string, rowKey: string, attempt: number): string =>
  `${campaignId}:${rowKey}:${attempt}`;
/** Path of the webhook URL unique to one attempt. */
export const attemptWebhookPath = (campaignId: string, rowKey: string, attempt: number): string =>
  `/webhooks/${encodeURIComponent(campaignId)}/${encodeURIComponent(rowKey)}/${attempt}`;
/**
 * Activity ID of the step that places an attempt's call and waits for its end: the
 * webhook receiver completes it by this ID (asynchronous completion).
 */
export const callActivityId = (attempt: number): string => `call-${attempt}`;

/** The workflow that delivers a campaign's result webhooks: one per campaign, started by the first event. */
export const resultWebhooksWorkflowId = (campaignId: string): string => `result-webhooks:${campaignId}`;

/** The nightly retention purge: one schedule per namespace, and its runs' ID prefix. */
export const RETENTION_SCHEDULE_ID = 'cmc-retention-purge';
