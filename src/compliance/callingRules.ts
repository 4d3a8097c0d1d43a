import { WEEKDAYS } from '../campaign/campaignSchema.js';
import type { ZonedWindow } from '../engine/callingWindow.js';
import type { CallingWindowPlan } from '../engine/campaignPlan.js';
import type { CallingRuleSet } from './callingRuleSets.js';
import type { FrequencyCap } from './frequencyCap.js';

/**
 * Built-in regional calling rules a campaign opts into with `callingRules`. A rule can only
 * narrow the campaign's own calling window, never widen it. A starting point, not legal
 * advice: the operator stays responsible for the law that applies to their calls.
 */

/** Local wall-clock hours of the called party: calls may start in [startMinute, endMinute). */
export interface CallingHours {
  startMinute: number;
  endMinute: number;
}

interface RegionalRule {
  hours: CallingHours;
  cap?: Omit<FrequencyCap, 'source'>;
}

interface RuleSet {
  /** Countries (ISO 3166) the rule set covers; a region "US-FL" is covered through "US". */
  countries: readonly string[];
  /** The rule for a covered number whose region has no rule of its own. */
  national: RegionalRule;
  /** Stricter rules by region ("US-FL"). */
  regions: Readonly<Record<string, RegionalRule>>;
}

const HOUR = 60;
const DAY_MS = 24 * 3600_000;

/** Florida (Fla. Stat. 501.616(6)) and Oklahoma (15 O.S. 775C.4): 08:00-20:00, 3 calls per 24 h on the same matter. */
const STATE_MINI_TCPA: RegionalRule = {
  hours: { startMinute: 8 * HOUR, endMinute: 20 * HOUR },
  cap: { calls: 3, perMs: DAY_MS },
};

const RULE_SETS: Readonly<Record<CallingRuleSet, RuleSet>> = {
  // 47 CFR 64.1200(c)(1): 08:00-21:00 local time of the called party; the US and its territories.
  'us-tcpa': {
    countries: ['US', 'PR', 'VI', 'GU', 'MP', 'AS'],
    national: { hours: { startMinute: 8 * HOUR, endMinute: 21 * HOUR } },
    regions: { 'US-FL': STATE_MINI_TCPA, 'US-OK': STATE_MINI_TCPA },
  },
};

function ruleFor(rules: CallingRuleSet | undefined, region: string | undefined): RegionalRule | undefined {
  if (rules === undefined || region === undefined) return undefined;
  const set = RULE_SETS[rules];
  if (!set.countries.includes(region.split('-')[0])) return undefined;
  return set.regions[region] ?? set.national;
}

/** The hours `rules` allow for a number of `region` ("US-FL", "US", "SE"); undefined: the rules do not cover it. */
export function callingHours(
  rules: CallingRuleSet | undefined,
  region: string | undefined,
): CallingHours | undefined {
  return ruleFor(rules, region)?.hours;
}

/**
 * The most calls `rules` allow to one number of `region` in a period, or undefined when
 * they set no cap. Enforced at dial time across campaigns (not by this module).
 */
export function regionalFrequencyCap(
  rules: CallingRuleSet | undefined,
  region: string | undefined,
): FrequencyCap | undefined {
  const cap = ruleFor(rules, region)?.cap;
  return cap && rules && region ? { ...cap, source: `${rules} ${region}` } : undefined;
}

/** What the window math needs to know about one recipient. */
export interface RecipientZones {
  /** The zones the campaign window is judged in for this row (its own zone, or the recipient's). */
  zones: readonly string[];
  /** The zones the called party may be in (timezone column, else from the number). */
  localZones: readonly string[];
  /** The number's region, e.g. "US-FL" (see numberRegion.ts). */
  region?: string;
}

/**
 * The windows that must all hold before this row may be called: the campaign's own, narrowed
 * by the rule's hours when both are judged in the recipient's zones; else the campaign's in
 * its zone plus the rule's hours (every day) in the recipient's. The rule only ever narrows.
 */
export function effectiveCallingWindows(window: CallingWindowPlan, recipient: RecipientZones): ZonedWindow[] {
  const hours = callingHours(window.callingRules, recipient.region);
  if (!hours) return [{ window, zones: recipient.zones }];
  if (sameZones(recipient.zones, recipient.localZones)) {
    const narrowed = {
      ...window,
      startMinute: Math.max(window.startMinute, hours.startMinute),
      endMinute: Math.min(window.endMinute, hours.endMinute),
    };
    return [{ window: narrowed, zones: recipient.zones }];
  }
  return [
    { window, zones: recipient.zones },
    { window: { days: [...WEEKDAYS], ...hours }, zones: recipient.localZones },
  ];
}

function sameZones(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((zone) => b.includes(zone));
}
