import { describeCampaignIssues } from './campaignIssues.js';
import { type RowOverridableOption, rowOverridableCallOptions } from './campaignSchema.js';
import { normalizePhoneNumber } from './phoneNumber.js';
import { quotedExcerpt } from './quotedExcerpt.js';

/**
 * Per-row start-call options: a CSV column named like a call option (`language`,
 * `voice_gender`, `max_duration`, ...) overrides the campaign's value for that row.
 * Cells are checked with the same zod schemas as campaign.json; an empty cell
 * means "use the campaign's value".
 */
export const ROW_OVERRIDE_OPTIONS = Object.keys(rowOverridableCallOptions) as RowOverridableOption[];

export type OverrideResult = { ok: true; value: string | number | boolean } | { ok: false; reason: string };

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

export function parseOverride(
  option: RowOverridableOption,
  cell: string,
  defaultCountry?: string,
): OverrideResult {
  const text = cell.trim();
  let input: unknown = text;
  switch (option) {
    case 'max_duration':
      input = /^\d+$/.test(text) ? Number(text) : text;
      break;
    case 'enable_calendar': {
      const word = text.toLowerCase();
      if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word))
        return { ok: false, reason: `${option} must be true or false` };
      input = TRUE_WORDS.has(word);
      break;
    }
    case 'from_number':
    case 'transfer_number': {
      // A CSV is messy: accept national formats here, like the contact's own number.
      const phone = normalizePhoneNumber(text, defaultCountry);
      if (!phone.ok) return { ok: false, reason: `${option}: ${phone.reason}` };
      input = phone.e164;
      break;
    }
    case 'voice_gender':
    case 'tts_provider':
      input = text.toLowerCase();
      break;
    default:
      break;
  }
  const schema = rowOverridableCallOptions[option];
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  // Worded as for campaign.json: the branch of a union that fits, not zod's bare "Invalid input".
  const [issue] = describeCampaignIssues(result.error.issues, schema);
  return { ok: false, reason: `${option} ${quotedExcerpt(text)}: ${issue?.message ?? 'invalid'}` };
}
