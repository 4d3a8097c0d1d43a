import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { campaignJsonSchema, campaignSchema } from '../../../src/campaign/campaignSchema.js';
import { BASE_CAMPAIGN, campaignWith } from './campaignFixture.js';

const parse = (input: unknown) => campaignSchema.safeParse(input);
const messages = (input: unknown) => {
  const result = parse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('campaignSchema', () => {
  it('applies defaults and gives durations in milliseconds', () => {
    const config = campaignSchema.parse(BASE_CAMPAIGN);
    expect(config).toMatchObject({
      phoneColumn: 'phone_number',
      timezoneColumn: 'timezone',
      concurrency: 3,
      callsPerMinute: 10,
      dedupe: 'phone',
      suppression: [],
      retry: { maxAttempts: 3, retryOn: ['no-answer', 'busy'], delay: 30 * 60_000 },
      credits: { budget: 1000, estimatePerCall: 4 },
      ambiguousStart: 'unknown',
      reconcileAfter: 120_000,
      creditRecheckEvery: 300_000,
      estimatedCallDuration: 120_000,
      limits: { maxFileBytes: 200 * 1024 * 1024, maxRowChars: 65_536, maxColumns: 200 },
      call: { recording: { download: true, format: 'mp3' } },
    });
    expect(config.idColumn).toBeUndefined();
  });

  it('accepts every start-call option of the API reference', () => {
    const config = campaignSchema.parse(
      campaignWith({
        call: {
          task: 'Confirm {{first_name}}',
          additionalPrompt: 'Be brief, {{first_name|friend}}.',
          language: 'en',
          tts_provider: 'elevenlabs',
          voice_gender: 'female',
          from_number: '+46701740600',
          transfer_number: '+46846500400',
          max_duration: '5m',
          share_policy: {
            name_voice: true,
            phone_voice: false,
            phone_dtmf: true,
            pnr_voice: false,
            pnr_dtmf: true,
          },
          enable_calendar: false,
          webhook_events: ['call_started', 'call_completed', 'call_completed'],
          recording: { format: 'wav', download: false },
        },
      }),
    );
    expect(config.call).toMatchObject({
      max_duration: 300,
      webhook_events: ['call_started', 'call_completed'],
    });
    expect(
      campaignSchema.parse(campaignWith({ call: { task: 't', max_duration: 90 } })).call.max_duration,
    ).toBe(90);
  });

  it('allows a calling window ending at 24:00 and gives the window in minutes', () => {
    const window = campaignSchema.parse(BASE_CAMPAIGN).callingWindow;
    expect(window).toEqual({
      timezone: 'Europe/Stockholm',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '24:00',
      startMinute: 0,
      endMinute: 1440,
      skipDates: [],
      holidays: [],
    });
  });

  it.each([
    ['weekdays', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['weekends', ['sat', 'sun']],
    [
      ['fri', 'mon', 'fri'],
      ['mon', 'fri'],
    ],
  ])('reads days %j', (days, expected) => {
    const config = campaignSchema.parse(
      campaignWith({ callingWindow: { ...BASE_CAMPAIGN.callingWindow, days } }),
    );
    expect(config.callingWindow.days).toEqual(expected);
  });

  it('accepts "recipient" or an IANA zone, canonicalized, and refuses offsets and abbreviations', () => {
    const zone = (timezone: string) =>
      campaignWith({ callingWindow: { ...BASE_CAMPAIGN.callingWindow, timezone } });
    expect(campaignSchema.parse(zone('recipient')).callingWindow.timezone).toBe('recipient');
    expect(campaignSchema.parse(zone('europe/stockholm')).callingWindow.timezone).toBe('Europe/Stockholm');
    expect(parse(zone('CET')).success).toBe(false);
    expect(parse(zone('+01:00')).success).toBe(false);
  });

  it.each([
    [{ start: '18:00', end: '09:00' }, /start must be before end/],
    [{ start: '9:00', end: '17:00' }, /HH:MM/],
    [{ start: '09:00', end: '24:01' }, /HH:MM/],
  ])('rejects the window %j', (times, message) => {
    const input = campaignWith({ callingWindow: { ...BASE_CAMPAIGN.callingWindow, ...times } });
    expect(messages(input).join('\n')).toMatch(message);
  });

  it('parses durations strictly', () => {
    expect(messages(campaignWith({ retry: { delay: '30 min' } })).join('\n')).toMatch(
      /invalid duration "30 min"/,
    );
    expect(messages(campaignWith({ reconcileAfter: '1.5m' })).join('\n')).toMatch(/invalid duration "1.5m"/);
    expect(campaignSchema.parse(campaignWith({ retry: { delay: '1h30m' } })).retry.delay).toBe(5_400_000);
  });

  it('requires call_completed among webhook_events, since outcomes arrive with it', () => {
    const input = campaignWith({ call: { task: 't', webhook_events: ['call_started'] } });
    expect(messages(input).join('\n')).toMatch(/call_completed/);
  });

  it('checks templates, country codes, E.164 numbers and the contacts placeholder', () => {
    const all = messages(
      campaignWith({
        contacts: 'contacts-{{day}}.csv',
        defaultCountry: 'se',
        call: { task: 'Hi {{first_name', from_number: '0701740600', transfer_number: '+46100000000' },
      }),
    ).join('\n');
    expect(all).toMatch(/contacts: only the \{\{date\}\} placeholder/);
    expect(all).toMatch(/defaultCountry: must be an ISO 3166 country code/);
    expect(all).toMatch(/call.task: invalid template/);
    expect(all).toMatch(/call.from_number: must be an E.164/);
    expect(all).not.toMatch(/call.from_number: is not a valid/);
    expect(all).toMatch(/call.transfer_number: is not a valid phone number/);
  });

  it('takes userOnCall with one operator phone or a pool, and refuses a half or hostile setting', () => {
    const one = campaignSchema.parse(
      campaignWith({ call: { task: 't', userOnCall: true, userPhone: '+46701110001' } }),
    );
    expect(one.call.userPhone).toEqual(['+46701110001']);
    const pool = campaignSchema.parse(
      campaignWith({ call: { task: 't', userOnCall: true, userPhone: ['+46701110001', '+46701110002'] } }),
    );
    expect(pool.call.userPhone).toHaveLength(2);

    expect(messages(campaignWith({ call: { task: 't', userOnCall: true } }))).toEqual([
      'call.userPhone: is required when userOnCall is true',
    ]);
    expect(messages(campaignWith({ call: { task: 't', userPhone: '+46701110001' } }))).toEqual([
      'call.userOnCall: must be true when userPhone is set',
    ]);
    const twice = messages(
      campaignWith({ call: { task: 't', userOnCall: true, userPhone: ['+46701110001', '+46701110001'] } }),
    );
    expect(twice.join('\n')).toMatch(/call.userPhone: lists a phone twice/);
    const hostile = messages(
      campaignWith({
        call: { task: 't', userOnCall: true, userPhone: ['+46701110001', '+4670111\u0000; rm -rf'] },
      }),
    );
    expect(hostile.join('\n')).toMatch(/call.userPhone.1: must be an E.164/);
    expect(
      messages(campaignWith({ call: { task: 't', userOnCall: true, userPhone: [] } })).join('\n'),
    ).toMatch(/call.userPhone/);
  });

  it('requires a budget', () => {
    expect(messages(campaignWith({ credits: {} })).join('\n')).toMatch(/credits.budget/);
  });
});

describe('campaign.schema.json', () => {
  it('is up to date with the zod schema (run: npx tsx scripts/export-campaign-schema.ts)', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../../src/campaign/campaign.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(campaignJsonSchema());
  });

  it('describes the input side: strict objects, defaults, duration patterns', () => {
    const schema = campaignJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; pattern?: string }>;
      required: string[];
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(['name', 'contacts', 'call', 'callingWindow', 'credits']),
    );
    expect(schema.properties.reconcileAfter?.default).toBe('2m');
    expect(new RegExp(schema.properties.reconcileAfter?.pattern ?? '').test('1h30m')).toBe(true);
    expect(Object.keys(schema.properties)).toContain('$schema');
  });
});
