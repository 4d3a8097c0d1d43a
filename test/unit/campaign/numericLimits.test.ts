import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../../src/commands/exitCodes.js';
import { BASE_CAMPAIGN, campaignWith, makeCampaignDir } from './campaignFixture.js';
import { runValidate } from './runValidate.js';

/**
 * Durations and numbers too large to mean anything ("99999999999999999d", 1e300) are
 * campaign.json problems like any other: a path, a message, --json output, and the
 * exit code of a campaign that cannot run.
 */
const CSV = 'first_name,phone_number\nAnna,070-174 06 01\n';

afterEach(() => {
  vi.restoreAllMocks();
});

async function validateConfig(config: object) {
  const dir = await makeCampaignDir({ config, contacts: CSV });
  const human = await runValidate(dir);
  const json = await runValidate(dir, '--json');
  return { human, json, result: JSON.parse(json.stdout || '{}') };
}

/** The exit code cmc validate gives any campaign.json mistake, such as an unknown key. */
async function exitCodeOfABadKey(): Promise<number | undefined> {
  const { human } = await validateConfig(campaignWith({ concurency: 2 }));
  return (human.error as CliError).exitCode;
}

describe('numbers and durations in campaign.json', () => {
  it('reports "delay": "99999999999999999d" with its path, in --json too', async () => {
    const { human, json, result } = await validateConfig(
      campaignWith({ retry: { delay: '99999999999999999d' } }),
    );
    expect(human.stdout).toContain(
      'retry.delay: "99999999999999999d" is too large: a duration may be at most 30d',
    );
    expect(result).toMatchObject({
      canRun: false,
      errors: [{ path: 'retry.delay', message: expect.stringMatching(/^retry\.delay: .*at most 30d$/) }],
    });
    expect(human.error).toBeInstanceOf(CliError);
    expect((json.error as CliError).exitCode).toBe(await exitCodeOfABadKey());
  });

  it.each([
    ['retry.delay', { retry: { delay: '31d' } }],
    ['estimatedCallDuration', { estimatedCallDuration: '99999999999999999999999h' }],
    ['reconcileAfter', { reconcileAfter: '9999999d' }],
    ['creditRecheckEvery', { creditRecheckEvery: '720h1ms' }],
  ])('caps %s at 30d', async (path, changes) => {
    const { result } = await validateConfig(campaignWith(changes));
    expect(result.errors).toEqual([
      {
        file: expect.any(String),
        path,
        message: expect.stringMatching(/is too large: a duration may be at most 30d$/),
      },
    ]);
  });

  it('accepts exactly 30d', async () => {
    const { result } = await validateConfig(campaignWith({ retry: { delay: '30d' } }));
    expect(result.errors).toEqual([]);
  });

  it.each([
    ['"99999999999999999d"', '99999999999999999d', /is too large: a duration may be at most 30d$/],
    ['1e300', 1e300, /^call\.max_duration: must be at most 4h$/],
    ['"5h"', '5h', /^call\.max_duration: must be at most 4h$/],
  ])('reports call.max_duration %s as one issue', async (_shown, maxDuration, message) => {
    const { result } = await validateConfig(
      campaignWith({ call: { ...BASE_CAMPAIGN.call, max_duration: maxDuration } }),
    );
    expect(result.errors).toEqual([
      { file: expect.any(String), path: 'call.max_duration', message: expect.stringMatching(message) },
    ]);
  });

  it('refuses a pace so slow that the wait between calls would be a nonsense timer', async () => {
    const { result } = await validateConfig(campaignWith({ callsPerMinute: 1e-300 }));
    expect(result.errors).toEqual([
      {
        file: expect.any(String),
        path: 'callsPerMinute',
        message: 'callsPerMinute: must be at least 0.01 (one call every 100 minutes)',
      },
    ]);
  });

  it('refuses a credit estimate so large that the total overflows', async () => {
    const { result } = await validateConfig(
      campaignWith({ credits: { budget: 1000, estimatePerCall: 1e308 } }),
    );
    expect(result.errors).toEqual([
      {
        file: expect.any(String),
        path: 'credits.estimatePerCall',
        message: 'credits.estimatePerCall: must be at most 10000 credits',
      },
    ]);
  });
});

describe('numbers and durations in CSV cells', () => {
  it('makes a huge max_duration cell an invalid row, not a crash', async () => {
    const dir = await makeCampaignDir({
      contacts:
        'first_name,phone_number,max_duration\nAnna,070-174 06 01,99999999999999999d\nBo,070-174 06 02,5m\n',
    });
    const { stdout, error } = await runValidate(dir, '--json');
    expect(error).toBeUndefined();
    expect(JSON.parse(stdout)).toMatchObject({
      valid: 1,
      invalid: [
        {
          line: 2,
          column: 'max_duration',
          code: 'override-invalid',
          reason: expect.stringMatching(/is too large: a duration may be at most 30d$/),
        },
      ],
    });
  });
});
