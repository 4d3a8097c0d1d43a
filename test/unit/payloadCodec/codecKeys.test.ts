import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/env.js';
import { describeKeyring, parseCodecKeys } from '../../../src/payloadCodec/codecKeys.js';

const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');

function failure(raw: string): Error {
  try {
    parseCodecKeys(raw);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseCodecKeys to refuse the value');
}

describe('CMC_CODEC_KEYS parsing', () => {
  it('reads id:key pairs, the first encrypting and all decrypting', () => {
    const keyring = parseCodecKeys(` k2:${K2} ,\nk1:${K1}\n`);
    expect(keyring.encryptWith?.id).toBe('k2');
    expect([...keyring.byId.keys()]).toEqual(['k2', 'k1']);
    expect(keyring.byId.get('k1')?.key.equals(Buffer.from(K1, 'base64'))).toBe(true);
    expect(describeKeyring(keyring)).toBe('encrypts with "k2"; also decrypts "k1" (from CMC_CODEC_KEYS)');
  });

  const hostile: Array<[string, string, RegExp]> = [
    ['empty', ' , ,', /no keys/],
    ['no colon (a bare key pasted in)', K1, /entry 1 is not "<id>:<base64 32-byte key>"/],
    ['bad base64', `k1:${K1.slice(0, -4)}!!!=`, /key "k1" is not valid base64/],
    ['base64 with junk Buffer.from would skip', `k1:${K1.slice(0, 10)} ${K1.slice(10)}`, /not valid base64/],
    [
      '16-byte key',
      `k1:${randomBytes(16).toString('base64')}`,
      /key "k1" is 16 bytes; AES-256 needs exactly 32/,
    ],
    ['64-byte key', `k1:${randomBytes(64).toString('base64')}`, /is 64 bytes/],
    ['duplicate id', `k1:${K1},k1:${K2}`, /key id "k1" appears twice/],
    ['empty id', `:${K1}`, /entry 1 has an invalid key id/],
    ['id with control characters', `k\u00001:${K1}`, /entry 1 has an invalid key id/],
    ['id too long', `${'x'.repeat(65)}:${K1}`, /invalid key id/],
    ['second entry bad', `k1:${K1},oops`, /entry 2 is not/],
  ];
  for (const [name, raw, message] of hostile) {
    it(`refuses ${name} with the variable named and no key material`, () => {
      const error = failure(raw);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^CMC_CODEC_KEYS: /);
      expect(error.message).toMatch(message);
      for (const secret of [K1, K2, K1.slice(0, 12), K2.slice(0, 12)])
        expect(error.message).not.toContain(secret);
    });
  }
});
