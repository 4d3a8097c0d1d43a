import { describe, expect, it } from 'vitest';
import { formatCampaignStatus } from '../../../src/commands/campaignView.js';
import { campaignListQuery } from '../../../src/commands/list.js';
import { defaultCampaignId } from '../../../src/commands/run.js';
import { formatDuration } from '../../../src/commands/temporalConnection.js';
import { CAMPAIGN_ID_PATTERN } from '../../../src/temporal/startCampaign.js';
import { localDateIn, scheduledCampaignId } from '../../../src/workflows/scheduledCampaignWorkflow.js';

describe('localDateIn (the scheduled date in the schedule time zone)', () => {
  it('is the calendar date where the schedule lives, not UTC', () => {
    const instant = new Date('2026-03-01T23:30:00Z'); // Sunday night in UTC
    expect(localDateIn(instant, 'UTC')).toBe('2026-03-01');
    expect(localDateIn(instant, 'Europe/Stockholm')).toBe('2026-03-02'); // 00:30 CET
    expect(localDateIn(instant, 'America/New_York')).toBe('2026-03-01');
    expect(localDateIn(new Date('2026-01-01T10:30:00Z'), 'Pacific/Kiritimati')).toBe('2026-01-02');
  });

  it('follows daylight saving time', () => {
    // 22:30 UTC is 00:30 next day in Stockholm in summer (CEST, +2), 23:30 the same day in winter (+1).
    expect(localDateIn(new Date('2026-07-01T22:30:00Z'), 'Europe/Stockholm')).toBe('2026-07-02');
    expect(localDateIn(new Date('2026-01-01T22:30:00Z'), 'Europe/Stockholm')).toBe('2026-01-01');
  });

  it('makes valid campaign IDs', () => {
    expect(scheduledCampaignId('nightly-reminders', '2026-03-02')).toBe('nightly-reminders-2026-03-02');
    expect(CAMPAIGN_ID_PATTERN.test(scheduledCampaignId('a'.repeat(89), '2026-03-02'))).toBe(true);
  });
});

describe('defaultCampaignId', () => {
  it('is <folder-name>-<YYYYMMDD-HHMMSS> in local time', () => {
    const id = defaultCampaignId('campaigns/appointment-confirmation/', new Date(2026, 2, 2, 7, 5, 9));
    expect(id).toBe('appointment-confirmation-20260302-070509');
  });

  it('turns any folder name into a valid campaign ID', () => {
    const id = defaultCampaignId('/tmp/Kampanj för ÅÄÖ!', new Date(2026, 0, 1, 0, 0, 0));
    expect(id).toBe('Kampanj-f-r-20260101-000000');
    expect(CAMPAIGN_ID_PATTERN.test(id)).toBe(true);
    expect(CAMPAIGN_ID_PATTERN.test(defaultCampaignId('/tmp/__', new Date()))).toBe(true);
  });
});

describe('campaignListQuery', () => {
  it('lists campaign workflows only, never continued-as-new runs, optionally by state', () => {
    expect(campaignListQuery()).toBe(
      "WorkflowType = 'campaignWorkflow' AND ExecutionStatus != 'ContinuedAsNew'",
    );
    expect(campaignListQuery('paused')).toBe(
      "WorkflowType = 'campaignWorkflow' AND ExecutionStatus != 'ContinuedAsNew' AND CampaignState = 'paused'",
    );
  });
});

describe('formatCampaignStatus', () => {
  it('shows a finished campaign with its outcomes, credits and report', () => {
    const text = formatCampaignStatus({
      campaignId: 'c1',
      workflowId: 'campaign:c1',
      runId: 'r',
      workflowStatus: 'COMPLETED',
      state: 'completed',
      name: 'Reminders',
      startedAt: '2026-03-02T17:00:00.000Z',
      closedAt: '2026-03-02T17:10:00.000Z',
      result: {
        campaignId: 'c1',
        status: 'completed',
        outcomes: { completed: 3, busy: 1 },
        creditsSpent: 7,
        reportDir: '/r/c1',
        continuedAsNew: 0,
      },
    });
    expect(text).toContain('Campaign c1 ("Reminders")');
    expect(text).toMatch(/workflow\s+campaign:c1\s+\(completed\)/);
    expect(text).toMatch(/outcomes\s+completed 3, busy 1/);
    expect(text).toMatch(/credits\s+7 spent/);
    expect(text).toMatch(/report\s+\/r\/c1/);
  });

  it('says "preparing" for a running campaign without progress yet', () => {
    const text = formatCampaignStatus({
      campaignId: 'c2',
      workflowId: 'campaign:c2',
      runId: 'r',
      workflowStatus: 'RUNNING',
      startedAt: '2026-03-02T17:00:00.000Z',
    });
    expect(text).toMatch(/state\s+preparing/);
  });
});

describe('formatDuration', () => {
  it('reads like a clock', () => {
    expect(formatDuration(9)).toBe('9s');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(3723)).toBe('1h 02m 03s');
  });
});
