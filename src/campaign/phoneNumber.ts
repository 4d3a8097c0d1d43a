import {
  type CountryCode,
  isSupportedCountry,
  ParseError,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import { quotedExcerpt } from './quotedExcerpt.js';

/**
 * Turns what an operator typed ("070-123 45 67", "+44 20 7946 0958", "0046 70...")
 * into E.164 with the FULL libphonenumber metadata, so "valid" means "allocated in
 * that country's numbering plan", not just "has the right length".
 */
export type PhoneNumberResult =
  | {
      ok: true;
      e164: string;
      /** ISO 3166-1 alpha-2, when the number belongs to one country. */
      country?: string;
      /** mobile, fixed_line, fixed_line_or_mobile, toll_free, voip, ... or unknown. */
      numberType: string;
      /** The national significant number: the digits a row key must never contain. */
      nationalNumber: string;
      /** "46" for +46...: e164 is "+" + countryCallingCode + nationalNumber. */
      countryCallingCode: string;
    }
  | { ok: false; code: PhoneProblemCode; reason: string };

export type PhoneProblemCode =
  | 'phone-empty'
  | 'phone-not-a-number'
  | 'phone-no-country'
  | 'phone-too-short'
  | 'phone-too-long'
  | 'phone-invalid'
  | 'phone-extension'
  | 'phone-premium-rate';

export function isCountryCode(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

export function normalizePhoneNumber(text: string, defaultCountry?: string): PhoneNumberResult {
  const input = text.trim();
  if (input === '') return { ok: false, code: 'phone-empty', reason: 'empty phone number' };
  if (/^\d(?:[.,]\d+)?E\+?\d+$/i.test(input)) {
    return {
      ok: false,
      code: 'phone-not-a-number',
      reason: `${quotedExcerpt(input)} is a number in scientific notation: a spreadsheet rounded it; format the column as text`,
    };
  }
  const country = defaultCountry !== undefined && isCountryCode(defaultCountry) ? defaultCountry : undefined;
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    // extract: false so "070 123 45 67; 08-..." or "Tel: ..." is refused instead of half-read.
    parsed = parsePhoneNumberWithError(input, { defaultCountry: country, extract: false });
  } catch (error) {
    if (error instanceof ParseError) return parseProblem(error.message, input, country);
    throw error;
  }
  if (parsed.ext) {
    return {
      ok: false,
      code: 'phone-extension',
      reason: `${quotedExcerpt(input)} has an extension (${parsed.ext}); the call cannot dial extensions`,
    };
  }
  if (!parsed.isPossible()) {
    const length = validatePhoneNumberLength(input, { defaultCountry: country });
    return lengthProblem(length, input, parsed.country);
  }
  // With the full metadata, isValid() is `getType() !== undefined`, so one type lookup (a
  // dozen regular expressions) answers both; isValid() stays the judge for a number with no type.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) {
    const where = parsed.country ? ` for ${parsed.country}` : ` for +${parsed.countryCallingCode}`;
    return {
      ok: false,
      code: 'phone-invalid',
      reason: `${quotedExcerpt(input)} is not a valid number${where}`,
    };
  }
  const numberType = (type ?? 'unknown').toLowerCase();
  if (numberType === 'premium_rate') {
    // Calling premium-rate lines costs money per minute and is a classic fraud vector.
    return {
      ok: false,
      code: 'phone-premium-rate',
      reason: `${quotedExcerpt(input)} is a premium-rate number`,
    };
  }
  return {
    ok: true,
    e164: parsed.number,
    ...(parsed.country ? { country: parsed.country } : {}),
    numberType,
    nationalNumber: parsed.nationalNumber,
    countryCallingCode: parsed.countryCallingCode,
  };
}

function parseProblem(message: string, input: string, country: CountryCode | undefined): PhoneNumberResult {
  switch (message) {
    case 'INVALID_COUNTRY':
      return country || input.startsWith('+')
        ? {
            ok: false,
            code: 'phone-invalid',
            reason: `${quotedExcerpt(input)} has an unknown country calling code`,
          }
        : {
            ok: false,
            code: 'phone-no-country',
            reason: `${quotedExcerpt(input)} has no country code: write it as +<country code>... or set defaultCountry`,
          };
    case 'TOO_SHORT':
      return {
        ok: false,
        code: 'phone-too-short',
        reason: `${quotedExcerpt(input)} is too short to be a phone number`,
      };
    case 'TOO_LONG':
      return {
        ok: false,
        code: 'phone-too-long',
        reason: `${quotedExcerpt(input)} is too long to be a phone number`,
      };
    default:
      return {
        ok: false,
        code: 'phone-not-a-number',
        reason: `${quotedExcerpt(input)} is not a phone number`,
      };
  }
}

function lengthProblem(
  length: string | undefined,
  input: string,
  country: string | undefined,
): PhoneNumberResult {
  const where = country ? ` for ${country}` : '';
  if (length === 'TOO_SHORT') {
    return { ok: false, code: 'phone-too-short', reason: `${quotedExcerpt(input)} is too short${where}` };
  }
  if (length === 'TOO_LONG') {
    return { ok: false, code: 'phone-too-long', reason: `${quotedExcerpt(input)} is too long${where}` };
  }
  return {
    ok: false,
    code: 'phone-invalid',
    reason: `${quotedExcerpt(input)} has an impossible length${where}`,
  };
}
