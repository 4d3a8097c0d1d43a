import { z } from 'zod';

/**
 * zod schemas for every documented CallMyCall request and response
 * (shared/seeds/000_e99e7873f14d610b.txt), with their inferred types.
 *
 * Requests are validated before sending, so a bad phone number costs no HTTP call.
 * Responses are loose objects: fields the reference shows are required, anything the
 * real API adds passes through untouched. Where the reference shows no response, the
 * schema is a loose object with the plausible fields optional.
 */

// ---------------------------------------------------------------------------------
// Shared pieces

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export const e164Schema = z
  .string()
  .regex(E164_PATTERN, { error: 'must be an E.164 phone number, e.g. +46700000000' });

/** Call, recording and verification ids travel in URL paths; they must be non-empty. */
export const idSchema = z.string().trim().min(1, { error: 'must not be empty' });

const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const TTS_PROVIDERS = ['auto', 'openai', 'elevenlabs', 'azure'] as const;
export const ttsProviderSchema = z.enum(TTS_PROVIDERS);
export type TtsProvider = z.infer<typeof ttsProviderSchema>;

export const VOICE_GENDERS = ['female', 'male'] as const;
export const voiceGenderSchema = z.enum(VOICE_GENDERS);
export type VoiceGender = z.infer<typeof voiceGenderSchema>;

export const WEBHOOK_EVENT_TYPES = [
  'call_started',
  'transcript_updated',
  'price_updated',
  'call_completed',
] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

export const RECORDING_FORMATS = ['mp3', 'wav'] as const;
export const recordingFormatSchema = z.enum(RECORDING_FORMATS);
export type RecordingFormat = z.infer<typeof recordingFormatSchema>;

