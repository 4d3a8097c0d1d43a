import type { ActivityDeps } from '../activities/activityDeps.js';
import { loadCampaign } from '../campaign/loadCampaign.js';
import { readContacts } from '../campaign/readContacts.js';
import { type WrittenReport, writeReport } from './writeReport.js';

/**
 * Writes `reports/<campaignId>/` from the campaign's own contacts file (every row,
 * valid or not) and the results recorded so far. Used by the campaign's last activity
 * and by `cmc report`, also in the middle of a run.
 */
export async function generateCampaignReport(
  deps: Pick<
    ActivityDeps,
    'prepared' | 'results' | 'reportsDir' | 'rowKeySecret' | 'temporalUiUrl' | 'namespace'
  >,
  campaignId: string,
  times: { startedAt?: string; endedAt?: string } = {},
): Promise<WrittenReport> {
  const manifest = await deps.prepared.readManifest(campaignId);
  if (!manifest) throw new Error(`campaign ${campaignId} has not been prepared on this data directory`);
  const campaign = await loadCampaign(manifest.source.campaignDir, { date: manifest.source.date });
  return await writeReport({
    campaignId,
    campaignName: manifest.plan.name,
    rows: readContacts(campaign, { rowKeySecret: deps.rowKeySecret }),
    results: deps.results,
    budget: manifest.plan.budget,
    startedAt: times.startedAt,
    endedAt: times.endedAt,
    temporalUiUrl: deps.temporalUiUrl,
    namespace: deps.namespace,
    reportsDir: deps.reportsDir,
  });
}
