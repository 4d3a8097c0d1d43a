import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { z } from 'zod';
import { CALLING_RULE_SETS } from '../compliance/callingRuleSets.js';
import { canonicalHolidayRegion } from '../compliance/publicHolidays.js';
import { dispositionsSchema } from '../dispositions/dispositionRules.js';
import { MAX_CALLS_PER_MINUTE, MAX_CONCURRENCY } from '../engine/campaignLimits.js';
import { resultWebhookSchema } from '../resultWebhooks/resultWebhookSetting.js';
import {
  DURATION_HINT,
  DURATION_PATTERN,
  DurationError,
  type DurationLimit,
  MAX_DURATION_MS,
  MAX_DURATION_TEXT,
  parseDuration,
} from './duration.js';
import { isCountryCode } from './phoneNumber.js';
import { quotedExcerpt } from './quotedExcerpt.js';
import { parseTemplate, TemplateError } from './template.js';
import { resolveTimeZone } from './timeZone.js';

/**
 * The campaign file (`campaigns/<name>/campaign.json`), checked with zod. Parsing
 * gives `CampaignConfig`: defaults applied, durations in milliseconds, calling
 * window times also as minutes since midnight. Every object is strict, so a
 * misspelt key is an error (loadCampaign adds a "did you mean" suggestion) instead
 * of a setting that silently does nothing. The JSON Schema for editors is exported
 * from this by scripts/export-campaign-schema.ts into campaign.schema.json.
 */

// ---- building blocks ---------------------------------------------------------

/** Milliseconds, or an issue where campaign.json has the duration (a throw would lose the path). */
function durationMs(
  text: string,
  ctx: z.core.$RefinementCtx<string>,
  limit: DurationLimit = { ms: MAX_DURATION_MS, text: MAX_DURATION_TEXT },
): number {
  try {
    return parseDuration(text, limit);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.issues.push({ code: 'custom', input: text, message: error.message });
    return z.NEVER;
  }
}

/** A duration such as "90s" or "1h30m", parsed to milliseconds; at most `limit` (MAX_DURATION_TEXT). */
const duration = (
  description: string,
  limit: DurationLimit = { ms: MAX_DURATION_MS, text: MAX_DURATION_TEXT },
) =>
  z
    .string()
    .regex(new RegExp(DURATION_PATTERN), {
      error: (issue) => `invalid duration ${quotedExcerpt(String(issue.input))}: ${DURATION_HINT}`,
    })
    .transform((text, ctx) => durationMs(text, ctx, limit))
    .meta({ description: `${description} At most ${limit.text}.` });

/** A nightly export later than a day is not late, it is missing: waiting longer only hides that. */
export const MAX_CONTACTS_WAIT: DurationLimit = { ms: 24 * 3_600_000, text: '24h' };

/** Longer names are refused in campaign.json and in a CSV header alike, so one always fits in a message. */
export const MAX_COLUMN_NAME_CHARS = 120;
const columnName = (description: string) =>
  z.string().trim().min(1).max(MAX_COLUMN_NAME_CHARS).meta({ description });

const template = (description: string) =>
  z
    .string()
    .min(1)
    .max(10_000)
    .check((ctx) => {
      try {
        parseTemplate(ctx.value);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        ctx.issues.push({ code: 'custom', input: ctx.value, message: `invalid template: ${error.message}` });
      }
    })
    .meta({ description });

const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const e164 = (description: string) =>
  z
    .string()
    .regex(E164_PATTERN, { error: 'must be an E.164 phone number such as +46701740605' })
    // Only once the format is right, so a bad value gets one message, not two.
    .refine((value) => !E164_PATTERN.test(value) || isValidPhoneNumber(value), {
      error: 'is not a valid phone number',
    })
    .meta({ description });

const ianaTimeZone = z
  .string()
  .refine((name) => resolveTimeZone(name) !== undefined, {
    error: (issue) =>
      `${quotedExcerpt(String(issue.input))} is not an IANA time zone such as "Europe/Stockholm"`,
  })
  .transform((name) => resolveTimeZone(name) as string);

/** "HH:MM", 24-hour clock; "24:00" is allowed as an end meaning midnight. */
const CLOCK_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clockTime = (description: string) =>
  z
    .string()
    .regex(CLOCK_PATTERN, { error: 'must be a 24-hour time "HH:MM" (00:00 to 24:00)' })
    .meta({ description });

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

