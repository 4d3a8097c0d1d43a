import type { CallingWindowPlan } from '../engine/campaignPlan.js';
import type { DialCheck } from './dialChecks.js';
import { describeFrequencyCap, type FrequencyCap } from './frequencyCap.js';

/** What the dial-time checks know of the campaign (from its prepared manifest). */
export interface DialPolicy {
  budget?: number;
  consent?: { column: string; required: boolean };
  purpose?: string;
}

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** "mon,tue,wed 09:00-18:00 in Europe/Stockholm, not on SE holidays or 2 skipped dates, under us-tcpa" */
export function describeWindow(window: CallingWindowPlan, zones: readonly string[]): string {
  const where = zones.length === 0 ? 'no known zone' : zones.join(' and ');
  const daysOff = [
    ...(window.holidays?.length ? [`${window.holidays.join(',')} holidays`] : []),
    ...(window.skipDates?.length ? [`${window.skipDates.length} skipped date(s)`] : []),
  ];
  return (
    `${window.days.join(',')} ${hhmm(window.startMinute)}-${hhmm(window.endMinute)} in ${where}` +
    (daysOff.length > 0 ? `, not on ${daysOff.join(' or ')}` : '') +
    (window.callingRules ? `, under ${window.callingRules}` : '')
  );
}

export function windowCheck(
  window: CallingWindowPlan,
  zones: readonly string[],
  waitMs: number | null,
): DialCheck {
  const span = describeWindow(window, zones);
  if (waitMs === 0) return { check: 'window', passed: true, detail: `inside ${span}` };
  if (waitMs === null) return { check: 'window', passed: false, detail: `${span} never opens` };
  return {
    check: 'window',
    passed: false,
    detail: `outside ${span}; opens in ${Math.ceil(waitMs / 60_000)} min`,
  };
}

/** Checked when the campaign was prepared (a row without consent never reaches a dial). */
export function consentCheck(policy: DialPolicy): DialCheck {
  if (!policy.consent) {
    return {
      check: 'consent',
      passed: true,
      detail: `not required (purpose ${policy.purpose ?? 'informational'}, no consent column)`,
    };
  }
  return {
    check: 'consent',
    passed: true,
    detail: policy.consent.required
      ? `given (column ${policy.consent.column})`
      : `not required (column ${policy.consent.column} recorded)`,
  };
}

/** The campaign grants a slot only while the budget has room for the call's estimate. */
export function budgetCheck(policy: DialPolicy): DialCheck {
  return {
    check: 'budget',
    passed: true,
    detail:
      policy.budget === undefined
        ? 'no budget set'
        : `slot granted within the budget of ${policy.budget} credits`,
  };
}

export function suppressionCheck(listed: { source: string; addedAt: string } | undefined): DialCheck {
  return listed
    ? {
        check: 'suppression',
        passed: false,
        detail: `on the suppression list since ${listed.addedAt} (${listed.source})`,
      }
    : { check: 'suppression', passed: true, detail: 'not on the suppression list' };
}

export function capCheck(caps: readonly FrequencyCap[], capped: boolean): DialCheck {
  if (caps.length === 0) return { check: 'cap', passed: true, detail: 'no frequency cap' };
  const rules = caps.map(describeFrequencyCap).join('; ');
  return capped
    ? { check: 'cap', passed: false, detail: `reached: ${rules}` }
    : { check: 'cap', passed: true, detail: `under ${rules}` };
}
