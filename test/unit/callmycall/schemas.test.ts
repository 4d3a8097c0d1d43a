import { describe, expect, it } from 'vitest';
import {
  calendarStatusResponseSchema,
  getCallResponseSchema,
  startCallRequestSchema,
  startCallResponseSchema,
  verifiedCallerIdsResponseSchema,
  WEBHOOK_LIMITS,
  webhookEventSchema,
} from '../../../src/callmycall/schemas.js';

describe('start-call request', () => {
  it('accepts every documented field and sends voiceGender as voice_gender', () => {
    const parsed = startCallRequestSchema.parse({
      phone_number: '+46700000000',
      task: 'Confirm booking',
      userPhone: '+46700000001',
      userOnCall: true,
      additionalPrompt: 'Be brief',
      language: 'en',
      tts_provider: 'elevenlabs',
      voiceGender: 'male',
      from_number: '+46123456789',
      transfer_number: '+46123456780',
      max_duration: 300,
      share_policy: {
        name_voice: true,
        phone_voice: false,
        phone_dtmf: true,
        pnr_voice: false,
        pnr_dtmf: true,
      },
      enable_calendar: false,
      webhook: 'https://example.com/cmc',
      webhook_events: ['call_started', 'transcript_updated', 'price_updated', 'call_completed'],
      recording: true,
      metadata: { client_request_id: 'req_123', anything: { nested: 1 } },
    });
    expect(parsed).toMatchObject({ voice_gender: 'male', metadata: { client_request_id: 'req_123' } });
    expect(parsed).not.toHaveProperty('voiceGender');
  });

  it('rejects what the reference forbids, naming each field', () => {
    const result = startCallRequestSchema.safeParse({
      phone_number: '+46 70 000 00 00',
      task: 'x',
      tts_provider: 'polly',
      voice_gender: 'female',
      voiceGender: 'male',
      webhook: 'ftp://example.com',
      webhook_events: ['call_ended'],
      max_duration: -1,
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['phone_number', 'tts_provider', 'webhook', 'webhook_events.0', 'max_duration']),
    );
  });
});

describe('responses are loose but require what the reference shows', () => {
  it('start-call: any readable sid in a 2xx means a call exists; extras are kept', () => {
    expect(startCallResponseSchema.parse({ success: true, sid: 'CA1', extra: 1 })).toEqual({
      success: true,
      sid: 'CA1',
      extra: 1,
    });
    // Undocumented shapes that still name the call: placed, never "not sent".
    for (const body of [
      { sid: 'CA2' },
      { success: false, sid: 'CA2' },
      { call_id: 'CA2' },
      { callSid: ' CA2 ' },
      { call: { sid: 'CA2' } },
      { call: { call_id: 'CA2' } },
    ]) {
      expect(startCallResponseSchema.parse(body), JSON.stringify(body)).toMatchObject({
        success: true,
        sid: 'CA2',
      });
    }
    for (const body of [{ success: true }, {}, { sid: '' }, { sid: 42 }, 'CA1', null, []]) {
      expect(startCallResponseSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('get-call keeps duration, credits, summary, ended_at and unknown fields', () => {
    const body = {
      call: {
        call_id: 'CA1',
        status: 'completed',
        to: '+46700000000',
        created_at: '2026-02-14T10:00:00.000Z',
        duration: 42,
        credits: 2,
        summary: { goal_completed: true },
        ended_at: '2026-02-14T10:00:42.000Z',
        provider: 'twilio',
      },
      transcripts: [{ role: 'assistant', text: 'Hello.', seq: 1 }],
    };
    expect(getCallResponseSchema.parse(body)).toEqual(body);
    const { to: _to, ...withoutTo } = body.call;
    expect(getCallResponseSchema.safeParse({ ...body, call: withoutTo }).success).toBe(false);
  });

  it('calendar status allows an unauthorized key without scopes', () => {
    expect(calendarStatusResponseSchema.parse({ authorized: false })).toEqual({ authorized: false });
  });

  it('verified caller ids accept a bare array or an object', () => {
    expect(verifiedCallerIdsResponseSchema.safeParse([{ phone_number: '+46123456789' }]).success).toBe(true);
    expect(verifiedCallerIdsResponseSchema.safeParse({ caller_ids: [] }).success).toBe(true);
    expect(verifiedCallerIdsResponseSchema.safeParse('nope').success).toBe(false);
  });
});

describe('webhook payload', () => {
  const documented = {
    event: 'call_completed',
    call_id: 'CA1234567890abcdef',
    sid: 'CA1234567890abcdef',
    timestamp: 1739511142,
    data: {
      status: 'completed',
      to: '+46700000000',
      summary: { goal_completed: true },
      transcripts: [{ role: 'assistant', content: 'Hello.', timestamp: '2026-02-14T10:00:00.000Z', seq: 1 }],
    },
  };

  it('parses the documented example', () => {
    expect(webhookEventSchema.parse(documented)).toEqual(documented);
  });

  it('parses price_updated with credits and duration, and keeps unknown fields', () => {
    const event = webhookEventSchema.parse({
      ...documented,
      event: 'price_updated',
      data: { credits: 4, duration: 120, cost_usd: 0.31 },
    });
    expect(event.data.credits).toBe(4);
    expect(event.data).toHaveProperty('cost_usd', 0.31);
  });

  it('rejects an unknown event type or a transcript without content', () => {
    expect(webhookEventSchema.safeParse({ ...documented, event: 'call_exploded' }).success).toBe(false);
    expect(
      webhookEventSchema.safeParse({ ...documented, data: { transcripts: [{ role: 'user', seq: 1 }] } })
        .success,
    ).toBe(false);
  });

  it('refuses numbers no real call has, naming the field', () => {
    const refused = (data: Record<string, unknown>, top: Record<string, unknown> = {}) => {
      const result = webhookEventSchema.safeParse({
        ...documented,
        ...top,
        data: { ...documented.data, ...data },
      });
      return result.success ? 'accepted' : result.error.issues.map((issue) => issue.path.join('.')).join(',');
    };
    expect(refused({ credits: -1 })).toBe('data.credits');
    expect(refused({ credits: WEBHOOK_LIMITS.maxCredits + 1 })).toBe('data.credits');
    expect(refused({ credits: Number.POSITIVE_INFINITY })).toBe('data.credits');
    expect(refused({ credits: Number.NaN })).toBe('data.credits');
    expect(refused({ duration: -1 })).toBe('data.duration');
    expect(refused({ duration: WEBHOOK_LIMITS.maxDurationSeconds + 1 })).toBe('data.duration');
    expect(refused({}, { timestamp: -1 })).toBe('timestamp');
    expect(refused({}, { timestamp: 1739511142.5 })).toBe('timestamp');
    expect(refused({}, { timestamp: WEBHOOK_LIMITS.maxTimestamp + 1 })).toBe('timestamp');
    expect(refused({ transcripts: [{ role: 'user', content: 'x', seq: -1 }] })).toBe(
      'data.transcripts.0.seq',
    );
    // The edges themselves are real values.
    expect(refused({ credits: 0, duration: 0 })).toBe('accepted');
    expect(refused({ credits: WEBHOOK_LIMITS.maxCredits, duration: WEBHOOK_LIMITS.maxDurationSeconds })).toBe(
      'accepted',
    );
    expect(refused({ credits: 3.5 })).toBe('accepted');
  });
});
