import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_HEADER,
  PayloadDecryptionError,
} from '../../../src/payloadCodec/aesGcmPayloadCodec.js';
import { emptyKeyring, parseCodecKeys } from '../../../src/payloadCodec/codecKeys.js';

const key = () => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const PERSONAL = { phone: '+46701234567', task: 'Confirm the dentist appointment for Anna Svensson' };

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload, metadata included, and hides its content', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(`k1:${K1}`));
    const original = plain(PERSONAL);
    const [encrypted] = await codec.encode([original]);
    expect(text(encrypted?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted?.metadata?.[KEY_ID_HEADER])).toBe('k1');
    expect(Object.keys(encrypted?.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_HEADER].sort());
    const bytes = Buffer.from(encrypted?.data ?? []).toString('latin1');
    expect(bytes).not.toContain('46701234567');
    expect(bytes).not.toContain('dentist');
    const [decoded] = await codec.decode([encrypted as Payload]);
    expect(text(decoded?.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded as Payload)).toEqual(PERSONAL);
  });

  it('uses a fresh IV per payload: the same value never encrypts the same way twice', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(`k1:${K1}`));
    const [a, b] = await codec.encode([plain(PERSONAL), plain(PERSONAL)]);
    expect(Buffer.from(a?.data ?? []).subarray(0, 12)).not.toEqual(
      Buffer.from(b?.data ?? []).subarray(0, 12),
    );
    expect(Buffer.from(a?.data ?? [])).not.toEqual(Buffer.from(b?.data ?? []));
  });

  it('rotates: a new first key encrypts, the old one still decrypts what it wrote', async () => {
    const before = new AesGcmPayloadCodec(parseCodecKeys(`k1:${K1}`));
    const after = new AesGcmPayloadCodec(parseCodecKeys(`k2:${K2},k1:${K1}`));
    const [old] = await before.encode([plain('written before rotation')]);
    const [fresh] = await after.encode([plain('written after rotation')]);
    expect(text(fresh?.metadata?.[KEY_ID_HEADER])).toBe('k2');
    const decoded = await after.decode([old as Payload, fresh as Payload]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      'written before rotation',
      'written after rotation',
    ]);
  });

  it('refuses tampered ciphertext, a swapped key id and a truncated payload', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(`k2:${K2},k1:${K1}`));
    const [encrypted] = (await codec.encode([plain(PERSONAL)])) as [Payload];
    const flipped = Buffer.from(encrypted.data ?? []);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...encrypted, data: flipped }])).rejects.toThrow(
      /key id "k2" failed authentication/,
    );
    // Relabelling a payload with another held key id must not decrypt (the key id is authenticated).
    const relabelled = {
      ...encrypted,
      metadata: { ...encrypted.metadata, [KEY_ID_HEADER]: Buffer.from('k1') },
    };
    await expect(codec.decode([relabelled])).rejects.toBeInstanceOf(PayloadDecryptionError);
    await expect(codec.decode([{ ...encrypted, data: new Uint8Array(5) }])).rejects.toThrow(/truncated/);
    const noHeader = { ...encrypted, metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) } };
    await expect(codec.decode([noHeader])).rejects.toThrow(/no "encryption-key-id" header/);
  });

  it('names an unknown key id, never a key', async () => {
    const writer = new AesGcmPayloadCodec(parseCodecKeys(`gone:${K1}`));
    const reader = new AesGcmPayloadCodec(parseCodecKeys(`k2:${K2}`));
    const [encrypted] = (await writer.encode([plain(PERSONAL)])) as [Payload];
    const error = (await reader.decode([encrypted]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect(error.message).toContain('key id "gone"');
    expect(error.message).toContain('CMC_CODEC_KEYS');
    expect(error.message).not.toContain(K1);
    expect(error.message).not.toContain(K2);
    const keyless = new AesGcmPayloadCodec(emptyKeyring());
    await expect(keyless.decode([encrypted])).rejects.toThrow(/key id "gone".*holds no keys/);
  });

  it('passes plain payloads through on decode, and everything through on encode without keys', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(`k1:${K1}`));
    const payloads = [plain(PERSONAL), plain(undefined), plain(new Uint8Array([1, 2, 3]))];
    expect(await codec.decode(payloads)).toEqual(payloads);
    const keyless = new AesGcmPayloadCodec(emptyKeyring());
    expect(await keyless.encode(payloads)).toEqual(payloads);
    expect(await keyless.decode(payloads)).toEqual(payloads);
  });
});