// ---- start-call options (API reference: POST /v1/start-call) --------------------

export const TTS_PROVIDERS = ['auto', 'openai', 'elevenlabs', 'azure'] as const;
export const VOICE_GENDERS = ['female', 'male'] as const;
export const WEBHOOK_EVENTS = [
  'call_started',
  'transcript_updated',
  'price_updated',
  'call_completed',
] as const;
export const RECORDING_FORMATS = ['mp3', 'wav'] as const;

/** The API's `max_duration` is in seconds: accept 300 or "5m", give seconds. */
const wholeSecondsUpTo4h = z
  .number()
  // abort: 1e300 is past 4h; that it is also no safe integer would only be noise.
  .min(1, { error: 'must be at least 1 second', abort: true })
  .max(4 * 3600, { error: 'must be at most 4h', abort: true })
  .int({ error: 'must be whole seconds' });
const maxDurationSeconds = z
  .union([
    wholeSecondsUpTo4h,
    z
      .string()
      .regex(new RegExp(DURATION_PATTERN), { error: `invalid duration: ${DURATION_HINT}` })
      .transform((text, ctx) => durationMs(text, ctx) / 1000)
      .pipe(wholeSecondsUpTo4h),
  ])
  .meta({ description: 'Maximum connected duration of a call: seconds (300) or a duration ("5m").' });

/**
 * The start-call options that also make sense per row, so a CSV column of the same
 * name (e.g. `language`) overrides the campaign value for that row. Shared with
 * callOverrides.ts so a cell is checked exactly like the campaign file.
 */
export const rowOverridableCallOptions = {
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,}(?:[-_][A-Za-z0-9]{1,8})*$/, {
      error: 'must be a language code such as "sv", "en" or "de"',
    })
    .max(35)
    .meta({ description: 'Language the AI speaks, e.g. "sv", "en", "de". API default: sv.' }),
  tts_provider: z.enum(TTS_PROVIDERS).meta({ description: 'TTS engine. API default: auto.' }),
  voice_gender: z.enum(VOICE_GENDERS).meta({ description: 'Default voice gender. API default: male.' }),
  from_number: e164('Caller ID to call from (must be verified with /v1/verify-caller-id).'),
  transfer_number: e164('Where the AI may transfer the call (E.164).'),
  max_duration: maxDurationSeconds,
  enable_calendar: z
    .boolean()
    .meta({ description: 'Let the AI use the Google Calendar authorized for this API key.' }),
} as const;

export type RowOverridableOption = keyof typeof rowOverridableCallOptions;

const sharePolicySchema = z
  .strictObject({
    name_voice: z.boolean().optional(),
    phone_voice: z.boolean().optional(),
    phone_dtmf: z.boolean().optional(),
    pnr_voice: z.boolean().optional(),
    pnr_dtmf: z.boolean().optional(),
  })
  .meta({ description: 'What the AI may share during the call, and how (voice or keypad).' });

const callSchema = z
  .strictObject({
    task: template(
      'What the AI should do on the call. {{column}} inserts a CSV value; {{column|default}} gives a default.',
    ),
    additionalPrompt: template('Extra instructions appended to the task; a template like task.').optional(),
    language: rowOverridableCallOptions.language.optional(),
    tts_provider: rowOverridableCallOptions.tts_provider.optional(),
    voice_gender: rowOverridableCallOptions.voice_gender.optional(),
    from_number: rowOverridableCallOptions.from_number.optional(),
    transfer_number: rowOverridableCallOptions.transfer_number.optional(),
    max_duration: rowOverridableCallOptions.max_duration.optional(),
    share_policy: sharePolicySchema.optional(),
    enable_calendar: rowOverridableCallOptions.enable_calendar.optional(),
    webhook_events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .refine((events) => events.includes('call_completed'), {
        error: 'must include "call_completed": the runner learns each outcome from it',
      })
      .transform((events) => [...new Set(events)])
      .optional()
      .meta({ description: 'Webhook events to receive. API default: call_completed only.' }),
    userOnCall: z.boolean().optional().meta({
      description:
        "Add a human operator to each call (the API's userOnCall): the operator talks first and hands over to the AI with `cmc call activate`. Needs userPhone.",
    }),
    userPhone: z
      .union([
        e164("The operator's phone."),
        z
          .array(e164("An operator's phone."))
          .min(1)
          .refine((phones) => new Set(phones).size === phones.length, {
            error: 'lists a phone twice: each operator phone takes one call at a time',
          }),
      ])
      .transform((phones) => (Array.isArray(phones) ? phones : [phones]))
      .optional()
      .meta({
        description:
          'The operator phone, or a list of them, for userOnCall. Each takes one call at a time, so at most this many calls run at once whatever concurrency says.',
      }),
    recording: z
      .strictObject({
        download: z.boolean().default(true).meta({ description: 'Save each recording into the report.' }),
        format: z.enum(RECORDING_FORMATS).default('mp3'),
      })
      .prefault({})
      .meta({ description: 'Recordings: whether to download them, and as mp3 or wav.' }),
  })
  .superRefine((call, ctx) => {
    if (call.userOnCall === true && call.userPhone === undefined)
      ctx.addIssue({ code: 'custom', path: ['userPhone'], message: 'is required when userOnCall is true' });
    if (call.userOnCall !== true && call.userPhone !== undefined)
      ctx.addIssue({ code: 'custom', path: ['userOnCall'], message: 'must be true when userPhone is set' });
  })
  .meta({ description: 'Start-call options sent with every call (see the CallMyCall API reference).' });

