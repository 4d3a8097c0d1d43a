import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError, ExitCode } from '../../../src/commands/exitCodes.js';
import { runCommand } from '../../../src/commands/run.js';
import { receiverSettings, webhooksCommand } from '../../../src/commands/webhooks.js';
import { workerCommand } from '../../../src/commands/worker.js';
import { DEFAULT_WEBHOOK_SECRET, loadEnv } from '../../../src/config/env.js';
import { PUBLIC_DEFAULTS } from '../../../src/config/publicDefaults.js';
import { startLocalStack } from '../../../src/devstack/localStack.js';
import { createLogger } from '../../../src/logging/logger.js';

const REAL_API = 'https://call-my-call-backend.fly.dev';
const OWN_WEBHOOK_SECRET = 'whsec_own_0123456789abcdef0123';

/** Runs one `cmc` command in-process; gives the CliError it refused with. */
async function refusal(make: () => import('commander').Command, args: string[]): Promise<CliError> {
  const command = make().exitOverride();
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CliError) return error;
    throw new Error(`refused with something else: ${String(error)}`);
  }
  throw new Error('it started');
}

describe('start-up refusals', () => {
  afterEach(() => vi.unstubAllEnvs());
  const againstRealApi = () => {
    vi.stubEnv('CALLMYCALL_BASE_URL', REAL_API);
    // Nothing must get as far as Temporal; if it did, this address fails fast.
    vi.stubEnv('TEMPORAL_ADDRESS', '127.0.0.1:1');
    for (const name of Object.keys(PUBLIC_DEFAULTS)) vi.stubEnv(name, undefined);
  };

  it.each([
    ['worker', workerCommand, [], ['CALLMYCALL_API_KEY', 'CMC_ROW_KEY_SECRET']],
    ['webhooks', webhooksCommand, [], ['CALLMYCALL_WEBHOOK_SECRET']],
    ['run', runCommand, ['campaigns/appointment-confirmation'], ['CMC_ROW_KEY_SECRET']],
  ] as const)('cmc %s refuses a real API on public defaults', async (_name, make, args, named) => {
    againstRealApi();
    const error = await refusal(make, [...args]);
    expect(error.exitCode).toBe(ExitCode.usage);
    for (const variable of named) expect(error.message).toContain(variable);
    for (const value of [...Object.values(PUBLIC_DEFAULTS), REAL_API])
      expect(error.message).not.toContain(value);
  });

  it('cmc dev refuses a real API on public defaults before starting anything', async () => {
    const env = loadEnv({ CALLMYCALL_BASE_URL: REAL_API, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    await expect(startLocalStack({ env, logger: createLogger('test', { level: 'silent' }) })).rejects.toThrow(
      /CALLMYCALL_API_KEY, CALLMYCALL_WEBHOOK_SECRET, CMC_ROW_KEY_SECRET/,
    );
  });

  it('cmc webhooks refuses a short or missing webhook secret before listening', async () => {
    vi.stubEnv('CALLMYCALL_WEBHOOK_SECRET', 'whsec_short,');
    const error = await refusal(webhooksCommand, []);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toMatch(/CALLMYCALL_WEBHOOK_SECRET.*24 characters/);
    expect(error.message).not.toContain('whsec_short');
  });
});

describe('cmc webhooks settings', () => {
  it('binds 127.0.0.1 unless told otherwise', () => {
    expect(receiverSettings({}, loadEnv({}))).toMatchObject({ host: '127.0.0.1', port: 4020 });
    expect(
      receiverSettings(
        {},
        loadEnv({ WEBHOOK_HOST: '0.0.0.0', CALLMYCALL_WEBHOOK_SECRET: OWN_WEBHOOK_SECRET }),
      ),
    ).toMatchObject({ host: '0.0.0.0' });
    expect(
      receiverSettings(
        { host: '::', port: 5000 },
        loadEnv({ CALLMYCALL_WEBHOOK_SECRET: OWN_WEBHOOK_SECRET }),
      ),
    ).toMatchObject({ host: '::', port: 5000 });
  });

  it('gives the parsed secrets and the connection cap', () => {
    const env = loadEnv({
      CALLMYCALL_WEBHOOK_SECRET: ` ${OWN_WEBHOOK_SECRET}, `,
      WEBHOOK_MAX_CONNECTIONS: '64',
    });
    expect(receiverSettings({}, env)).toMatchObject({ secrets: [OWN_WEBHOOK_SECRET], maxConnections: 64 });
    expect(receiverSettings({}, loadEnv({})).secrets).toEqual([DEFAULT_WEBHOOK_SECRET]);
  });

  it('refuses the public default secret when listening beyond loopback', () => {
    expect(() => receiverSettings({ host: '0.0.0.0' }, loadEnv({}))).toThrow(/CALLMYCALL_WEBHOOK_SECRET/);
  });
});
