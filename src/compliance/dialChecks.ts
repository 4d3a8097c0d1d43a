/**
 * The audit of one attempt: every check the runner made right before dialling, and what
 * it decided. An operator answers "why did (or didn't) we call this person?" from these.
 */
export const DIAL_CHECK_NAMES = ['consent', 'budget', 'window', 'suppression', 'cap'] as const;
export type DialCheckName = (typeof DIAL_CHECK_NAMES)[number];

export interface DialCheck {
  check: DialCheckName;
  passed: boolean;
  /** What was checked against what, in words, without the phone number. */
  detail: string;
}

/** dialled: the call was sent; waiting: outside the calling window (checked again later); suppressed and capped: not called. */
export const DIAL_DECISIONS = ['dialled', 'waiting', 'suppressed', 'capped'] as const;
export type DialDecision = (typeof DIAL_DECISIONS)[number];

export interface DialAudit {
  attempt: number;
  decision: DialDecision;
  checks: DialCheck[];
  /** The first check of this attempt (a window wait can hold it for days) and the deciding one. */
  firstCheckedAt: string;
  checkedAt: string;
}
