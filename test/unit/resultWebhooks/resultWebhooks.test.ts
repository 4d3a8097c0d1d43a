import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { describeCampaignIssues } from '../../../src/campaign/campaignIssues.js';
import { campaignSchema } from '../../../src/campaign/campaignSchema.js';
import type { RowResult } from '../../../src/results/rowResult.js';
import { resultEventId, rowFinishedEvent } from '../../../src/resultWebhooks/resultEvent.js';
import { resultWebhookSecret } from '../../../src/resultWebhooks/resultWebhookSetting.js';
import { sendResultEvent } from '../../../src/resultWebhooks/sendResultEvent.js';
import { campaignWith } from '../campaign/campaignFixture.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

const result: RowResult = {
  campaignId: 'c1',
  rowKey: 'r1',
  line: 2,
  columns: { booking_id: 'B-1', first_name: 'Anna', phone_number: '+46701234567' },
  phoneE164: '+46701234567',
  outcome: 'completed',
  disposition: { disposition: 'confirmed', rule: 'confirmed[0]', review: false },
  attempts: [{ attempt: 1, clientRequestId: 'c1:r1:1', sid: 'CA1', status: 'completed', credits: 2 }],
  transcript: [{ role: 'user', text: 'Ja, Anna här', seq: 1 }],
  recordedAt: '2026-12-06T10:00:00.000Z',
};

describe('resultWebhook in campaign.json', () => {
  const issues = (resultWebhook: unknown) => {
    const parsed = campaignSchema.safeParse(campaignWith({ resultWebhook }));
    return parsed.success
      ? []
      : describeCampaignIssues(parsed.error.issues, campaignSchema).map((i) => `${i.path}: ${i.message}`);
  };

  it('accepts https, and http only to this machine', () => {
    expect(issues({ url: 'https://clinic.example/hook', secretEnv: 'CLINIC_SECRET' })).toEqual([]);
    expect(issues({ url: 'http://127.0.0.1:9000/hook', secretEnv: 'CLINIC_SECRET' })).toEqual([]);
    expect(issues({ url: 'http://clinic.example/hook', secretEnv: 'CLINIC_SECRET' })).toEqual([
      'resultWebhook.url: must be https (plain http only to localhost): results carry personal data',
    ]);
    expect(issues({ url: 'http://127.0.0.1.evil.example/hook', secretEnv: 'CLINIC_SECRET' })).toHaveLength(1);
  });

  it('refuses hostile values with the field they are in', () => {
    expect(issues({ url: 'https://user:pw@clinic.example/hook', secretEnv: 'S' })[0]).toMatch(
      /^resultWebhook\.url: must not carry a user name or password/,
    );
    expect(issues({ url: 'javascript:alert(1)', secretEnv: 'S' })[0]).toMatch(
      /^resultWebhook\.url: must be https/,
    );
    expect(issues({ url: 'https://clinic.example', secretEnv: 'whsec_abc' })[0]).toMatch(
      /^resultWebhook\.secretEnv: /,
    );
    expect(issues({ url: 'https://clinic.example', secretEnv: 'A;rm -rf' })[0]).toMatch(
      /^resultWebhook\.secretEnv: /,
    );
    expect(issues({ url: 'https://clinic.example', secretEnv: 'S', events: ['row.deleted'] })[0]).toMatch(
      /^resultWebhook\.events\[0\]/,
    );
    expect(issues({ url: 'https://clinic.example', secretEnv: 'S', secret: 'whsec_x' })[0]).toMatch(
      /unknown key/,
    );
  });

  it('reads the secret from the named variable, never printing it', () => {
    expect(resultWebhookSecret({ CLINIC: secret }, 'CLINIC')).toBe(secret);
    expect(() => resultWebhookSecret({}, 'CLINIC')).toThrow(
      'resultWebhook.secretEnv: CLINIC is not set on the worker',
    );
    for (const bad of [
      'hunter2hunter2hunter2hunter2',
      'whsec_c2hvcnQ=',
      'whsec_not base64!!!!!!!!!!!!!!!!!!!!',
    ]) {
      let message = '';
      try {
        resultWebhookSecret({ CLINIC: bad }, 'CLINIC');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/CLINIC must be "whsec_"/);
      expect(message).not.toContain(bad);
    }
  });
});

describe('row.finished event', () => {
  it('has a stable id from campaign and row, and carries the clinic id but no number, name or transcript', () => {
    const event = rowFinishedEvent(result, 'booking_id', new Date('2026-12-06T10:00:01Z'));
    expect(event.id).toBe(resultEventId('c1', 'row.finished', 'r1'));
    expect(rowFinishedEvent(result, 'booking_id', new Date()).id).toBe(event.id);
    expect(event.id).not.toBe(resultEventId('c1', 'row.finished', 'r2'));
    const body = JSON.parse(event.body);
    expect(body).toMatchObject({
      type: 'row.finished',
      data: {
        id_column: 'booking_id',
        id: 'B-1',
        disposition: 'confirmed',
        attempts: 1,
        credits: 2,
        last_sid: 'CA1',
      },
    });
    expect(event.body).not.toMatch(/46701234567|Anna/);
  });
});

describe('sendResultEvent', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function receiver(
    answer: (headers: IncomingHttpHeaders, body: string) => [number, Record<string, string>?],
  ) {
    const listening = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const [status, headers] = answer(req.headers, Buffer.concat(chunks).toString());
        res.writeHead(status, headers).end('nope');
      });
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/hook`;
  }

  const event = rowFinishedEvent(result, 'booking_id', new Date('2026-12-06T10:00:01Z'));

  it('signs so that the Standard Webhooks library verifies it', async () => {
    let verified: unknown;
    const url = await receiver((headers, body) => {
      verified = new Webhook(secret).verify(body, headers as Record<string, string>);
      return [204];
    });
    expect(await sendResultEvent(event, url, secret)).toEqual({ kind: 'delivered', status: 204 });
    expect(verified).toMatchObject({ type: 'row.finished', data: { id: 'B-1' } });
  });

  it('tells retry, refusal and 410 apart, honours Retry-After, and does not follow redirects', async () => {
    const answers: Array<[number, Record<string, string>?]> = [
      [503, { 'retry-after': '7' }],
      [400],
      [410],
      [302, { location: 'https://elsewhere.example/' }],
    ];
    const url = await receiver(() => answers.shift() ?? [500]);
    expect(await sendResultEvent(event, url, secret)).toEqual({
      kind: 'retry',
      reason: 'receiver answered 503: "nope"',
      retryAfterMs: 7000,
    });
    expect(await sendResultEvent(event, url, secret)).toMatchObject({ kind: 'refused', status: 400 });
    expect(await sendResultEvent(event, url, secret)).toEqual({ kind: 'gone', status: 410 });
    expect(await sendResultEvent(event, url, secret)).toMatchObject({ kind: 'retry' });
  });

  it('retries when nobody listens, without the secret in the reason', async () => {
    const outcome = await sendResultEvent(event, 'http://127.0.0.1:1/hook', secret);
    expect(outcome.kind).toBe('retry');
    expect(JSON.stringify(outcome)).not.toContain(secret.slice(6));
  });
});
