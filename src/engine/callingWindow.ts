import type { CallingWindowPlan } from './campaignPlan.js';

const WEEKDAY_NAMES: Record<string, string> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** The hours part of a window: what a regional rule can narrow. */
export type WindowHours = Pick<CallingWindowPlan, 'days' | 'startMinute' | 'endMinute'> &
  Partial<Pick<CallingWindowPlan, 'skipDates' | 'holidays'>>;

/** A window that must hold in every one of `zones` at once (the zones a recipient may be in). */
export interface ZonedWindow {
  window: WindowHours;
  zones: readonly string[];
}

/**
 * Whether `localDate` ("YYYY-MM-DD") is a public holiday in any of `codes` ("SE", "US-FL").
 * Injected, so this module stays pure and the holiday library stays out of workflow code.
 */
export type HolidayCheck = (codes: readonly string[], localDate: string) => boolean;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

interface LocalTime {
  /** 'mon' ... 'sun'. */
  day: string;
  /** "YYYY-MM-DD" on the wall calendar of the zone. */
  date: string;
  minute: number;
}

/** Weekday, date and minute-of-day of an instant on the wall clock of `zone`. */
function localTime(zone: string, instantMs: number): LocalTime {
  let day = '';
  let year = '';
  let month = '';
  let dayOfMonth = '';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(zone).formatToParts(instantMs)) {
    if (part.type === 'weekday') day = WEEKDAY_NAMES[part.value] ?? '';
    else if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') dayOfMonth = part.value;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, date: `${year}-${month}-${dayOfMonth}`, minute: hour * 60 + minute };
}

function isDayOff(window: WindowHours, date: string, isHoliday: HolidayCheck | undefined): boolean {
  if (window.skipDates?.includes(date)) return true;
  if (!window.holidays || window.holidays.length === 0) return false;
  if (!isHoliday) throw new Error('the calling window names holidays but no holiday calendar was given');
  return isHoliday(window.holidays, date);
}

/** Whether `local` is a day calls may happen at all (a window weekday, not a day off). */
function isOpenDay(window: WindowHours, local: LocalTime, isHoliday: HolidayCheck | undefined): boolean {
  return window.days.includes(local.day) && !isDayOff(window, local.date, isHoliday);
}

export function isInsideWindow(
  window: WindowHours,
  zone: string,
  instantMs: number,
  isHoliday?: HolidayCheck,
): boolean {
  const local = localTime(zone, instantMs);
  return (
    local.minute >= window.startMinute &&
    local.minute < window.endMinute &&
    isOpenDay(window, local, isHoliday)
  );
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
/** A window that opens weekly opens within this; a window that does not, and has no days off, never will. */
const BASE_HORIZON_MS = 8 * DAY_MINUTES * MINUTE;
/** Each day off on a window weekday can push the opening back by at most a week. */
const HORIZON_PER_DAY_OFF_MS = 7 * DAY_MINUTES * MINUTE;
/** However many days off: past this the answer is "never" (a year of closures is a mistake, not a plan). */
const MAX_HORIZON_MS = 400 * DAY_MINUTES * MINUTE;
/** The largest jump a wall clock makes at a DST change (1 h nearly everywhere); skips never overshoot by it. */
const MAX_CLOCK_JUMP_MINUTES = 60;

/**
 * How long until calls may start in every one of `zones` at once (the intersection of
 * their windows), or null when that never happens. 0 means now. Days off (the window's
 * skipDates and holidays) are judged on each zone's own calendar.
 */
export function msUntilWindowOpens(
  window: WindowHours,
  zones: readonly string[],
  nowMs: number,
  isHoliday?: HolidayCheck,
): number | null {
  return msUntilWindowsOpen([{ window, zones }], nowMs, isHoliday);
}

/**
 * How long until every one of `windows` holds at once (e.g. the campaign's window in its
 * zone and a regional rule's hours in the recipient's), or null when that never happens.
 */
export function msUntilWindowsOpen(
  windows: readonly ZonedWindow[],
  nowMs: number,
  isHoliday?: HolidayCheck,
): number | null {
  if (windows.length === 0 || windows.some(({ zones }) => zones.length === 0)) return null;
  // Windows open on whole minutes in every real zone, so stepping minute by minute finds the
  // first one; a zone on a closed day or before its start lets us skip ahead safely.
  const firstMinute = Math.ceil(nowMs / MINUTE) * MINUTE;
  const daysOffSeen = new Set<string>();
  let horizonMs = BASE_HORIZON_MS;
  let instant = nowMs;
  while (instant <= nowMs + horizonMs) {
    let skipMinutes = 0;
    for (const { window, zones } of windows) {
      for (const zone of zones) {
        const local = localTime(zone, instant);
        const weekday = window.days.includes(local.day);
        // Per date, not per zone: one holiday seen from 40 zones is still one day off.
        if (weekday && !daysOffSeen.has(local.date) && isDayOff(window, local.date, isHoliday)) {
          daysOffSeen.add(local.date);
          horizonMs = Math.min(MAX_HORIZON_MS, horizonMs + HORIZON_PER_DAY_OFF_MS);
        }
        skipMinutes = Math.max(skipMinutes, minutesClosed(window, local, isHoliday));
      }
    }
    if (skipMinutes === 0) return instant - nowMs;
    const next = instant + Math.max(1, skipMinutes - MAX_CLOCK_JUMP_MINUTES) * MINUTE;
    // Back onto whole minutes after `now`, the only instants a window can open at.
    instant = Math.max(firstMinute, Math.floor(next / MINUTE) * MINUTE);
  }
  return null;
}

/** 0 when `local` is inside the window; else the wall-clock minutes before it can be again. */
function minutesClosed(window: WindowHours, local: LocalTime, isHoliday: HolidayCheck | undefined): number {
  const openDay = isOpenDay(window, local, isHoliday);
  if (openDay && local.minute >= window.startMinute && local.minute < window.endMinute) return 0;
  if (openDay && local.minute < window.startMinute) return window.startMinute - local.minute;
  return DAY_MINUTES - local.minute; // past the end or a closed day: not before the next local midnight
}
