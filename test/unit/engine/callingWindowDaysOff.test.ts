import { describe, expect, it } from 'vitest';
import { isPublicHoliday } from '../../../src/compliance/publicHolidays.js';
import { isInsideWindow, msUntilWindowOpens, msUntilWindowsOpen } from '../../../src/engine/callingWindow.js';
import type { CallingWindowPlan } from '../../../src/engine/campaignPlan.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const STOCKHOLM = ['Europe/Stockholm'];
const everyDay9to17: CallingWindowPlan = {
  timezone: 'Europe/Stockholm',
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
};
const weekdays9to17: CallingWindowPlan = { ...everyDay9to17, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
/** When the next call may start, as an instant, so a failure reads as a date. */
const opensAt = (window: CallingWindowPlan, zones: string[], now: string) => {
  const wait = msUntilWindowOpens(window, zones, Date.parse(now), isPublicHoliday);
  return wait === null ? null : new Date(Date.parse(now) + wait).toISOString();
};

describe('days off in the calling window', () => {
  it('skips a skipDate and opens on the next open day', () => {
    // Wednesday 2026-11-25 08:00 UTC (09:00 Stockholm) is inside, unless the day is skipped.
    const skipped = { ...weekdays9to17, skipDates: ['2026-11-25'] };
    expect(opensAt(weekdays9to17, STOCKHOLM, '2026-11-25T08:00:00Z')).toBe('2026-11-25T08:00:00.000Z');
    expect(opensAt(skipped, STOCKHOLM, '2026-11-25T08:00:00Z')).toBe('2026-11-26T08:00:00.000Z');
  });

  it('judges a skipDate on each recipient zone own calendar', () => {
    // 2026-11-25 23:30 UTC is already the 26th in Tokyo (08:30) but still the 25th in New York.
    const window = { ...everyDay9to17, startMinute: 0, endMinute: 24 * 60, skipDates: ['2026-11-26'] };
    const now = Date.parse('2026-11-25T23:30:00Z');
    expect(msUntilWindowOpens(window, ['America/New_York'], now)).toBe(0);
    // Tokyo (UTC+9): the 26th ends at 15:00 UTC on the 26th.
    expect(msUntilWindowOpens(window, ['Asia/Tokyo'], now)).toBe(15.5 * HOUR);
  });

  it('moves calls past Swedish midsummer day (a Saturday public holiday) with holidays "SE"', () => {
    // Midsommardagen 2026 is Saturday 20 June; 09:00 Stockholm (UTC+2) = 07:00 UTC.
    const window = { ...everyDay9to17, holidays: ['SE'] };
    expect(opensAt(window, STOCKHOLM, '2026-06-20T07:00:00Z')).toBe('2026-06-21T07:00:00.000Z');
    // Midsummer eve (a bank day in date-holidays, not a public holiday) stays open.
    expect(opensAt(window, STOCKHOLM, '2026-06-19T07:00:00Z')).toBe('2026-06-19T07:00:00.000Z');
  });

  it('moves calls from Christmas Eve evening past juldagen and annandag jul to Monday', () => {
    // Thursday 24 Dec 2026 18:00 Stockholm (closed for the day); 25th and 26th are public
    // holidays, the 27th a Sunday: weekdays open again Monday 28 Dec 09:00 (08:00 UTC).
    const window = { ...weekdays9to17, holidays: ['SE'] };
    expect(opensAt(window, STOCKHOLM, '2026-12-24T17:00:00Z')).toBe('2026-12-28T08:00:00.000Z');
  });

  it('finds the opening after a long closure instead of calling it never (Christmas to Epiphany, Mondays only)', () => {
    // Only Mondays; skipDates close 21 Dec 2026 to 6 Jan 2027 and the next three Mondays:
    // more than the 8 days a plain weekly window needs.
    const skipDates: string[] = [];
    for (let day = Date.parse('2026-12-21'); day <= Date.parse('2027-01-06'); day += DAY)
      skipDates.push(new Date(day).toISOString().slice(0, 10));
    skipDates.push('2027-01-11', '2027-01-18', '2027-01-25');
    const mondays = { ...everyDay9to17, days: ['mon'], holidays: ['SE'], skipDates };
    expect(opensAt(mondays, STOCKHOLM, '2026-12-18T12:00:00Z')).toBe('2027-02-01T08:00:00.000Z');
  });

  it('still says never when the zones never meet, days off or not', () => {
    const twoHours = { ...weekdays9to17, endMinute: 11 * 60, skipDates: ['2026-11-24'] };
    expect(
      msUntilWindowOpens(twoHours, ['Europe/Stockholm', 'Asia/Tokyo'], Date.parse('2026-11-23T09:00:00Z')),
    ).toBeNull();
  });

  it('refuses to guess when a window names holidays but no holiday calendar was given', () => {
    const window = { ...weekdays9to17, holidays: ['SE'] };
    expect(() => msUntilWindowOpens(window, STOCKHOLM, Date.parse('2026-11-23T07:00:00Z'))).toThrow(
      /no holiday calendar/,
    );
  });
});

describe('daylight saving time', () => {
  it('opens at 09:00 local on the day clocks go forward and on the day they go back', () => {
    // Stockholm: Sunday 29 March 2026 02:00 -> 03:00; Sunday 25 October 03:00 -> 02:00.
    expect(opensAt(everyDay9to17, STOCKHOLM, '2026-03-28T20:00:00Z')).toBe('2026-03-29T07:00:00.000Z');
    expect(opensAt(everyDay9to17, STOCKHOLM, '2026-10-24T20:00:00Z')).toBe('2026-10-25T08:00:00.000Z');
  });

  it('finds a window that starts inside the skipped hour when clocks go forward', () => {
    // 02:30 does not exist on 29 March in Stockholm: the window opens when the clock reads 03:00.
    const early = { ...everyDay9to17, startMinute: 2 * 60 + 30, endMinute: 5 * 60 };
    expect(opensAt(early, STOCKHOLM, '2026-03-28T20:00:00Z')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('crosses a DST change in New York after a skipped day', () => {
    // New York: Sunday 8 March 2026 clocks go forward. Saturday 7 March 20:00 EST, Monday skipped:
    // Tuesday 10 March 09:00 EDT = 13:00 UTC.
    const window = { ...weekdays9to17, timezone: 'America/New_York', skipDates: ['2026-03-09'] };
    expect(opensAt(window, ['America/New_York'], '2026-03-08T01:00:00Z')).toBe('2026-03-10T13:00:00.000Z');
  });
});

describe('msUntilWindowsOpen', () => {
  it('waits until every window holds, each in its own zones', () => {
    // The campaign window 09-17 in Stockholm; a rule's 08-21 in Honolulu (UTC-10).
    // Monday 2026-11-23 09:00 UTC: Stockholm 10:00 (open), Honolulu 23:00 the day before (closed).
    const now = Date.parse('2026-11-23T09:00:00Z');
    const rule = { days: everyDay9to17.days, startMinute: 8 * 60, endMinute: 21 * 60 };
    const wait = msUntilWindowsOpen(
      [
        { window: weekdays9to17, zones: STOCKHOLM },
        { window: rule, zones: ['Pacific/Honolulu'] },
      ],
      now,
    );
    // Honolulu 08:00 = 18:00 UTC, when Stockholm (19:00) is closed: never on the same day;
    // the two never overlap (Stockholm 17:00 = Honolulu 06:00).
    expect(wait).toBeNull();
    const newYork = msUntilWindowsOpen(
      [
        { window: weekdays9to17, zones: STOCKHOLM },
        { window: rule, zones: ['America/New_York'] },
      ],
      now,
    );
    // New York 08:00 = 13:00 UTC = 14:00 Stockholm: both open from then.
    expect(newYork).toBe(4 * HOUR);
  });
});

describe('skipping ahead', () => {
  /** The plain minute-by-minute scan the skips must agree with. */
  function naiveWait(window: CallingWindowPlan, zones: string[], now: number): number | null {
    const inside = (instant: number) => zones.every((zone) => isInsideWindow(window, zone, instant));
    if (inside(now)) return 0;
    for (let instant = Math.ceil(now / 60_000) * 60_000; instant <= now + 8 * DAY; instant += 60_000)
      if (inside(instant)) return instant - now;
    return null;
  }

  it('finds exactly the minute a plain scan finds, across zones, weekdays and DST changes', () => {
    const zoneSets = [['Europe/Stockholm'], ['America/New_York', 'America/Chicago'], ['Australia/Lord_Howe']];
    // Deterministic pseudo-random cases around the March and October/November DST changes.
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 24; i += 1) {
      const start = Math.floor(random() * 20) * 60 + Math.floor(random() * 4) * 15;
      const window = {
        ...everyDay9to17,
        days: everyDay9to17.days.filter(() => random() < 0.6),
        startMinute: start,
        endMinute: Math.min(24 * 60, start + 30 + Math.floor(random() * 8) * 60),
        skipDates: ['2026-03-09', '2026-11-02'],
      };
      if (window.days.length === 0) window.days = ['wed'];
      const zones = zoneSets[i % zoneSets.length];
      const base = i % 2 === 0 ? Date.parse('2026-03-05T00:00:00Z') : Date.parse('2026-10-29T00:00:00Z');
      const now = base + Math.floor(random() * 5 * DAY) + 17_000;
      expect(msUntilWindowOpens(window, zones, now), JSON.stringify({ window, zones, now })).toBe(
        naiveWait(window, zones, now),
      );
    }
  });
});
