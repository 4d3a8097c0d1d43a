import { Context } from '@temporalio/activity';
import { classifyDisposition } from '../dispositions/classifyDisposition.js';
import { dispositionDefinitions } from '../dispositions/defaultDispositions.js';
import type { CampaignSummary } from '../reports/summary.js';
import type { RowResult } from '../results/rowResult.js';
import {
  campaignFailedEvent,
  campaignFinishedEvent,
  type ResultEvent,
  rowFinishedEvent,
} from '../resultWebhooks/resultEvent.js';
import type { ResultWebhookSetting } from '../resultWebhooks/resultWebhookSetting.js';
import { wakeResultDeliverer } from '../resultWebhooks/wakeResultDeliverer.js';
import type { PreparedManifest } from '../storage/preparedCampaignStore.js';
import type { ActivityDeps } from './activityDeps.js';

/** A worker wakes a campaign's deliverer at most this often; it also polls on its own. */
const WAKE_EVERY_MS = 30_000;

/**
 * Writes result webhook events into the outbox (from an activity) and makes sure the
 * campaign's deliverer runs. An event is written once whatever retries happen; the
 * deliverer sends it later, so a slow or down receiver never holds up a call.
 */
export function createResultEventOutbox(deps: Pick<ActivityDeps, 'prepared' | 'resultEvents'>) {
  const lastWake = new Map<string, number>();

  async function enqueue(events: readonly ResultEvent[], campaignId: string, force = false): Promise<void> {
    for (const event of events) await deps.resultEvents.enqueue(event);
    const now = Date.now();
    if (!force && now - (lastWake.get(campaignId) ?? Number.NEGATIVE_INFINITY) < WAKE_EVERY_MS) return;
    const { client, info } = Context.current();
    await wakeResultDeliverer(client, campaignId, info.taskQueue);
    lastWake.set(campaignId, now);
  }

  return {
    /** A row's final result, when the campaign sends `row.finished`. */
    async rowFinished(result: RowResult, manifest: PreparedManifest | undefined): Promise<void> {
      if (!manifest?.resultWebhook?.events.includes('row.finished')) return;
      await enqueue([rowFinishedEvent(result, manifest.idColumn, new Date())], result.campaignId);
    },

    /**
     * The campaign's end: `row.finished` for the rows the contacts file ruled out (they had
     * no call, so no result was written for them), then `campaign.finished` with the summary.
     */
    async campaignFinished(summary: CampaignSummary): Promise<void> {
      const manifest = await deps.prepared.readManifest(summary.campaignId);
      const setting = manifest?.resultWebhook;
      if (!manifest || !setting) return;
      const at = new Date();
      if (setting.events.includes('row.finished')) {
        const definitions = dispositionDefinitions(manifest.dispositions);
        for await (const { row } of deps.prepared.reportEntries(summary.campaignId)) {
          if (row.status === 'valid') continue;
          const result: RowResult = {
            campaignId: summary.campaignId,
            rowKey: row.rowKey,
            line: row.line,
            columns: row.columns,
            outcome: row.status,
            attempts: [],
            recordedAt: at.toISOString(),
          };
          result.disposition = classifyDisposition(definitions, {
            outcome: row.status,
            attempts: 0,
            transcript: [],
          });
          await deps.resultEvents.enqueue(rowFinishedEvent(result, manifest.idColumn, at));
        }
      }
      const events = setting.events.includes('campaign.finished') ? [campaignFinishedEvent(summary, at)] : [];
      await enqueue(events, summary.campaignId, true);
    },

    /**
     * A campaign that failed (usually before it was prepared, so without a manifest: the
     * setting then comes from campaign.json and is kept for the deliverer).
     */
    async campaignFailed(
      campaignId: string,
      error: string,
      fromCampaignJson: () => Promise<ResultWebhookSetting | undefined>,
    ): Promise<void> {
      const manifest = await deps.prepared.readManifest(campaignId);
      const setting = manifest ? manifest.resultWebhook : await fromCampaignJson();
      if (!setting?.events.includes('campaign.failed')) return;
      if (!manifest) await deps.resultEvents.saveDestination(campaignId, setting);
      await enqueue([campaignFailedEvent(campaignId, error, new Date())], campaignId, true);
    },
  };
}