/** A transcript line as GET /v1/calls/:id and the SSE `added` event show it. */
export const transcriptEntrySchema = z.looseObject({
  role: z.string(),
  text: z.string(),
  seq: z.number(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

/** A loose `{}`: any JSON object, for responses the reference does not show. */
const anyObject = z.looseObject({});

// ---------------------------------------------------------------------------------
// POST /v1/start-call

export const sharePolicySchema = z.object({
  name_voice: z.boolean().optional(),
  phone_voice: z.boolean().optional(),
  phone_dtmf: z.boolean().optional(),
  pnr_voice: z.boolean().optional(),
  pnr_dtmf: z.boolean().optional(),
});
export type SharePolicy = z.infer<typeof sharePolicySchema>;

/** Free-form metadata echoed back by the API; `client_request_id` is this project's idempotency key. */
export const startCallMetadataSchema = z.looseObject({
  client_request_id: z.string().min(1).optional(),
});

export const startCallRequestSchema = z
  .object({
    phone_number: e164Schema,
    task: z.string().trim().min(1, { error: 'must not be empty' }),
    /** Required when `userOnCall` is true. */
    userPhone: e164Schema.optional(),
    userOnCall: z.boolean().optional(),
    additionalPrompt: z.string().optional(),
    /** e.g. sv/en/de; the API defaults to sv. */
    language: z.string().trim().min(1).optional(),
    tts_provider: ttsProviderSchema.optional(),
    voice_gender: voiceGenderSchema.optional(),
    /** Alias of voice_gender the API also accepts; sent as voice_gender. */
    voiceGender: voiceGenderSchema.optional(),
    from_number: e164Schema.optional(),
    transfer_number: e164Schema.optional(),
    /** Maximum connected duration in seconds. */
    max_duration: z.number().int().positive().optional(),
    share_policy: sharePolicySchema.optional(),
    enable_calendar: z.boolean().optional(),
    webhook: httpUrlSchema.optional(),
    /** Defaults to [call_completed] on the API side. */
    webhook_events: z.array(webhookEventTypeSchema).min(1).optional(),
    /**
     * Recording switch. The reference says recordings exist "if recording enabled"
     * without naming the field; the format is chosen later, at GET .../recording.
     */
    recording: z.boolean().optional(),
    metadata: startCallMetadataSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.userOnCall === true && value.userPhone === undefined) {
      ctx.addIssue({ code: 'custom', path: ['userPhone'], message: 'is required when userOnCall is true' });
    }
    if (value.voice_gender && value.voiceGender && value.voice_gender !== value.voiceGender) {
      ctx.addIssue({ code: 'custom', path: ['voiceGender'], message: 'disagrees with voice_gender' });
    }
  })
  .transform(({ voiceGender, ...rest }) => {
    const voice_gender = rest.voice_gender ?? voiceGender;
    return voice_gender === undefined ? rest : { ...rest, voice_gender };
  });
export type StartCallRequest = z.input<typeof startCallRequestSchema>;

/** Field names under which a 2xx start-call answer may name its call (`sid` is the documented one). */
const SID_FIELDS = ['sid', 'call_id', 'callSid', 'call_sid'] as const;

/** The first readable sid in an answer body: top level, then under `call`. */
function sidIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const field of SID_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return record.call === undefined ? undefined : sidIn(record.call);
}

/**
 * The reference answers `{ success: true, sid }`. Any 2xx that names a sid in a
 * readable form means a call exists, whatever else the body says, so it is read as
 * placed; a 2xx without one is a ResponseShapeError, which the runner treats as
 * uncertain (the call may exist), never as "not sent".
 */
export const startCallResponseSchema = z.preprocess(
  (body) => {
    const sid = sidIn(body);
    return sid === undefined ? body : { ...(body as object), success: true, sid };
  },
  z.looseObject({ success: z.literal(true), sid: idSchema }),
);
export type StartCallResponse = z.output<typeof startCallResponseSchema>;

// ---------------------------------------------------------------------------------
// GET /v1/calls/:callId

export const callDetailsSchema = z.looseObject({
  call_id: z.string(),
  /** initiated, connected, active, completed, busy, no-answer, failed... kept open-ended. */
  status: z.string(),
  to: z.string(),
  created_at: z.string(),
  duration: z.number().nullish(),
  credits: z.number().nullish(),
  summary: z.unknown().optional(),
  ended_at: z.string().nullish(),
});
export type CallDetails = z.infer<typeof callDetailsSchema>;

export const getCallResponseSchema = z.looseObject({
  call: callDetailsSchema,
  transcripts: z.array(transcriptEntrySchema),
});
export type GetCallResponse = z.infer<typeof getCallResponseSchema>;

// ---------------------------------------------------------------------------------
// GET /v1/calls/:callId/transcripts/stream (SSE)

export const transcriptAddedEventSchema = transcriptEntrySchema;
export const transcriptPingEventSchema = z.looseObject({ ts: z.number() });

export type TranscriptStreamEvent =
  | { event: 'added'; data: TranscriptEntry; id?: string }
  | { event: 'ping'; data: z.infer<typeof transcriptPingEventSchema>; id?: string }
  /** An event type the reference does not document, passed on raw. */
  | { event: 'other'; name: string; data: string; id?: string };

// ---------------------------------------------------------------------------------
// GET /v1/calls/:callSid/recording and GET /v1/recordings/:sid.:ext

export const recordingUrlResponseSchema = z.looseObject({
  recording_url: httpUrlSchema,
  expires_at: z.string(),
});
export type RecordingUrlResponse = z.infer<typeof recordingUrlResponseSchema>;

export interface RecordingDownload {
  contentType: string;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------
// Caller ID verification

export const verifyCallerIdRequestSchema = z.object({ phone_number: e164Schema });
export type VerifyCallerIdRequest = z.input<typeof verifyCallerIdRequestSchema>;

/** Not shown in the reference; the id to poll may come under several names. */
export const verifyCallerIdResponseSchema = z.looseObject({
  success: z.boolean().optional(),
  id: z.string().optional(),
  verification_id: z.string().optional(),
  validation_code: z.string().optional(),
  phone_number: z.string().optional(),
  status: z.string().optional(),
});
export type VerifyCallerIdResponse = z.infer<typeof verifyCallerIdResponseSchema>;

export const VERIFICATION_STATES = ['pending', 'verified', 'failed'] as const;
export const verificationStateSchema = z.enum(VERIFICATION_STATES);
export type VerificationState = z.infer<typeof verificationStateSchema>;

export const verificationStatusResponseSchema = z.looseObject({ status: verificationStateSchema });
export type VerificationStatusResponse = z.infer<typeof verificationStatusResponseSchema>;

/** Not shown in the reference: either a bare array or an object holding `caller_ids`. */
export const verifiedCallerIdsResponseSchema = z.union([
  z.array(z.unknown()),
  z.looseObject({
    caller_ids: z.array(z.looseObject({ phone_number: z.string().optional() })).optional(),
  }),
]);
export type VerifiedCallerIdsResponse = z.infer<typeof verifiedCallerIdsResponseSchema>;

export const deleteVerifiedCallerIdResponseSchema = anyObject;
export type DeleteVerifiedCallerIdResponse = z.infer<typeof deleteVerifiedCallerIdResponseSchema>;

// ---------------------------------------------------------------------------------
// POST /v1/webhook/test

export const testWebhookRequestSchema = z.object({
  /** The reference asks for HTTPS; http is allowed for local receivers and the simulator. */
  webhook_url: httpUrlSchema,
  /** Defaults to call_completed on the API side. */
  event: webhookEventTypeSchema.optional(),
});
export type TestWebhookRequest = z.input<typeof testWebhookRequestSchema>;

export const testWebhookResponseSchema = anyObject;
export type TestWebhookResponse = z.infer<typeof testWebhookResponseSchema>;

// ---------------------------------------------------------------------------------
// Google Calendar authorization

export const calendarAuthStartResponseSchema = z.looseObject({
  success: z.literal(true),
  auth_url: httpUrlSchema,
  state: z.string(),
});
export type CalendarAuthStartResponse = z.infer<typeof calendarAuthStartResponseSchema>;

/** Query of GET /auth/google/callback: a code on consent, an error on refusal. */
export const calendarCallbackRequestSchema = z
  .object({
    code: z.string().min(1).optional(),
    state: z.string().min(1),
    error: z.string().min(1).optional(),
  })
  .refine((value) => value.code !== undefined || value.error !== undefined, {
    error: 'either code or error is required',
    path: ['code'],
  });
export type CalendarCallbackRequest = z.input<typeof calendarCallbackRequestSchema>;

/** The callback answers with an HTML page meant for a browser. */
export interface CalendarCallbackResponse {
  contentType: string;
  html: string;
}

export const calendarStatusResponseSchema = z.looseObject({
  authorized: z.boolean(),
  /** Shown for an authorized key; absent or null otherwise. */
  scopes: z.array(z.string()).nullish(),
  expires_at: z.string().nullish(),
});
export type CalendarStatusResponse = z.infer<typeof calendarStatusResponseSchema>;

export const calendarRevokeResponseSchema = z.looseObject({
  success: z.boolean(),
  message: z.string().optional(),
});
export type CalendarRevokeResponse = z.infer<typeof calendarRevokeResponseSchema>;

// ---------------------------------------------------------------------------------
// POST /v1/elevenlabs/voices (multipart)

export interface VoiceSampleFile {
  filename: string;
  data: Uint8Array | Blob;
  /** e.g. audio/wav; guessed from the file name when omitted. */
  contentType?: string;
}

export const createVoiceRequestSchema = z.object({
  name: z.string().trim().min(1, { error: 'must not be empty' }),
  files: z
    .array(
      z.object({
        filename: z.string().min(1),
        data: z.custom<Uint8Array | Blob>((v) => v instanceof Uint8Array || v instanceof Blob, {
          error: 'must be a Uint8Array or Blob',
        }),
        contentType: z.string().min(1).optional(),
      }),
    )
    .min(1, { error: 'needs at least one audio sample' }),
  remove_background_noise: z.boolean().optional(),
});
export type CreateVoiceRequest = z.input<typeof createVoiceRequestSchema>;

export const createVoiceResponseSchema = z.looseObject({
  voice_id: z.string().optional(),
  name: z.string().optional(),
});
export type CreateVoiceResponse = z.infer<typeof createVoiceResponseSchema>;

// ---------------------------------------------------------------------------------
// Ongoing-call endpoints

export const endCallRequestSchema = z.object({ callSid: idSchema });
export type EndCallRequest = z.input<typeof endCallRequestSchema>;

export const endCallResponseSchema = z.looseObject({
  ok: z.boolean(),
  alreadyClosed: z.boolean(),
  transcript: z.array(z.unknown()),
});
export type EndCallResponse = z.infer<typeof endCallResponseSchema>;

export const transferCallRequestSchema = z.object({
  destination: e164Schema,
  /** true = warm (the API default), false = cold. */
  warm: z.boolean().optional(),
  /** Audit note, not spoken. */
  reason: z.string().optional(),
});
export type TransferCallRequest = z.input<typeof transferCallRequestSchema>;

export const transferCallResponseSchema = z.looseObject({
  success: z.boolean(),
  transferType: z.string(),
  callSid: z.string(),
});
export type TransferCallResponse = z.infer<typeof transferCallResponseSchema>;

export const updateCallRequestSchema = z
  .object({
    task: z.string().trim().min(1).optional(),
    transfer_number: e164Schema.optional(),
    additional_prompt: z.string().optional(),
    max_duration: z.number().int().positive().optional(),
  })
  .refine((value) => Object.values(value).some((v) => v !== undefined), {
    error: 'at least one of task, transfer_number, additional_prompt, max_duration is required',
  });
export type UpdateCallRequest = z.input<typeof updateCallRequestSchema>;

export const updateCallResponseSchema = anyObject;
export type UpdateCallResponse = z.infer<typeof updateCallResponseSchema>;

// ---------------------------------------------------------------------------------
// User-on-call endpoints

export const activateAiRequestSchema = z.object({
  task: z.string().trim().min(1).optional(),
  /** The API defaults to true. */
  drop_user: z.boolean().optional(),
  additional_prompt: z.string().optional(),
  transfer_number: e164Schema.optional(),
});
export type ActivateAiRequest = z.input<typeof activateAiRequestSchema>;

export const activateAiResponseSchema = z.looseObject({
  success: z.boolean(),
  ai_activated: z.boolean(),
  user_dropped: z.boolean(),
  message: z.string().optional(),
});
export type ActivateAiResponse = z.infer<typeof activateAiResponseSchema>;

/** Not shown in the reference: "conference state and participants". */
export const conferenceStatusResponseSchema = z.looseObject({
  state: z.string().optional(),
  ai_active: z.boolean().optional(),
  participants: z.array(z.unknown()).optional(),
});
export type ConferenceStatusResponse = z.infer<typeof conferenceStatusResponseSchema>;

export const dropUserResponseSchema = anyObject;
export type DropUserResponse = z.infer<typeof dropUserResponseSchema>;

// ---------------------------------------------------------------------------------
// Webhook payload (what CallMyCall POSTs to the `webhook` URL)

/**
 * Bounds on the numbers in a webhook. A signed event is still refused (400, naming the
 * field) when a value is one no real call has, before it can move a row's money or time.
 */
export const WEBHOOK_LIMITS = {
  /** The reference's typical costs are 4-10 credits a call; this is ~40 hours of calling. */
  maxCredits: 10_000,
  /** One day, in seconds; calls are capped far lower by max_duration. */
  maxDurationSeconds: 86_400,
  /** Unix seconds: 2020-01-01 to 2100-01-01. */
  minTimestamp: 1_577_836_800,
  maxTimestamp: 4_102_444_800,
  maxTranscriptSeq: 1_000_000,
} as const;

export const webhookTranscriptEntrySchema = z.looseObject({
  role: z.string(),
  content: z.string(),
  timestamp: z.string().optional(),
  seq: z.int().min(0).max(WEBHOOK_LIMITS.maxTranscriptSeq),
});
export type WebhookTranscriptEntry = z.infer<typeof webhookTranscriptEntrySchema>;

export const webhookEventSchema = z.looseObject({
  event: webhookEventTypeSchema,
  call_id: idSchema,
  sid: idSchema,
  /** Unix seconds. */
  timestamp: z.int().min(WEBHOOK_LIMITS.minTimestamp).max(WEBHOOK_LIMITS.maxTimestamp),
  /** Which fields are present depends on the event; price_updated carries credits. */
  data: z.looseObject({
    status: z.string().optional(),
    to: z.string().optional(),
    summary: z.looseObject({ goal_completed: z.boolean().optional() }).nullish(),
    transcripts: z.array(webhookTranscriptEntrySchema).optional(),
    // z.number() refuses NaN and ±Infinity (JSON.parse turns 1e999 into Infinity).
    credits: z.number().min(0).max(WEBHOOK_LIMITS.maxCredits).optional(),
    duration: z.number().min(0).max(WEBHOOK_LIMITS.maxDurationSeconds).optional(),
  }),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
