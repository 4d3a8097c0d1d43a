import { describe, expect, it } from 'vitest';
import { codecServerSettings } from '../../../src/commands/codecServer.js';
import { CliError, ExitCode } from '../../../src/commands/exitCodes.js';
import { loadEnv } from '../../../src/config/env.js';

const env = loadEnv({ TEMPORAL_UI_URL: 'http://localhost:8233/some/path', TEMPORAL_NAMESPACE: 'clinic' });
const TOKEN = 'a-long-enough-codec-token';

function refusal(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a refusal');
}

describe('cmc codec-server settings', () => {
  it('defaults to loopback, port 8234, the UI origin and the configured namespace', () => {
    expect(codecServerSettings({}, env, {})).toEqual({
      host: '127.0.0.1',
      port: 8234,
      corsOrigins: ['http://localhost:8233'],
      token: undefined,
      namespaces: ['clinic'],
    });
  });

  it('takes the token from CMC_CODEC_TOKEN and --cors-origin over the default', () => {
    const settings = codecServerSettings({ corsOrigin: ['https://temporal.example.com'], port: 0 }, env, {
      CMC_CODEC_TOKEN: ` ${TOKEN} `,
    });
    expect(settings.token).toBe(TOKEN);
    expect(settings.corsOrigins).toEqual(['https://temporal.example.com']);
    expect(settings.port).toBe(0);
  });

  it('refuses to serve beyond loopback without a token, and a short token, naming the variable only', () => {
    for (const host of ['0.0.0.0', '10.0.0.5', '127.0.0.1.evil.com', '::']) {
      const error = refusal(() => codecServerSettings({ host }, env, {}));
      expect(error.exitCode).toBe(ExitCode.usage);
      expect(error.message).toContain('CMC_CODEC_TOKEN');
    }
    expect(codecServerSettings({ host: '0.0.0.0' }, env, { CMC_CODEC_TOKEN: TOKEN }).host).toBe('0.0.0.0');
    const short = refusal(() => codecServerSettings({}, env, { CMC_CODEC_TOKEN: 'short-secret' }));
    expect(short.message).toBe('CMC_CODEC_TOKEN must be at least 16 characters');
    expect(short.message).not.toContain('short-secret');
  });
});
