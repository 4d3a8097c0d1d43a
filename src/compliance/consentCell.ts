/**
 * What a contact's consent cell says. Only an explicit yes counts as consent: an empty
 * cell is no consent, and a value that is neither yes nor no is a problem with the row
 * (a typo must not turn into a call).
 */
const YES = new Set(['yes', 'y', 'true', '1', 'x', 'ja', 'j', 'consent', 'opt-in', 'opted-in']);
const NO = new Set(['', 'no', 'n', 'false', '0', 'nej', 'none', 'opt-out', 'opted-out']);

export type ConsentCell = 'given' | 'missing' | 'unreadable';

export function readConsentCell(cell: string): ConsentCell {
  const value = cell.trim().toLowerCase();
  if (YES.has(value)) return 'given';
  if (NO.has(value)) return 'missing';
  return 'unreadable';
}

/** For messages: the values read as consent. */
export const CONSENT_YES_VALUES = [...YES].filter((value) => value !== '');
