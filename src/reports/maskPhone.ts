import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A phone number as the HTML report shows it: the country code and the first and last
 * two digits, so a manager can tell rows apart without the report exposing whole
 * numbers: `+46701234567` -> `+46 70•••••67`.
 */
const HIDDEN = '•';

export function maskPhone(e164: string | undefined): string {
  if (e164 === undefined || e164 === '') return '';
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined) return maskDigits(e164);
  return maskPhoneParts(parsed.countryCallingCode, parsed.nationalNumber);
}

/**
 * The same mask from a number already parsed (its calling code and national significant
 * number), so code that has just validated a number need not parse it a second time.
 */
export function maskPhoneParts(countryCallingCode: string, nationalNumber: string): string {
  return `+${countryCallingCode} ${maskDigits(nationalNumber)}`;
}

function maskDigits(digits: string): string {
  if (digits.length <= 4) return HIDDEN.repeat(digits.length);
  return `${digits.slice(0, 2)}${HIDDEN.repeat(digits.length - 4)}${digits.slice(-2)}`;
}