// ---- pacing, hours, retries, money ---------------------------------------------

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const DAY_SETS: Record<string, readonly Weekday[]> = {
  all: WEEKDAYS,
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  weekends: ['sat', 'sun'],
};

const daysSchema = z
  .union([z.enum(['all', 'weekdays', 'weekends']), z.array(z.enum(WEEKDAYS)).min(1)])
  .transform((days): Weekday[] => {
    const chosen = new Set(typeof days === 'string' ? DAY_SETS[days] : days);
    return WEEKDAYS.filter((day) => chosen.has(day));
  })
  .meta({ description: '"all", "weekdays", "weekends" or a list such as ["mon","wed","fri"].' });

const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date: 2026-02-30 has the right shape but is no day. */
function isCalendarDate(text: string): boolean {
  const instant = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(instant) && new Date(instant).toISOString().slice(0, 10) === text;
}
const isoDate = z
  .string()
  .regex(ISO_DATE_PATTERN, {
    error: (issue) => `${quotedExcerpt(String(issue.input))} is not a date "YYYY-MM-DD"`,
    abort: true,
  })
  .refine(isCalendarDate, {
    error: (issue) => `${quotedExcerpt(String(issue.input))} is not a calendar date`,
  });

/** Country ("SE"), country-state ("US-FL") or country-state-region ("DE-BY-A"), as date-holidays names them. */
const holidayRegion = z
  .string()
  .trim()
  .transform((code, ctx) => {
    const canonical = canonicalHolidayRegion(code);
    if (canonical !== undefined) return canonical;
    ctx.issues.push({
      code: 'custom',
      input: code,
      message: `${quotedExcerpt(code)} is not a country or region with public holidays: use a code such as "SE", "US-FL" or "DE-BY"`,
    });
    return z.NEVER;
  });

const callingWindowSchema = z
  .strictObject({
    timezone: z.union([z.literal('recipient'), ianaTimeZone]).meta({
      description: 'IANA zone such as "Europe/Stockholm", or "recipient" for each contact\'s own zone.',
    }),
    days: daysSchema.prefault('weekdays'),
    start: clockTime('First minute calls may start, "HH:MM".'),
    end: clockTime('When calls must have started by, "HH:MM"; "24:00" means midnight.'),
    skipDates: z
      .array(isoDate)
      .max(1000)
      .transform((dates) => [...new Set(dates)].sort())
      .prefault([])
      .meta({
        description:
          'Dates with no calls, "YYYY-MM-DD", on the window zone\'s calendar (the recipient\'s for "recipient"). Default: none.',
      }),
    holidays: z
      .union([holidayRegion, z.array(holidayRegion).max(50)])
      .transform((codes) => [...new Set(Array.isArray(codes) ? codes : [codes])])
      .prefault([])
      .meta({
        description:
          'Public holidays that are days off: a country or region code ("SE", "US-FL") or a list of them (date-holidays codes). Default: none.',
      }),
  })
  .transform((window) => ({
    ...window,
    startMinute: minutesOf(window.start),
    endMinute: minutesOf(window.end),
  }))
  .refine((window) => window.startMinute < window.endMinute, {
    error: 'start must be before end (windows across midnight are not supported)',
    path: ['end'],
  })
  .meta({ description: 'When calls may be placed.' });

