import ct from 'countries-and-timezones';
import { numberRegion } from '../compliance/numberRegion.js';
import type { CallingWindowPlan } from '../engine/campaignPlan.js';
import type { ContactRow } from './contactRow.js';
import type { NumberTimeZones } from './numberTimeZones.js';
import { resolveTimeZone } from './timeZone.js';

/** Where a row's calling window is judged, as the prepare activity stores it with the row. */
export interface RowZones {
  /** The zones the campaign window must hold in: the window's own zone, or the recipient's. */
  timezones: string[];
  /** The recipient's own zones, when they differ from `timezones` and a calling rule needs them. */
  localTimezones?: string[];
  /** The number's region ("US-FL", "SE"), when a calling rule needs it. */
  region?: string;
}

/**
 * The zones a row's recipient may be in: the row's timezone column wins; else the zones of
 * the number's prefix (libphonenumber's data: +1 212 is New York only); else, for a prefix
 * the data does not know, every zone of the number's country.
 */
export function recipientZonesOf(row: ContactRow, numberZones: NumberTimeZones): string[] {
  if (row.timezone) return [row.timezone];
  const fromNumber = row.phoneE164 ? knownZones(numberZones(row.phoneE164)) : [];
  if (fromNumber.length > 0) return fromNumber;
  return row.country ? knownZones(ct.getCountry(row.country)?.timezones ?? []) : [];
}

/** Zones this runtime's Intl knows, canonical; one it does not know would fail every window check. */
function knownZones(zones: readonly string[]): string[] {
  const known = zones.map(resolveTimeZone).filter((zone): zone is string => zone !== undefined);
  return [...new Set(known)];
}

/** For each row: the zones its calling window is judged in, and what its calling rules need. */
export function rowZones(
  window: Pick<CallingWindowPlan, 'timezone' | 'callingRules'>,
  numberZones: NumberTimeZones,
): (row: ContactRow) => RowZones {
  return (row) => {
    const recipient = window.timezone === 'recipient';
    const timezones = recipient ? recipientZonesOf(row, numberZones) : [window.timezone];
    if (!window.callingRules) return { timezones };
    return {
      timezones,
      ...(recipient ? {} : { localTimezones: recipientZonesOf(row, numberZones) }),
      ...(row.phoneE164 ? { region: numberRegion(row.country, row.phoneE164) } : {}),
    };
  };
}
