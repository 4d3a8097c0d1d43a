import type { CallingRuleSet } from '../compliance/callingRuleSets.js';

/**
 * What the campaign and call workflows need to know about a campaign, derived once from
 * campaign.json by the prepare activity. Small and JSON-safe: it travels in workflow
 * inputs, across continue-as-new, and into every call workflow.
 */
export interface CallingWindowPlan {
  /** IANA zone, or 'recipient' to use each row's own zones. */
  timezone: string;
  /** Weekdays allowed: 'mon' ... 'sun'. */
  days: string[];
  /** Local wall-clock bounds in minutes after midnight; calls may start in [startMinute, endMinute). */
  startMinute: number;
  endMinute: number;
  /** Dates ("YYYY-MM-DD") with no calls, on the window zone's calendar (the recipient's for 'recipient'). */
  skipDates?: string[];
  /** Public holidays of these countries or regions ("SE", "US-FL") are days off too. */
  holidays?: string[];
  /** A built-in regional rule set that narrows the hours per recipient (campaign.json `callingRules`). */
  callingRules?: CallingRuleSet;
}

export type AmbiguousStartPolicy = 'reattempt' | 'unknown';

export interface CampaignPlan {
  campaignId: string;
  name: string;
  concurrency: number;
  callsPerMinute: number;
  maxAttempts: number;
  retryOn: string[];
  retryDelayMs: number;
  /** The most this campaign may spend, in credits; undefined = no budget. */
  budget?: number;
  estimatePerCall: number;
  ambiguousStart: AmbiguousStartPolicy;
  reconcileAfterMs: number;
  creditRecheckEveryMs: number;
  /** The longest a call may last; bounds how long we wait for its webhook before polling. */
  maxCallDurationMs: number;
  /** Extra wait after maxCallDurationMs for the call_completed webhook, before polling the API. */
  webhookGraceMs: number;
  recordingFormat?: 'mp3' | 'wav';
  /** The campaign subscribes to price_updated, so a call's price may arrive by webhook after it ends. */
  priceWebhook: boolean;
  callingWindow: CallingWindowPlan;
  /**
   * User-on-call campaigns: how many operator phones there are. Each in-flight attempt
   * holds one (by index), so no operator is rung for two calls at once. Absent otherwise.
   */
  operatorPhones?: number;
  totalRows: number;
  validRows: number;
}

/** One valid row as the workflows see it: no phone number, no task text (activities look those up). */
export interface CallRow {
  rowKey: string;
  line: number;
  /** For the operator's eyes in summaries, e.g. `+46 70•••••67`. */
  maskedPhone: string;
  /** The zones the recipient may be in (for callingWindow.timezone = 'recipient'). */
  timezones: string[];
}
