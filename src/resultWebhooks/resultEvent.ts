import { createHash } from 'node:crypto';
import type { CampaignSummary } from '../reports/summary.js';
import type { RowResult } from '../results/rowResult.js';
import type { ResultEventType } from './resultWebhookSetting.js';

/**
 * One result webhook as written to the outbox: its id and body are fixed when it is
 * created, so every try (and every redelivery) sends the same `webhook-id` and the same
 * bytes, and a receiver can dedupe on the id.
 */
export interface ResultEvent {
  /** The Standard Webhooks `webhook-id`: derived from campaign, type and row, never from personal data. */
  id: string;
  campaignId: string;
  type: ResultEventType;
  /** `{ type, timestamp, data }` as JSON. */
  body: string;
  createdAt: string;
}

export function resultEventId(campaignId: string, type: ResultEventType, rowKey = ''): string {
  const digest = createHash('sha256').update(`${campaignId}\n${type}\n${rowKey}`).digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

function event(
  campaignId: string,
  type: ResultEventType,
  rowKey: string | undefined,
  data: object,
  at: Date,
): ResultEvent {
  const timestamp = at.toISOString();
  return {
    id: resultEventId(campaignId, type, rowKey),
    campaignId,
    type,
    body: JSON.stringify({ type, timestamp, data }),
    createdAt: timestamp,
  };
}

/**
 * `row.finished`: a row's final result, for the clinic's booking system. It carries the
 * clinic's own row id (the idColumn's value), never the phone number, name or transcript.
 */
export function rowFinishedEvent(result: RowResult, idColumn: string | undefined, at: Date): ResultEvent {
  const credits = result.attempts.reduce((sum, attempt) => sum + (attempt.credits ?? 0), 0);
  const data = {
    campaign_id: result.campaignId,
    row_key: result.rowKey,
    line: result.line,
    ...(idColumn === undefined ? {} : { id_column: idColumn, id: result.columns[idColumn] ?? null }),
    outcome: result.outcome,
    disposition: result.disposition?.disposition ?? null,
    disposition_rule: result.disposition?.rule ?? null,
    review: result.disposition?.review ?? null,
    captured: result.disposition?.captured ?? {},
    goal_completed: result.goalCompleted ?? null,
    attempts: result.attempts.length,
    credits: Math.round(credits * 1000) / 1000,
    last_sid: result.attempts.findLast((attempt) => attempt.sid !== undefined)?.sid ?? null,
    recording: result.recording ?? null,
    error: result.error ?? null,
  };
  return event(result.campaignId, 'row.finished', result.rowKey, data, at);
}

/** `campaign.finished`: the campaign's summary.json. */
export function campaignFinishedEvent(summary: CampaignSummary, at: Date): ResultEvent {
  return event(summary.campaignId, 'campaign.finished', undefined, summary, at);
}

/**
 * `campaign.failed`: a campaign that could not run (its contacts file never came, its
 * campaign.json is broken), with the root cause. The message names files, never a phone number.
 */
export function campaignFailedEvent(campaignId: string, error: string, at: Date): ResultEvent {
  return event(
    campaignId,
    'campaign.failed',
    undefined,
    { campaign_id: campaignId, status: 'failed', error },
    at,
  );
}
