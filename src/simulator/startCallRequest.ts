import { z } from 'zod';
import { HttpError } from './http.js';
import { DEFAULT_LANGUAGE, normalizeLanguage } from './languages.js';

export const E164 = /^\+[1-9]\d{6,14}$/;

export const WEBHOOK_EVENTS = [
  'call_started',
  'transcript_updated',
  'call_completed',
  'price_updated',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A message naming the field whether it is missing or just the wrong type. */
function typed(field: string, what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `${field} is required` : `${field} must be ${what}`,
  };
}

const e164 = (field: string) =>
  z.string(typed(field, 'a string')).regex(E164, { error: `${field} must be E.164 (e.g. +46700000000)` });

const httpUrl = (field: string) =>
  z
    .string(typed(field, 'a string'))
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      error: `${field} must be an http(s) URL`,
    });

const optionalBoolean = (field: string) => z.boolean(typed(field, 'a boolean')).optional();

/**
 * The start-call body as the reference describes it. Unknown fields pass through
 * (the real API ignores what it does not use); every rejection names its field.
 */
const startCallSchema = z.looseObject({
  phone_number: e164('phone_number'),
  task: z.string(typed('task', 'a string')).trim().min(1, { error: 'task must not be empty' }),
  userPhone: e164('userPhone').optional(),
  userOnCall: optionalBoolean('userOnCall'),
  additionalPrompt: z.string(typed('additionalPrompt', 'a string')).optional(),
  language: z.string(typed('language', 'a string')).optional(),
  tts_provider: z
    .enum(['auto', 'openai', 'elevenlabs', 'azure'], {
      error: 'tts_provider must be one of auto, openai, elevenlabs, azure',
    })
    .optional(),
  voice_gender: z.enum(['female', 'male'], { error: 'voice_gender must be female or male' }).optional(),
  voiceGender: z.enum(['female', 'male'], { error: 'voiceGender must be female or male' }).optional(),
  webhook: httpUrl('webhook').optional(),
  webhook_events: z
    .array(
      z.enum(WEBHOOK_EVENTS, { error: `webhook_events items must be one of ${WEBHOOK_EVENTS.join(', ')}` }),
      {
        error: 'webhook_events must be an array',
      },
    )
    .optional(),
  max_duration: z
    .number(typed('max_duration', 'a number'))
    .positive({ error: 'max_duration must be a positive number' })
    .optional(),
  from_number: e164('from_number').optional(),
  transfer_number: e164('transfer_number').optional(),
  recording: optionalBoolean('recording'),
  enable_calendar: optionalBoolean('enable_calendar'),
  metadata: z.record(z.string(), z.unknown(), { error: 'metadata must be an object' }).optional(),
});

export interface StartCallRequest {
  phoneNumber: string;
  task: string;
  language: string;
  voiceGender: 'female' | 'male';
  ttsProvider: 'auto' | 'openai' | 'elevenlabs' | 'azure';
  webhook: string | undefined;
  webhookEvents: WebhookEvent[];
  maxDurationSeconds: number | undefined;
  fromNumber: string | undefined;
  transferNumber: string | undefined;
  userOnCall: boolean;
  userPhone: string | undefined;
  /**
   * The reference says recordings exist "if recording enabled" without naming the
   * switch; the simulator records unless start-call sends `recording: false`.
   */
  recording: boolean;
  metadata: Record<string, unknown>;
}

/** Validates a start-call body; throws a 400 HttpError naming the first bad field. */
export function parseStartCall(body: Record<string, unknown>): StartCallRequest {
  const result = startCallSchema.safeParse(body);
  if (!result.success) {
    throw new HttpError(400, result.error.issues[0]?.message ?? 'Invalid request body');
  }
  const input = result.data;
  const language = input.language === undefined ? DEFAULT_LANGUAGE : normalizeLanguage(input.language);
  if (language === undefined) {
    throw new HttpError(
      400,
      `language "${input.language}" is not a supported language code (e.g. sv, en, de)`,
    );
  }
  if (input.userOnCall && input.userPhone === undefined) {
    throw new HttpError(400, 'userPhone is required when userOnCall is true');
  }
  return {
    phoneNumber: input.phone_number,
    task: input.task,
    language,
    voiceGender: input.voice_gender ?? input.voiceGender ?? 'male',
    ttsProvider: input.tts_provider ?? 'auto',
    webhook: input.webhook,
    webhookEvents: input.webhook_events ? [...new Set(input.webhook_events)] : ['call_completed'],
    maxDurationSeconds: input.max_duration,
    fromNumber: input.from_number,
    transferNumber: input.transfer_number,
    userOnCall: input.userOnCall ?? false,
    userPhone: input.userPhone,
    recording: input.recording ?? true,
    metadata: input.metadata ?? {},
  };
}
