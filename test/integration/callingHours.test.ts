import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callWorkflowId } from '../../src/engine/ids.js';
import { callStateQuery } from '../../src/workflows/callMessages.js';
import { cancelSignal } from '../../src/workflows/campaignMessages.js';
import { type CampaignStack, startCampaignStack, writeCampaign } from '../support/campaignStack.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

/**
 * Calling hours through a real campaign: the row workflows on the dev server, the
 * simulator's record of calls. Windows are chosen from the clock at test time, so each
 * test holds whenever it runs.
 */

const NEW_YORK = '+12125550123';
const HONOLULU = '+18085550124';

function localMinute(zone: string, instant = Date.now()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return value('hour') * 60 + value('minute');
}

function localDate(zone: string, instant = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(instant); // YYYY-MM-DD
}

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

function campaign(callingWindow: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: 'Calling hours',
    idColumn: 'booking_id',
    call: { task: 'Confirm the appointment of {{first_name}}.', language: 'en' },
    concurrency: 2,
    callsPerMinute: 600,
    callingWindow,
    retry: { maxAttempts: 1 },
    credits: { budget: 1_000, estimatePerCall: 2 },
    ...extra,
  };
}

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('calling hours, holidays and zones from the number, on a real campaign', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  const runId = Date.now().toString(36);
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx, { speed: 60 });
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    await stack.admin.reset();
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 5_000 } });
  });

  const phaseOf = (campaignId: string, rowKey: string) =>
    stack.client.workflow.getHandle(callWorkflowId(campaignId, rowKey)).query(callStateQuery);
  const calledNumbers = async () => (await stack.admin.calls()).map((call) => call.to);

  /** Runs the campaign until `check` passes, then cancels it and returns its result. */
  async function runUntil(campaignId: string, dir: string, check: (handle: WorkflowHandle) => Promise<void>) {
    return await stack.run(async () => {
      const { handle } = await stack.start({ campaignId, campaignDir: dir });
      await check(handle);
      await handle.signal(cancelSignal, { hangup: false });
      return await handle.result();
    });
  }

  it('calls a +1 212 number in New York hours and lets a +1 808 number wait for Honolulu hours', async () => {
    // A three-hour window on the wall clock of whichever of the two is before 21:00 now: the
    // other is five hours off (Honolulu is UTC-10 all year, New York UTC-5/-4), so outside it.
    const newYorkNow = localMinute('America/New_York');
    const open = newYorkNow < 21 * 60 ? 'New York' : 'Honolulu';
    const openNow = open === 'New York' ? newYorkNow : localMinute('Pacific/Honolulu');
    const start = Math.floor(openNow / 60) * 60;
    const window = {
      timezone: 'recipient',
      days: 'all',
      start: clock(start),
      end: clock(Math.min(start + 180, 1440)),
    };
    const [openNumber, closedNumber, closedKey] =
      open === 'New York' ? [NEW_YORK, HONOLULU, 'hnl-1'] : [HONOLULU, NEW_YORK, 'nyc-1'];
    const dir = await writeCampaign(
      stack.workDir,
      'zones',
      campaign(window),
      `booking_id,first_name,phone_number\nnyc-1,Ada,${NEW_YORK}\nhnl-1,Kai,${HONOLULU}\n`,
    );
    const campaignId = `zones-${runId}`;

    const result = await runUntil(campaignId, dir, async () => {
      await eventually(
        async () => ((await calledNumbers()).includes(openNumber) ? true : undefined),
        'the open call',
      );
      await eventually(async () => {
        const state = await phaseOf(campaignId, closedKey);
        return state.phase === 'waiting_for_window' ? state : undefined;
      }, 'the closed row to wait for its window');
      // Well after the open row's call: still nobody dials the other one.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await calledNumbers()).toEqual([openNumber]);
      expect((await phaseOf(campaignId, closedKey)).phase).toBe('waiting_for_window');
    });
    expect(await calledNumbers()).not.toContain(closedNumber);
    expect(result.outcomes.cancelled).toBe(1);
  });

  it('does not call on a skipped date: the row waits for the next open day', async () => {
    // Open around the clock, every day, but today (and tomorrow, should the test cross midnight) skipped.
    const zone = 'Europe/Stockholm';
    const tomorrow = localDate(zone, Date.now() + 24 * 3600_000);
    const window = {
      timezone: zone,
      days: 'all',
      start: '00:00',
      end: '24:00',
      skipDates: [localDate(zone), tomorrow],
    };
    const dir = await writeCampaign(
      stack.workDir,
      'skip-today',
      campaign(window),
      'booking_id,first_name,phone_number\nsto-1,Sven,+46701740699\n',
    );
    const campaignId = `skip-today-${runId}`;

    const result = await runUntil(campaignId, dir, async () => {
      await eventually(async () => {
        const state = await phaseOf(campaignId, 'sto-1');
        return state.phase === 'waiting_for_window' ? state : undefined;
      }, 'the row to wait for its window');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await stack.admin.calls()).toEqual([]);
    });
    expect(result.outcomes).toEqual({ cancelled: 1 });
  });
});
