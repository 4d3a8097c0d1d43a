import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_ROW_KEY_SECRET,
  DEFAULT_SIMULATOR_API_KEY,
  DEFAULT_WEBHOOK_SECRET,
  loadEnv,
} from '../../../src/config/env.js';
import { isLoopbackHost, isLoopbackUrl } from '../../../src/config/loopback.js';
import { assertNoPublicDefaults, type PublicDefaultVariable } from '../../../src/config/publicDefaults.js';

const OWN = {
  CALLMYCALL_API_KEY: 'cmc_live_0123456789abcdef0123',
  CALLMYCALL_WEBHOOK_SECRET: 'whsec_own_0123456789abcdef0123',
  CMC_ROW_KEY_SECRET: 'own-row-key-secret-0123456789ab',
};
const ALL: PublicDefaultVariable[] = [
  'CALLMYCALL_API_KEY',
  'CALLMYCALL_WEBHOOK_SECRET',
  'CMC_ROW_KEY_SECRET',
];
const REAL_API = 'https://call-my-call-backend.fly.dev';

/** The message a process refuses to start with, or 'starts'. */
function outcome(
  vars: Record<string, string>,
  uses: readonly PublicDefaultVariable[] = ALL,
  options: { listenHost?: string } = {},
): string {
  try {
    assertNoPublicDefaults(loadEnv(vars), uses, options);
    return 'starts';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('loopback', () => {
  it.each([
    ['http://127.0.0.1:4010', true],
    ['http://127.8.9.10', true],
    ['http://localhost:4010', true],
    ['http://LOCALHOST:4010/v1', true],
    ['http://[::1]:4010', true],
    ['http://[0:0:0:0:0:0:0:1]:4010', true],
    [REAL_API, false],
    ['http://127.0.0.1.evil.com', false],
    ['http://localhost.evil.com', false],
    ['http://127.0.0.1@evil.com', false],
    ['http://evil.com/127.0.0.1', false],
    ['http://128.0.0.1', false],
    ['http://0.0.0.0:4010', false],
    ['http://simulator:4010', false],
    ['http://[::ffff:127.0.0.1]', false], // an IPv4-mapped form: not on the list, so not trusted
    ['not a url', false],
  ])('%s is loopback: %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });

  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['127.0.0.1.evil.com', false],
  ])('bind address %s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('assertNoPublicDefaults', () => {
  it('lets everything run on the defaults against a loopback API (the simulator)', () => {
    for (const url of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010'])
      expect(outcome({ CALLMYCALL_BASE_URL: url })).toBe('starts');
    expect(outcome({})).toBe('starts');
  });

  it('lets a real API run once every secret the process uses is its own', () => {
    expect(outcome({ CALLMYCALL_BASE_URL: REAL_API, ...OWN })).toBe('starts');
  });

  it.each(ALL)('refuses a real API while %s is its public default, naming it but no value', (variable) => {
    const vars = { CALLMYCALL_BASE_URL: REAL_API, ...OWN };
    delete (vars as Record<string, string>)[variable];
    const message = outcome(vars);
    expect(message).toContain(variable);
    expect(message).toContain('CALLMYCALL_BASE_URL');
    for (const other of ALL.filter((name) => name !== variable)) expect(message).not.toContain(other);
    for (const value of [
      ...Object.values(OWN),
      DEFAULT_SIMULATOR_API_KEY,
      DEFAULT_WEBHOOK_SECRET,
      DEFAULT_ROW_KEY_SECRET,
      REAL_API,
    ])
      expect(message).not.toContain(value);
  });

  it('counts http://127.0.0.1.evil.com as a real API', () => {
    expect(outcome({ CALLMYCALL_BASE_URL: 'http://127.0.0.1.evil.com' })).toMatch(
      /CALLMYCALL_API_KEY, CALLMYCALL_WEBHOOK_SECRET, CMC_ROW_KEY_SECRET/,
    );
  });

  it('only checks the secrets the process uses', () => {
    const workerOnly = {
      CALLMYCALL_BASE_URL: REAL_API,
      CALLMYCALL_API_KEY: OWN.CALLMYCALL_API_KEY,
      CMC_ROW_KEY_SECRET: OWN.CMC_ROW_KEY_SECRET,
    };
    expect(outcome(workerOnly, ['CALLMYCALL_API_KEY', 'CMC_ROW_KEY_SECRET'])).toBe('starts');
    expect(outcome(workerOnly, ['CALLMYCALL_WEBHOOK_SECRET'])).toContain('CALLMYCALL_WEBHOOK_SECRET');
  });

  it('refuses the default webhook secret on a receiver listening beyond loopback, even with the simulator', () => {
    const uses: PublicDefaultVariable[] = ['CALLMYCALL_WEBHOOK_SECRET'];
    expect(outcome({}, uses, { listenHost: '127.0.0.1' })).toBe('starts');
    expect(outcome({}, uses, { listenHost: '::1' })).toBe('starts');
    const exposed = outcome({}, uses, { listenHost: '0.0.0.0' });
    expect(exposed).toContain('CALLMYCALL_WEBHOOK_SECRET');
    expect(exposed).not.toContain(DEFAULT_WEBHOOK_SECRET);
    expect(
      outcome({ CALLMYCALL_WEBHOOK_SECRET: OWN.CALLMYCALL_WEBHOOK_SECRET }, uses, { listenHost: '0.0.0.0' }),
    ).toBe('starts');
  });
});
