import { createHmac } from 'node:crypto';
import { quotedExcerpt } from './quotedExcerpt.js';

/**
 * Row keys end up in Temporal workflow IDs and search attributes, which Temporal
 * stores unencrypted, so a key must never be (or contain) a phone number. A plain
 * hash of a phone number is no protection either (there are few enough numbers to
 * hash them all), so number-derived keys are an HMAC keyed with a deployment secret.
 */
export const ROW_KEY_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_PHONE_DIGITS_IN_ID = 6;

/** Key for a row identified by its number; `occurrence` (1, 2, ...) keeps repeat rows of one number apart. */
export function phoneRowKey(secret: string, e164: string, occurrence: number): string {
  const message = occurrence === 1 ? e164 : `${e164}#${occurrence}`;
  return `r${createHmac('sha256', secret).update(message).digest('hex').slice(0, 16)}`;
}

/** Key of a row that is not called: it only has to be unique within the report. */
export function lineRowKey(line: number): string {
  return `line-${line}`;
}

export type IdKeyCheck =
  | { ok: true; key: string }
  | { ok: false; code: 'id-empty' | 'id-unsafe' | 'id-contains-phone'; reason: string };

/** Checks an idColumn value for use as a row key. `nationalNumber` is the row's own number, when it parsed. */
export function checkIdRowKey(value: string, column: string, nationalNumber?: string): IdKeyCheck {
  const key = value.trim();
  if (key === '') return { ok: false, code: 'id-empty', reason: `empty ${column}` };
  if (
    nationalNumber &&
    nationalNumber.length >= MIN_PHONE_DIGITS_IN_ID &&
    key.replace(/\D/g, '').includes(nationalNumber)
  ) {
    return {
      ok: false,
      code: 'id-contains-phone',
      reason: `${column} contains the row's phone number; row keys are stored unencrypted, use another id`,
    };
  }
  if (!ROW_KEY_PATTERN.test(key)) {
    return {
      ok: false,
      code: 'id-unsafe',
      reason: `${column} ${quotedExcerpt(key)} may only use letters, digits, ".", "_" and "-" (at most 64)`,
    };
  }
  if (/^line-\d+$/.test(key)) {
    return {
      ok: false,
      code: 'id-unsafe',
      reason: `${column} "${key}" looks like the key of an invalid row; use another id`,
    };
  }
  return { ok: true, key };
}