export const RETRY_OUTCOMES = ['no-answer', 'busy', 'failed', 'voicemail'] as const;

const retrySchema = z
  .strictObject({
    maxAttempts: z
      .int()
      .min(1)
      .max(10)
      .default(3)
      .meta({ description: 'Attempts per row, including the first.' }),
    retryOn: z
      .array(z.enum(RETRY_OUTCOMES))
      .default(['no-answer', 'busy'])
      .transform((outcomes) => [...new Set(outcomes)])
      .meta({ description: 'Outcomes that earn another attempt.' }),
    delay: duration('Wait between attempts.').prefault('30m'),
  })
  .prefault({})
  .meta({ description: 'Retries of unanswered calls.' });

const creditsSchema = z
  .strictObject({
    budget: z.number().positive().meta({ description: 'The most credits this campaign may spend.' }),
    estimatePerCall: z
      .number()
      .positive()
      // Rows x estimate must stay a finite number; a 4-hour call is a few hundred credits.
      .max(10_000, { error: 'must be at most 10000 credits' })
      .default(4)
      .meta({ description: 'Expected credits per call (a 2-minute call is about 4).' }),
  })
  .meta({ description: 'Money guard.' });

const suppressionEntry = z.union([
  z.string().min(1),
  z.strictObject({
    path: z.string().min(1).meta({ description: 'CSV file, relative to the campaign folder.' }),
    column: columnName('Column holding the numbers; default: the campaign phoneColumn.').optional(),
  }),
]);

const suppressionSchema = z
  .union([suppressionEntry, z.array(suppressionEntry)])
  .transform((value) =>
    (Array.isArray(value) ? value : [value]).map((entry) =>
      typeof entry === 'string' ? { path: entry } : entry,
    ),
  )
  .meta({ description: 'CSV file(s) of numbers never to call, such as a do-not-call list.' });

const limitsSchema = z
  .strictObject({
    maxFileBytes: z
      .int()
      .positive()
      .default(200 * 1024 * 1024)
      .meta({ description: 'Largest contacts or suppression file accepted, in bytes.' }),
    maxRowChars: z
      .int()
      .positive()
      .default(64 * 1024)
      .meta({ description: 'Longest CSV record accepted, in characters.' }),
    maxColumns: z.int().positive().default(200).meta({ description: 'Most columns a CSV file may have.' }),
  })
  .prefault({})
  .meta({ description: 'Guards against a wrong file or delimiter.' });

const frequencyCapSchema = z
  .strictObject({
    calls: z.int().min(1).max(100).meta({ description: 'Most start-calls to one number within `per`.' }),
    per: duration('The period the calls are counted over, e.g. "24h".'),
  })
  .meta({
    description:
      'Most calls to one number within a period, counted over every campaign in this database; default: CMC_FREQUENCY_CAP, else none.',
  });

const consentSchema = z
  .strictObject({
    column: columnName(
      'Column saying whether the contact consented to be called: yes, true, 1, x or ja; empty, no, false, 0 or nej is no.',
    ),
    required: z
      .boolean()
      .default(true)
      .meta({ description: 'Rows without consent are not called (reported no_consent).' }),
  })
  .meta({ description: "Where each contact's consent is, and whether calls need it." });

/** Why the campaign calls: marketing calls need consent (and national do-not-call registers apply). */
export const CALL_PURPOSES = ['informational', 'marketing'] as const;

export const DATE_PLACEHOLDER = '{{date}}';
/** Optional unless the campaign names another column. */
export const DEFAULT_TIMEZONE_COLUMN = 'timezone';

/** Only `{{date}}` may appear in the contacts path (a nightly export for that date). */
const contactsPath = z
  .string()
  .min(1)
  .refine((path) => !/\{\{|\}\}/.test(path.replaceAll(DATE_PLACEHOLDER, '')), {
    error: 'only the {{date}} placeholder is supported in the contacts path',
  })
  .meta({ description: 'Contacts CSV, relative to the campaign folder; {{date}} becomes YYYY-MM-DD.' });

// ---- the campaign file ----------------------------------------------------------

