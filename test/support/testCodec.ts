import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
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
