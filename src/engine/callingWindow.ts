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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Weekday and minute-of-day of an instant on the wall clock of `zone`. */
function localTime(zone: string, instantMs: number): { day: string; minute: number } {
  let day = '';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(zone).formatToParts(instantMs)) {
    if (part.type === 'weekday') day = WEEKDAY_NAMES[part.value] ?? '';
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

export function isInsideWindow(window: CallingWindowPlan, zone: string, instantMs: number): boolean {
  const local = localTime(zone, instantMs);
  return (
    window.days.includes(local.day) && local.minute >= window.startMinute && local.minute < window.endMinute
  );
}

const MINUTE = 60_000;
/** Look this far ahead for an opening; a window that does not open within it never will. */
const HORIZON_MS = 8 * 24 * 60 * MINUTE;

/**
 * How long until calls may start in every one of `zones` at once (the intersection of
 * their windows), or null when that never happens. 0 means now.
 */
export function msUntilWindowOpens(
  window: CallingWindowPlan,
  zones: readonly string[],
  nowMs: number,
): number | null {
  if (zones.length === 0) return null;
  const open = (instant: number) => zones.every((zone) => isInsideWindow(window, zone, instant));
  if (open(nowMs)) return 0;
  // Windows open on whole minutes in every real zone, so stepping minute by minute finds the first one.
  const firstMinute = Math.ceil(nowMs / MINUTE) * MINUTE;
  for (let instant = firstMinute; instant <= nowMs + HORIZON_MS; instant += MINUTE) {
    if (open(instant)) return instant - nowMs;
  }
  return null;
}
