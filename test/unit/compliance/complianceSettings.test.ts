import { describe, expect, it } from 'vitest';
import { campaignSchema } from '../../../src/campaign/campaignSchema.js';
import { readConsentCell } from '../../../src/compliance/consentCell.js';
import { describeFrequencyCap, parseFrequencyCap } from '../../../src/compliance/frequencyCap.js';
import { ConfigError, loadEnv } from '../../../src/config/env.js';
import { callDecision } from '../../../src/reports/callDecision.js';
import type { RowResult } from '../../../src/results/rowResult.js';
import { BASE_CAMPAIGN } from '../campaign/campaignFixture.js';

const messages = (input: unknown) => {
  const result = campaignSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('consent cells', () => {
  it.each([
    ['yes', 'given'],
    [' JA ', 'given'],
    ['x', 'given'],
    ['1', 'given'],
    ['', 'missing'],
    ['  ', 'missing'],
    ['nej', 'missing'],
    ['false', 'missing'],
    ['maybe', 'unreadable'],
    ['yes please', 'unreadable'],
    ['=1', 'unreadable'],
  ])('%j reads as %s', (cell, expected) => {
    expect(readConsentCell(cell)).toBe(expected);
  });
});

describe('campaign settings', () => {
  it('defaults to an informational campaign with no consent column and no cap of its own', () => {
    const config = campaignSchema.parse(BASE_CAMPAIGN);
    expect(config.purpose).toBe('informational');
    expect(config.consent).toBeUndefined();
    expect(config.frequencyCap).toBeUndefined();
  });

  it('parses a consent column (required by default) and a frequency cap in milliseconds', () => {
    const config = campaignSchema.parse({
      ...BASE_CAMPAIGN,
      consent: { column: 'sms_consent' },
      frequencyCap: { calls: 3, per: '24h' },
    });
    expect(config.consent).toEqual({ column: 'sms_consent', required: true });
    expect(config.frequencyCap).toEqual({ calls: 3, per: 86_400_000 });
  });

  it('refuses marketing without required consent, and bad caps, naming the field', () => {
    expect(messages({ ...BASE_CAMPAIGN, purpose: 'marketing' })).toEqual([
      'consent: a marketing campaign must name its consent column with consent.required: true',
    ]);
    expect(
      messages({ ...BASE_CAMPAIGN, purpose: 'marketing', consent: { column: 'c', required: false } }),
    ).toHaveLength(1);
    expect(messages({ ...BASE_CAMPAIGN, purpose: 'sales' })[0]).toMatch(/^purpose: /);
    expect(messages({ ...BASE_CAMPAIGN, frequencyCap: { calls: 0, per: '24h' } })[0]).toMatch(
      /^frequencyCap\.calls: /,
    );
    expect(messages({ ...BASE_CAMPAIGN, frequencyCap: { calls: 3, per: '1 day' } })[0]).toMatch(
      /^frequencyCap\.per: invalid duration "1 day"/,
    );
    expect(messages({ ...BASE_CAMPAIGN, frequencyCap: { calls: 3 } })[0]).toMatch(/^frequencyCap\.per: /);
  });
});

describe('CMC_FREQUENCY_CAP', () => {
  it('reads calls per period', () => {
    const cap = parseFrequencyCap('3/24h', 'CMC_FREQUENCY_CAP');
    expect(cap).toEqual({ calls: 3, perMs: 86_400_000, source: 'CMC_FREQUENCY_CAP' });
    expect(describeFrequencyCap(cap)).toBe('3 calls per 24h (CMC_FREQUENCY_CAP)');
    expect(loadEnv({ CMC_FREQUENCY_CAP: '1/7d' }).CMC_FREQUENCY_CAP?.perMs).toBe(7 * 86_400_000);
    expect(loadEnv({}).CMC_FREQUENCY_CAP).toBeUndefined();
  });

  it.each(['3', '0/24h', '101/24h', '3/24 h', '3/-1h', '3/400d', '-1/1h', '3/24h; rm -rf /'])(
    'refuses %j, naming the variable',
    (value) => {
      expect(() => loadEnv({ CMC_FREQUENCY_CAP: value })).toThrow(ConfigError);
      expect(() => loadEnv({ CMC_FREQUENCY_CAP: value })).toThrow(/CMC_FREQUENCY_CAP/);
    },
  );
});

describe('callDecision: why a row was or was not called', () => {
  const valid = { line: 2, rowKey: 'r2', columns: {}, status: 'valid' as const };
  const result = (audit: RowResult['audit']): RowResult => ({
    campaignId: 'c',
    rowKey: 'r2',
    line: 2,
    columns: {},
    outcome: 'capped',
    attempts: [],
    recordedAt: '2026-12-06T10:00:00Z',
    ...(audit ? { audit } : {}),
  });

  it('quotes the contacts file for rows never dialled, and waits for pending rows', () => {
    expect(
      callDecision({ ...valid, status: 'no_consent' }, 'no_consent', null, 'no consent to be called'),
    ).toBe('not called: no consent to be called');
    expect(callDecision(valid, 'pending', null, undefined)).toBe('not decided yet');
  });

  it('names the failing check of each attempt, or says every check passed', () => {
    const checks = [
      { check: 'window' as const, passed: true, detail: 'inside' },
      { check: 'cap' as const, passed: false, detail: 'reached: 1 call per 24h (campaign)' },
    ];
    expect(
      callDecision(
        valid,
        'capped',
        result([
          { attempt: 1, decision: 'dialled', checks: [checks[0]], firstCheckedAt: 't0', checkedAt: 't1' },
          { attempt: 2, decision: 'capped', checks, firstCheckedAt: 't2', checkedAt: 't3' },
        ]),
        undefined,
      ),
    ).toBe(
      'attempt 1 dialled at t1: window passed; attempt 2 capped at t3: cap reached: 1 call per 24h (campaign)',
    );
  });

  it('falls back to the attempts for results written before audits existed', () => {
    expect(callDecision(valid, 'not_called_budget', result(undefined), undefined)).toBe(
      'not called: not_called_budget',
    );
  });
});

describe('CMC_RETENTION', () => {
  it('is off unless set, and reads a duration of at most ten years', () => {
    expect(loadEnv({}).CMC_RETENTION).toBeUndefined();
    expect(loadEnv({ CMC_RETENTION: '' }).CMC_RETENTION).toBeUndefined();
    expect(loadEnv({ CMC_RETENTION: '90d' }).CMC_RETENTION).toBe(90 * 86_400_000);
  });

  it.each(['90', '90 days', '-1d', '3651d', '1e9d'])('refuses %j, naming the variable', (value) => {
    expect(() => loadEnv({ CMC_RETENTION: value })).toThrow(/CMC_RETENTION/);
  });
});
