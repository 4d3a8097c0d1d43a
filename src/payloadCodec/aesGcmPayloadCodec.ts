import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { CodecKeyring } from './codecKeys.js';
import { payloadFromJson, payloadToJson } from './payloadJson.js';

/** The `encoding` of an encrypted payload; anything else is passed through as it is. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The payload metadata header naming the key a payload was encrypted with. */
export const KEY_ID_HEADER = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload this codec cannot decrypt; the message names the key id, never a key. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/**
 * AES-256-GCM over the whole payload (its metadata and data), with a fresh 12-byte IV
 * per payload: data = IV || ciphertext || tag. The key id is authenticated as
 * additional data, so moving a payload to another key id fails instead of decrypting.
 * It runs in the client and the worker (dataConverter.payloadCodecs), never inside the
 * workflow sandbox, so workflows stay deterministic and see plain values.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: CodecKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keyring.encryptWith;
    if (!key) return payloads;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.key, iv);
      cipher.setAAD(Buffer.from(key.id, 'utf8'));
      const plaintext = Buffer.from(JSON.stringify(payloadToJson(payload)), 'utf8');
      const sealed = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_HEADER]: Buffer.from(key.id),
        },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  /** Whether a payload is one this codec would decrypt (the rest pass through). */
  static isEncrypted(payload: Payload): boolean {
    return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
  }

  private decodeOne(payload: Payload): Payload {
    // Payloads written before the codec was on (or by the replay fixtures) stay readable.
    if (!AesGcmPayloadCodec.isEncrypted(payload)) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_HEADER]);
    if (!keyId) {
      throw new PayloadDecryptionError(`an encrypted payload has no "${KEY_ID_HEADER}" header`);
    }
    const key = this.keyring.byId.get(keyId);
    if (!key) {
      const held = [...this.keyring.byId.keys()].map((id) => `"${id}"`).join(', ');
      throw new PayloadDecryptionError(
        `a payload is encrypted with key id "${keyId.slice(0, 64)}", which ${this.keyring.source} does not hold ` +
          `(${held ? `it holds ${held}` : 'it holds no keys'}); add that key to ${this.keyring.source} to read it`,
      );
    }
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`a payload encrypted with key id "${keyId}" is truncated`);
    }
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      plaintext = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload encrypted with key id "${keyId}" failed authentication: it was altered, or the key under that id changed`,
      );
    }
    return payloadFromJson(JSON.parse(plaintext.toString('utf8')), 'decrypted payload');
  }
}
