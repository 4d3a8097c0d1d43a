import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { RETENTION_SCHEDULE_ID } from '../engine/ids.js';
import { retentionPurgeWorkflow } from '../workflows/retentionPurgeWorkflow.js';

/** Nightly, when nobody is calling: 03:00 UTC. */
export const RETENTION_CRON = '0 3 * * *';

export type RetentionScheduleChange = 'created' | 'updated' | 'deleted' | 'off';

/**
 * Makes the retention schedule match CMC_RETENTION: a Temporal Schedule that runs the
 * purge nightly when it is set, none when it is not (the default: off). Every worker
 * does this at start, so the schedule follows the deployment's environment.
 */
export async function reconcileRetentionSchedule(
  client: Client,
  settings: { retentionMs: number | undefined; taskQueue: string },
): Promise<RetentionScheduleChange> {
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  if (settings.retentionMs === undefined) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'off';
      throw error;
    }
  }
  const action = {
    type: 'startWorkflow' as const,
    workflowType: retentionPurgeWorkflow,
    workflowId: RETENTION_SCHEDULE_ID,
    args: [{ olderThanMs: settings.retentionMs }] as [{ olderThanMs: number }],
    taskQueue: settings.taskQueue,
    staticSummary: `Retention purge: finished campaigns older than ${Math.round(settings.retentionMs / 86_400_000)} days`,
  };
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: { cronExpressions: [RETENTION_CRON], timezone: 'UTC' },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await handle.update((previous) => ({ ...previous, action }));
  return 'updated';
}
