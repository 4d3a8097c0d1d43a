import type { Payload } from '@temporalio/common';

/**
 * A payload as Temporal's remote codec protocol writes it (proto3 JSON): metadata
 * values and data in base64. The codec server reads it from untrusted HTTP bodies, and
 * the encryption codec uses it as the plaintext it encrypts, so the payload's own
 * metadata (its encoding) is sealed with its data.
 */
export interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

export class PayloadShapeError extends Error {
  override readonly name = 'PayloadShapeError';
}

// Standard or URL-safe base64, padded or not: proto3 JSON parsers accept both.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64Bytes(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new PayloadShapeError(`${where} must be a base64 string`);
  }
  return new Uint8Array(
    Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64'),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function payloadToJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Parses one payload from untrusted JSON; a wrong shape is a PayloadShapeError saying where. */
export function payloadFromJson(value: unknown, where = 'payload'): Payload {
  if (!isPlainObject(value)) throw new PayloadShapeError(`${where} must be an object`);
  const metadata: Record<string, Uint8Array> = {};
  if (value.metadata !== undefined && value.metadata !== null) {
    if (!isPlainObject(value.metadata)) throw new PayloadShapeError(`${where}.metadata must be an object`);
    for (const [key, entry] of Object.entries(value.metadata)) {
      metadata[key] = base64Bytes(entry, `${where}.metadata["${key.slice(0, 64)}"]`);
    }
  }
  const data = value.data === undefined || value.data === null ? '' : value.data;
  return { metadata, data: base64Bytes(data, `${where}.data`) };
}

/** `{ payloads: [...] }`, the body of a codec request and of its answer. */
export function payloadsFromJsonBody(body: unknown): Payload[] {
  if (!isPlainObject(body) || !Array.isArray(body.payloads)) {
    throw new PayloadShapeError('the body must be a JSON object {"payloads": [...]}');
  }
  return body.payloads.map((payload, index) => payloadFromJson(payload, `payloads[${index}]`));
}
