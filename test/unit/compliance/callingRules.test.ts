import { describe, expect, it } from 'vitest';
import {
  callingHours,
  effectiveCallingWindows,
  regionalFrequencyCap,
} from '../../../src/compliance/callingRules.js';
import { msUntilWindowsOpen } from '../../../src/engine/callingWindow.js';
import type { CallingWindowPlan } from '../../../src/engine/campaignPlan.js';

const HOUR = 3600_000;
const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const hoursOf = (region: string) => {
  const hours = callingHours('us-tcpa', region);
  return hours && `${clock(hours.startMinute)}-${clock(hours.endMinute)}`;
};
const wideOpen: CallingWindowPlan = {
  timezone: 'recipient',
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  startMinute: 0,
  endMinute: 24 * 60,
  callingRules: 'us-tcpa',
};

describe('us-tcpa', () => {
  it('allows 08:00-20:00 in Florida and Oklahoma and 08:00-21:00 elsewhere in the US', () => {
    expect(hoursOf('US-FL')).toBe('08:00-20:00');
    expect(hoursOf('US-OK')).toBe('08:00-20:00');
    expect(hoursOf('US-NY')).toBe('08:00-21:00');
    expect(hoursOf('US')).toBe('08:00-21:00');
    expect(hoursOf('PR')).toBe('08:00-21:00');
  });

  it('does not cover numbers outside the US, nor numbers of unknown region', () => {
    expect(callingHours('us-tcpa', 'SE')).toBeUndefined();
    expect(callingHours('us-tcpa', 'CA')).toBeUndefined();
    expect(callingHours('us-tcpa', undefined)).toBeUndefined();
    expect(callingHours(undefined, 'US-FL')).toBeUndefined();
  });

  it('caps Florida and Oklahoma at 3 calls per 24 hours, and sets no cap elsewhere', () => {
    expect(regionalFrequencyCap('us-tcpa', 'US-FL')).toEqual({
      calls: 3,
      perMs: 24 * HOUR,
      source: 'us-tcpa US-FL',
    });
    expect(regionalFrequencyCap('us-tcpa', 'US-OK')).toEqual({
      calls: 3,
      perMs: 24 * HOUR,
      source: 'us-tcpa US-OK',
    });
    expect(regionalFrequencyCap('us-tcpa', 'US')).toBeUndefined();
    expect(regionalFrequencyCap('us-tcpa', 'SE')).toBeUndefined();
    expect(regionalFrequencyCap(undefined, 'US-FL')).toBeUndefined();
  });

  it('hands out copies: a caller changing a cap cannot change the rule', () => {
    const cap = regionalFrequencyCap('us-tcpa', 'US-FL');
    if (cap) cap.calls = 99;
    expect(regionalFrequencyCap('us-tcpa', 'US-FL')?.calls).toBe(3);
  });
});

describe('effectiveCallingWindows', () => {
  it('narrows a recipient-zone window to the rule hours, and never widens it', () => {
    const zones = ['America/New_York'];
    const [fl] = effectiveCallingWindows(wideOpen, { zones, localZones: zones, region: 'US-FL' });
    expect(fl.window).toMatchObject({ startMinute: 8 * 60, endMinute: 20 * 60 });
    const narrow = { ...wideOpen, startMinute: 10 * 60, endMinute: 12 * 60 };
    const [ny] = effectiveCallingWindows(narrow, { zones, localZones: zones, region: 'US' });
    expect(ny.window).toMatchObject({ startMinute: 10 * 60, endMinute: 12 * 60 });
  });

  it('keeps the campaign window and its days off when the rule does not apply', () => {
    const window = { ...wideOpen, skipDates: ['2026-12-24'] };
    expect(
      effectiveCallingWindows(window, {
        zones: ['Europe/Stockholm'],
        localZones: ['Europe/Stockholm'],
        region: 'SE',
      }),
    ).toEqual([{ window, zones: ['Europe/Stockholm'] }]);
  });

  it('adds the rule hours in the recipient zones when the campaign window has its own zone', () => {
    // A campaign open around the clock in New York time calls a Florida number in Chicago time... the
    // rule's 08:00-20:00 is judged where the phone rings: at 20:30 New York (19:30 Chicago) the
    // Chicago-zone (Florida panhandle) number may be called, at 21:30 New York (20:30 Chicago) not.
    const fixed = { ...wideOpen, timezone: 'America/New_York' };
    const windows = effectiveCallingWindows(fixed, {
      zones: ['America/New_York'],
      localZones: ['America/Chicago'],
      region: 'US-FL',
    });
    expect(windows).toHaveLength(2);
    expect(msUntilWindowsOpen(windows, Date.parse('2026-11-24T01:30:00Z'))).toBe(0); // 20:30 New York
    // 21:30 New York = 20:30 Chicago: closed until 08:00 Chicago = 14:00 UTC.
    expect(msUntilWindowsOpen(windows, Date.parse('2026-11-24T02:30:00Z'))).toBe(11.5 * HOUR);
  });

  it('gives a Florida number an hour less in the evening than a New York one', () => {
    const zones = ['America/New_York'];
    const at2030 = Date.parse('2026-11-24T01:30:00Z'); // Monday 20:30 in New York
    const fl = effectiveCallingWindows(wideOpen, { zones, localZones: zones, region: 'US-FL' });
    const ny = effectiveCallingWindows(wideOpen, { zones, localZones: zones, region: 'US' });
    expect(msUntilWindowsOpen(ny, at2030)).toBe(0);
    expect(msUntilWindowsOpen(fl, at2030)).toBe(11.5 * HOUR); // next 08:00
  });
});
