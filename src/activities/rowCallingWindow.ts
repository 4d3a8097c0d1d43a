import { effectiveCallingWindows } from '../compliance/callingRules.js';
import { isPublicHoliday } from '../compliance/publicHolidays.js';
import { msUntilWindowsOpen } from '../engine/callingWindow.js';
import type { CallingWindowPlan } from '../engine/campaignPlan.js';
import type { PreparedCampaignStore } from '../storage/preparedCampaignStore.js';

/** What a call activity knows when it asks whether a row may be called now. */
export interface RowWindowQuestion {
  window: CallingWindowPlan;
  timezones: readonly string[];
  /** The row, when known: its region and own zones (for calling rules) live in the prepared store. */
  row?: { campaignId: string; rowKey: string };
}

/**
 * How long until a row may be called (0: now; null: never): the campaign window with its
 * days off (skipDates, public holidays from date-holidays) and, under `callingRules`, the
 * rule's hours in the recipient's own zones. Activity-side: the holiday library never
 * reaches workflow code; the math itself is the pure engine/callingWindow.ts.
 */
export function createRowCallingWindow(prepared: Pick<PreparedCampaignStore, 'get'>) {
  return async function msUntilRowMayBeCalled(
    question: RowWindowQuestion,
    nowMs: number,
  ): Promise<number | null> {
    const { window, timezones, row } = question;
    let localZones: readonly string[] = timezones;
    let region: string | undefined;
    // Only a campaign with calling rules pays for the row lookup.
    if (window.callingRules && row) {
      const stored = await prepared.get(row.campaignId, row.rowKey);
      localZones = stored?.localTimezones ?? timezones;
      region = stored?.region;
    }
    const windows = effectiveCallingWindows(window, { zones: timezones, localZones, region });
    return msUntilWindowsOpen(windows, nowMs, isPublicHoliday);
  };
}
