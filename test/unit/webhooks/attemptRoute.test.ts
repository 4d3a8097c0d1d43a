import { describe, expect, it } from 'vitest';
import { phoneRowKey } from '../../../src/campaign/rowKey.js';
import { attemptWebhookPath } from '../../../src/engine/ids.js';
import { parseAttemptRoute } from '../../../src/webhooks/attemptRoute.js';

describe('webhook paths', () => {
  it('reads back every path the runner hands out', () => {
    const rowKeys = [phoneRowKey('secret', '+46701234567', 1), 'line-12', 'booking_42.b-7'];
    for (const rowKey of rowKeys)
      for (const attempt of [1, 9, 10, 99]) {
        const path = attemptWebhookPath('spring-recall.2026-03-01', rowKey, attempt);
        expect(parseAttemptRoute(path), path).toEqual({
          campaignId: 'spring-recall.2026-03-01',
          rowKey,
          attempt,
        });
      }
  });

  it.each([
    ['a malformed % escape', '/webhooks/%E0%A4%A/x/1'],
    ['any % escape at all', '/webhooks/c%31/r1/1'],
    ['an attempt with a leading zero', '/webhooks/c1/r1/01'],
    ['attempt 0', '/webhooks/c1/r1/0'],
    ['attempt 100', '/webhooks/c1/r1/100'],
    ['a negative attempt', '/webhooks/c1/r1/-1'],
    ['a campaign ID starting with a dot', '/webhooks/.c1/r1/1'],
    ['a campaign ID of 101 characters', `/webhooks/${'c'.repeat(101)}/r1/1`],
    ['a row key of 65 characters', `/webhooks/c1/${'r'.repeat(65)}/1`],
    ['a row key with a colon', '/webhooks/c1/r:1/1'],
    ['an empty segment', '/webhooks//r1/1'],
    ['a trailing slash', '/webhooks/c1/r1/1/'],
    ['another prefix', '/hooks/c1/r1/1'],
    ['no leading slash', 'webhooks/c1/r1/1'],
  ])('refuses %s', (_what, path) => {
    expect(parseAttemptRoute(path)).toBeUndefined();
  });
});
