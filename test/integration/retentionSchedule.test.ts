import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionPurgeResult } from '../../src/activities/retentionActivities.js';
import { RETENTION_SCHEDULE_ID } from '../../src/engine/ids.js';
import { reconcileRetentionSchedule } from '../../src/temporal/retentionSchedule.js';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  writeCampaign,
} from '../support/campaignStack.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const DAY_MS = 86_400_000;

describe('the retention schedule (CMC_RETENTION)', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx, { speed: 60 });
  });
  afterAll(async () => {
    await reconcileRetentionSchedule(ctx.client, { retentionMs: undefined, taskQueue: stack.taskQueue });
    await stack?.close();
    await ctx?.close();
  });

  it('follows the setting, and a scheduled run purges finished campaigns past it', async () => {
    const { csv } = swedishContacts(3, 46701770000);
    const campaignId = 'retained';
    const dir = await writeCampaign(
      stack.workDir,
      campaignId,
      {
        name: 'Retention',
        call: { task: 'Confirm {{first_name}}', language: 'en' },
        callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
        retry: { maxAttempts: 1 },
        credits: { budget: 1_000 },
        callsPerMinute: 600,
      },
      csv,
    );
    await stack.run(async () => (await stack.start({ campaignId, campaignDir: dir })).handle.result());
    expect(existsSync(join(stack.reportsDir, campaignId, 'results.csv'))).toBe(true);

    const settings = (retentionMs: number | undefined) => ({ retentionMs, taskQueue: stack.taskQueue });
    // Off by default: nothing to delete, nothing created.
    expect(await reconcileRetentionSchedule(ctx.client, settings(undefined))).toBe('off');
    expect(await reconcileRetentionSchedule(ctx.client, settings(90 * DAY_MS))).toBe('created');
    expect(await reconcileRetentionSchedule(ctx.client, settings(0))).toBe('updated');
    const schedule = ctx.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
    const described = await schedule.describe();
    // Nightly at 03:00 UTC.
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });
    expect(described.spec.timezone).toBe('UTC');
    expect(described.action).toMatchObject({
      workflowType: 'retentionPurgeWorkflow',
      args: [{ olderThanMs: 0 }],
    });

    // What the night would do, now.
    const purged = await stack.run(async () => {
      await schedule.trigger();
      let runId: string | undefined;
      for (let tries = 0; tries < 100 && runId === undefined; tries++) {
        const action = (await schedule.describe()).info.recentActions[0]?.action;
        runId = action?.type === 'startWorkflow' ? action.workflow.workflowId : undefined;
        if (runId === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return (await ctx.client.workflow.getHandle(runId as string).result()) as RetentionPurgeResult;
    });
    expect(purged.campaigns).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(stack.reportsDir, campaignId, 'results.csv'))).toBe(false);
    for await (const entry of stack.store.prepared.reportEntries(campaignId)) {
      expect(entry.row.phoneE164).toBeUndefined();
      expect(entry.result?.outcome).toBe('completed');
    }
    // Unset again: the schedule goes.
    expect(await reconcileRetentionSchedule(ctx.client, settings(undefined))).toBe('deleted');
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
