import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/env.js';
import { MIN_WEBHOOK_SECRET_LENGTH, webhookSecrets } from '../../../src/config/webhookSecrets.js';

const LONG_A = 'whsec_aaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const LONG_B = 'whsec_bbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const secretsOf = (value: string) => webhookSecrets({ CALLMYCALL_WEBHOOK_SECRET: value });

/** What `cmc webhooks` or `cmc dev` says when it refuses to start, with the value it was given. */
function refusal(value: string): string {
  try {
    secretsOf(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

describe('CALLMYCALL_WEBHOOK_SECRET', () => {
  it('gives one secret, or several comma-separated while rotating, trimmed', () => {
    expect(secretsOf(LONG_A)).toEqual([LONG_A]);
    expect(secretsOf(` ${LONG_A} , ${LONG_B} `)).toEqual([LONG_A, LONG_B]);
  });

  it('drops empty entries, so no signature made with an empty key is ever valid', () => {
    expect(secretsOf(`${LONG_A},`)).toEqual([LONG_A]);
    expect(secretsOf(`,${LONG_A},, ,`)).toEqual([LONG_A]);
  });

  it('refuses a value with no secret at all, naming the variable', () => {
    for (const value of ['', ',', ' , ,']) expect(refusal(value)).toMatch(/CALLMYCALL_WEBHOOK_SECRET/);
  });

  it(`refuses any secret shorter than ${MIN_WEBHOOK_SECRET_LENGTH} characters, without showing it`, () => {
    expect(MIN_WEBHOOK_SECRET_LENGTH).toBe(24);
    const short = 'whsec_x';
    const message = refusal(`${LONG_A},${short}`);
    expect(message).toMatch(/CALLMYCALL_WEBHOOK_SECRET/);
    expect(message).toMatch(/24 characters/);
    expect(message).not.toContain(short);
    expect(message).not.toContain(LONG_A);
    // Exactly the minimum is enough; one less is not.
    expect(secretsOf('x'.repeat(24))).toHaveLength(1);
    expect(refusal('y'.repeat(23))).not.toContain('y'.repeat(23));
  });
});
