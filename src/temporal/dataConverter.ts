import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../payloadCodec/aesGcmPayloadCodec.js';
import type { CodecKeyring } from '../payloadCodec/codecKeys.js';
import { type CodecEnv, keyringFromEnv, type NamespaceIdLookup } from '../payloadCodec/keyringFromEnv.js';

/**
 * The failure converter module (see encodedFailureConverter.cjs). `npm run build` copies
 * it beside the compiled code; from src/ (tests, tsx) it is used where it is.
 */
export function failureConverterPath(): string {
  const beside = fileURLToPath(new URL('./encodedFailureConverter.cjs', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../src/temporal/encodedFailureConverter.cjs', import.meta.url));
}

/**
 * The data converter of every Temporal client and worker this project creates: the
 * AES-GCM payload codec with `keyring`, and failures whose messages are encoded payloads.
 * The same failureConverterPath must go to bundleWorkflowCode (src/temporal/workflowBundle.ts).
 */
export function dataConverterFor(keyring: CodecKeyring): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(keyring)],
    failureConverterPath: failureConverterPath(),
  };
}

/** dataConverterFor the keys the environment names (src/payloadCodec/keyringFromEnv.ts). */
export async function dataConverterFromEnv(
  env: CodecEnv,
  namespaceId?: NamespaceIdLookup,
): Promise<DataConverter> {
  return dataConverterFor(await keyringFromEnv(env, namespaceId));
}
