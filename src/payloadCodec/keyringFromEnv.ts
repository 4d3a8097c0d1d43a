import type { Env } from '../config/env.js';
import { isLoopbackHost } from '../config/loopback.js';
import { CODEC_KEYS_VARIABLE, type CodecKeyring, emptyKeyring, parseCodecKeys } from './codecKeys.js';
import { readLocalCodecKeyFile } from './localCodecKeyFile.js';

export type CodecEnv = Pick<Env, 'CMC_CODEC_KEYS' | 'CMC_DATA_DIR' | 'TEMPORAL_ADDRESS'>;

/** Answers the ID of the namespace this process talks to (DescribeNamespace). */
export type NamespaceIdLookup = () => Promise<string | undefined>;

function temporalHost(address: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  if (bracketed?.[1]) return bracketed[1];
  return address.split(':')[0] ?? address;
}

/**
 * The keys CMC_CODEC_KEYS holds, or undefined when it is unset or blank. Synchronous,
 * so commands check it before they connect; a malformed value is a ConfigError naming
 * the variable, never a key.
 */
export function configuredKeyring(env: Pick<Env, 'CMC_CODEC_KEYS'>): CodecKeyring | undefined {
  const configured = env.CMC_CODEC_KEYS?.trim();
  return configured ? parseCodecKeys(configured, CODEC_KEYS_VARIABLE) : undefined;
}

/**
 * Which keys this process encrypts and decrypts Temporal payloads with:
 * 1. CMC_CODEC_KEYS when set (a deployment's keys; see docs/COMPLIANCE.md);
 * 2. else the local stack's key file (`cmc dev` / `npm run demo` create it) while
 *    Temporal is on loopback and, when `namespaceId` is given, only if it is the
 *    namespace the file was made for;
 * 3. else no keys: payloads are written in plain text, and an encrypted one fails to
 *    decode with its key id named.
 */
export async function keyringFromEnv(env: CodecEnv, namespaceId?: NamespaceIdLookup): Promise<CodecKeyring> {
  const configured = configuredKeyring(env);
  if (configured) return configured;
  if (!isLoopbackHost(temporalHost(env.TEMPORAL_ADDRESS))) return emptyKeyring();
  const local = readLocalCodecKeyFile(env.CMC_DATA_DIR);
  if (!local) return emptyKeyring();
  if (namespaceId && (local.namespaceId === undefined || (await namespaceId()) !== local.namespaceId)) {
    return emptyKeyring();
  }
  return parseCodecKeys(local.keys, local.file);
}
