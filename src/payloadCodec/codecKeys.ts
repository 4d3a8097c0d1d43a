import { ConfigError } from '../config/env.js';

/** The variable that holds the payload encryption keys: `id:base64,id:base64`, the first encrypts. */
export const CODEC_KEYS_VARIABLE = 'CMC_CODEC_KEYS';

export interface CodecKey {
  id: string;
  /** 32 bytes, AES-256. Never logged, printed or put in an error. */
  key: Buffer;
}

/**
 * The keys a codec holds: the one new payloads are encrypted with, and every key that
 * may still decrypt older ones. Rotation prepends a new key and keeps the old ones.
 */
export interface CodecKeyring {
  /** Undefined when no keys are configured: payloads are then written in plain text. */
  encryptWith: CodecKey | undefined;
  byId: ReadonlyMap<string, CodecKey>;
  /** Where the keys came from (a variable or file name), for messages. */
  source: string;
}

export const KEY_BYTES = 32;
// Key ids travel in every payload header and in error messages: short, printable, no secrets.
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const CANONICAL_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** No keys: encoding passes payloads through, decoding an encrypted one names its key id. */
export function emptyKeyring(source: string = CODEC_KEYS_VARIABLE): CodecKeyring {
  return { encryptWith: undefined, byId: new Map(), source };
}

/**
 * Parses `k2:<base64>,k1:<base64>` (commas or newlines between entries). Errors name
 * the source and the entry's position or key id, never the key material, since a
 * malformed entry may be a key pasted in the wrong place.
 */
export function parseCodecKeys(raw: string, source: string = CODEC_KEYS_VARIABLE): CodecKeyring {
  const entries = raw
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new ConfigError(`${source}: no keys; expected "<id>:<base64 32-byte key>[,<id>:<key>...]"`);
  }
  const byId = new Map<string, CodecKey>();
  const keys = entries.map((entry, index) => {
    const position = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      throw new ConfigError(`${source}: ${position} is not "<id>:<base64 32-byte key>"`);
    }
    const id = entry.slice(0, colon).trim();
    const material = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      throw new ConfigError(
        `${source}: ${position} has an invalid key id (1-64 characters from A-Z a-z 0-9 . _ -)`,
      );
    }
    if (byId.has(id)) throw new ConfigError(`${source}: key id "${id}" appears twice`);
    const bytes = Buffer.from(material, 'base64');
    // Buffer.from ignores bad characters silently: insist on the canonical spelling.
    if (!CANONICAL_BASE64.test(material) || bytes.toString('base64') !== material) {
      throw new ConfigError(`${source}: key "${id}" is not valid base64`);
    }
    if (bytes.length !== KEY_BYTES) {
      throw new ConfigError(
        `${source}: key "${id}" is ${bytes.length} bytes; AES-256 needs exactly ${KEY_BYTES} (e.g. \`openssl rand -base64 32\`)`,
      );
    }
    const key = { id, key: bytes };
    byId.set(id, key);
    return key;
  });
  return { encryptWith: keys[0], byId, source };
}

/** The key ids, encrypting key first, for start-up lines and errors. */
export function describeKeyring(keyring: CodecKeyring): string {
  if (!keyring.encryptWith) return 'off (no keys: payloads are stored in plain text)';
  const older = [...keyring.byId.keys()].filter((id) => id !== keyring.encryptWith?.id);
  return `encrypts with "${keyring.encryptWith.id}"${older.length ? `; also decrypts ${older.map((id) => `"${id}"`).join(', ')}` : ''} (from ${keyring.source})`;
}
