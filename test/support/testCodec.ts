import { randomBytes } from 'node:crypto';
import type { DataConverter, Payload } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../src/payloadCodec/aesGcmPayloadCodec.js';
import { parseCodecKeys } from '../../src/payloadCodec/codecKeys.js';
import { dataConverterFor } from '../../src/temporal/dataConverter.js';

/**
 * The payload keys every test client and worker use, fresh per test file: the integration
 * suite runs encrypted, like a deployment with CMC_CODEC_KEYS set. CLI children get the
 * same value through their environment (test/support/cli.ts).
 */
export const TEST_CODEC_KEYS = `test-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`;

export function testDataConverter(): DataConverter {
  return dataConverterFor(parseCodecKeys(TEST_CODEC_KEYS));
}

/**
 * The bytes of every encrypted payload in `history`, decrypted with the suite's keys:
 * what the history carries for whoever holds the keys (latin1, one string).
 */
export async function decryptedPayloadText(history: unknown): Promise<string> {
  const encrypted: Payload[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Payload & Record<string, unknown>;
    if (record.data instanceof Uint8Array && AesGcmPayloadCodec.isEncrypted(record)) encrypted.push(record);
    else for (const value of Object.values(record)) walk(value);
  };
  walk(history);
  const codec = new AesGcmPayloadCodec(parseCodecKeys(TEST_CODEC_KEYS));
  const decoded = await codec.decode(encrypted);
  return decoded.map((payload) => Buffer.from(payload.data ?? []).toString('latin1')).join('\n');
}