export const campaignSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors.' }),
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta({ description: 'Campaign name shown in reports and the UI.' }),
    contacts: contactsPath,
    contactsWait: duration(
      'How long a run waits for a missing {{date}} contacts file, re-checking every minute, before it fails. Default: none (fail at once).',
      MAX_CONTACTS_WAIT,
    ).optional(),
    delimiter: z
      .enum([',', ';', '\t', '|'])
      .optional()
      .meta({ description: 'CSV delimiter; detected from the header line when omitted.' }),
    phoneColumn: columnName('Column with the number to call.').default('phone_number'),
    idColumn: columnName('Column with a stable unique row key, such as a booking id.').optional(),
    timezoneColumn: columnName("Column with each contact's IANA time zone, if any.").default(
      DEFAULT_TIMEZONE_COLUMN,
    ),
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166 country code in capitals, such as "SE"' })
      .refine(isCountryCode, { error: 'is not a country libphonenumber knows' })
      .optional()
      .meta({ description: 'Country for numbers written in national format, e.g. "SE" for 070-123 45 67.' }),
    call: callSchema,
    concurrency: z
      .int()
      .min(1)
      .max(MAX_CONCURRENCY)
      .default(3)
      .meta({ description: 'Most calls in flight at once.' }),
    callsPerMinute: z
      .number()
      // The wait between two starts is 60000 / callsPerMinute ms: keep it a timer that makes sense.
      .min(0.01, { error: 'must be at least 0.01 (one call every 100 minutes)' })
      .max(MAX_CALLS_PER_MINUTE)
      .default(10)
      .meta({ description: 'Most calls started per minute.' }),
    callingWindow: callingWindowSchema,
    callingRules: z
      .enum(CALLING_RULE_SETS, {
        error: (issue) =>
          `${typeof issue.input === 'string' ? `unknown rule set ${quotedExcerpt(issue.input)}` : 'must be the name of a rule set'}: the built-in ones are ${CALLING_RULE_SETS.map((name) => `"${name}"`).join(', ')}`,
      })
      .optional()
      .meta({
        description:
          'Built-in regional calling rules that narrow the calling window per number: "us-tcpa" (US 08:00-21:00 local, FL and OK 08:00-20:00). Default: none. Not legal advice.',
      }),
    retry: retrySchema,
    credits: creditsSchema,
    dedupe: z.enum(['phone', 'none']).default('phone').meta({
      description: '"phone": call a number once and report later rows as duplicates; "none": call every row.',
    }),
    suppression: suppressionSchema.prefault([]),
    estimatedCallDuration: duration('Typical call length, for the calls-per-day estimate.').prefault('2m'),
    ambiguousStart: z.enum(['reattempt', 'unknown']).default('unknown').meta({
      description:
        'When a start-call may or may not have placed a call and no webhook reconciles it: call again, or report it as unknown.',
    }),
    reconcileAfter: duration('How long to wait for a webhook before deciding an ambiguous start.').prefault(
      '2m',
    ),
    creditRecheckEvery: duration('How often a campaign paused for credits (402) checks again.').prefault(
      '5m',
    ),
    limits: limitsSchema,
    dispositions: dispositionsSchema.optional(),
    resultWebhook: resultWebhookSchema.optional(),
    purpose: z.enum(CALL_PURPOSES).default('informational').meta({
      description:
        '"informational" (appointment reminders and confirmations) or "marketing", which requires consent.',
    }),
    consent: consentSchema.optional(),
    frequencyCap: frequencyCapSchema.optional(),
  })
  .refine((campaign) => campaign.purpose !== 'marketing' || campaign.consent?.required === true, {
    error: 'a marketing campaign must name its consent column with consent.required: true',
    path: ['consent'],
  })
  .meta({
    title: 'CallMyCall campaign',
    description: 'A campaign for callmycall-campaigns (campaign.json).',
  });

export type CampaignInput = z.input<typeof campaignSchema>;
/** The parsed campaign: defaults applied; durations in ms except call.max_duration (seconds, as the API takes it). */
export type CampaignConfig = z.output<typeof campaignSchema>;
export type CallOptions = CampaignConfig['call'];
export type CallingWindow = CampaignConfig['callingWindow'];
export type RetryPolicy = CampaignConfig['retry'];
export type CsvLimits = CampaignConfig['limits'];
export type SuppressionSource = CampaignConfig['suppression'][number];

/** The JSON Schema editors use to autocomplete campaign.json (the input side: before defaults). */
export function campaignJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(campaignSchema, { io: 'input', target: 'draft-07', unrepresentable: 'any' });
}
