import type { ActivityDeps } from './activityDeps.js';

/** What one scheduled purge removed: counts only, no names or numbers (they go to history). */
export interface RetentionPurgeResult {
  cutoff: string;
  campaigns: number;
  rowsScrubbed: number;
  resultsScrubbed: number;
  recordingsDeleted: number;
  reportFilesDeleted: number;
  warnings: number;
}

/** The activity of the retention schedule. Safe to run twice: a purged campaign is skipped. */
export function createRetentionActivities(deps: Pick<ActivityDeps, 'purge' | 'reportsDir' | 'logger'>) {
  return {
    async purgeExpiredCampaigns(input: { olderThanMs: number }): Promise<RetentionPurgeResult> {
      const summary = await deps.purge({
        olderThanMs: input.olderThanMs,
        now: new Date(),
        reportsDir: deps.reportsDir,
        dryRun: false,
      });
      for (const warning of summary.warnings) deps.logger.warn({ warning }, 'retention purge');
      const { totals } = summary;
      return {
        cutoff: summary.cutoff,
        campaigns: totals.campaigns,
        rowsScrubbed: totals.rowsScrubbed,
        resultsScrubbed: totals.resultsScrubbed,
        recordingsDeleted: totals.recordingsDeleted,
        reportFilesDeleted: totals.reportFilesDeleted,
        warnings: summary.warnings.length,
      };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
