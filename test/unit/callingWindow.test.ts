import { describe, expect, it } from 'vitest';
import { msUntilWindowOpens } from '../../src/engine/callingWindow.js';
import type { CallingWindowPlan } from '../../src/engine/campaignPlan.js';

const weekdays9to17: CallingWindowPlan = {
  timezone: 'Europe/Stockholm',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
};

describe('msUntilWindowOpens', () => {
  it('is 0 inside the window', () => {
    // Monday 2026-11-23 10:00 in Stockholm (UTC+1) = 09:00 UTC.
    expect(msUntilWindowOpens(weekdays9to17, ['Europe/Stockholm'], Date.parse('2026-11-23T09:00:00Z'))).toBe(
      0,
    );
  });

  it('waits for the next morning in the recipient zone', () => {
    // Monday 18:00 Stockholm -> Tuesday 09:00 Stockholm = 15 hours.
    const now = Date.parse('2026-11-23T17:00:00Z');
    expect(msUntilWindowOpens(weekdays9to17, ['Europe/Stockholm'], now)).toBe(15 * 3600_000);
  });

  it('skips the weekend', () => {
    // Saturday 2026-11-28 12:00 Stockholm -> Monday 09:00 = 45 hours.
    const now = Date.parse('2026-11-28T11:00:00Z');
    expect(msUntilWindowOpens(weekdays9to17, ['Europe/Stockholm'], now)).toBe(45 * 3600_000);
  });

  it('takes the intersection when a number may be in several zones', () => {
    // New York (UTC-5) and Los Angeles (UTC-8): both inside 9-17 from 12:00 to 17:00 New York time.
    const now = Date.parse('2026-11-23T14:00:00Z'); // 09:00 New York, 06:00 Los Angeles
    expect(msUntilWindowOpens(weekdays9to17, ['America/New_York', 'America/Los_Angeles'], now)).toBe(
      3 * 3600_000,
    );
  });

  it('is null when the zones never overlap', () => {
    const now = Date.parse('2026-11-23T09:00:00Z');
    const twoHours = { ...weekdays9to17, startMinute: 9 * 60, endMinute: 11 * 60 };
    // Stockholm and Tokyo are 8 hours apart: their 09-11 windows never meet.
    expect(msUntilWindowOpens(twoHours, ['Europe/Stockholm', 'Asia/Tokyo'], now)).toBeNull();
    expect(msUntilWindowOpens(weekdays9to17, [], now)).toBeNull();
  });
});
