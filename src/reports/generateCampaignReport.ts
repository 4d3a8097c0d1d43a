import type { ActivityDeps } from '../activities/activityDeps.js';
import { type WrittenReport, writeReport } from './writeReport.js';

/**
 * Writes `reports/<campaignId>/` from the campaign store: every row as prepared
 * (valid or not) and the results recorded so far; the contacts file is not read
 * again, so it may change or go away after `cmc run`. Used by the campaign's last
 * activity and by `cmc report`, also in the middle of a run.
 */
export async function generateCampaignReport(
  deps: Pick<ActivityDeps, 'prepared' | 'reportsDir' | 'temporalUiUrl' | 'namespace'> &
    Partial<Pick<ActivityDeps, 'resultEvents'>>,
  campaignId: string,
  times: { startedAt?: string; endedAt?: string } = {},
): Promise<WrittenReport> {
  const manifest = await deps.prepared.readManifest(campaignId);
  if (!manifest) throw new Error(`campaign ${campaignId} has not been prepared on this data directory`);
  return await writeReport({
    campaignId,
    campaignName: manifest.plan.name,
    entries: deps.prepared.reportEntries(campaignId),
    ...(manifest.dispositions === undefined ? {} : { dispositions: manifest.dispositions }),
    ...(manifest.idColumn === undefined ? {} : { idColumn: manifest.idColumn }),
    budget: manifest.plan.budget,
    ...(manifest.resultWebhook && deps.resultEvents
      ? { resultWebhooks: await deps.resultEvents.counts(campaignId) }
      : {}),
    startedAt: times.startedAt,
    endedAt: times.endedAt,
    temporalUiUrl: deps.temporalUiUrl,
    namespace: deps.namespace,
    reportsDir: deps.reportsDir,
  });
}
