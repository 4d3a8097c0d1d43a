import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CallMyCall signs webhooks with `X-Callmycall-Signature: t=<unix seconds>,v1=<hex>`.
 * The API reference does not name the signed string, so this project uses the
 * common convention (Stripe's): HMAC_SHA256(secret, `${t}.${rawBody}`), hex encoded.
 * This file is the only place that knows it; the simulator signs with it and the
 * webhook receiver verifies with it.
 */
export const SIGNATURE_HEADER = 'x-callmycall-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The full header value for a body signed now (or at `timestamp`). */
export function signatureHeader(
  secret: string,
  rawBody: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, rawBody)}`;
}

export type SignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'stale'
  | 'bad_signature'
  | 'no_secret';

export type SignatureVerification =
  /** `signature` is the `v1` value that matched (lower case): with `timestamp` it names one delivery. */
  { ok: true; timestamp: number; signature: string } | { ok: false; reason: SignatureFailure };

export interface VerifyOptions {
  /** One secret, or several while a secret is being rotated. */
  secrets: string | readonly string[];
  /** Largest accepted distance between `t` and now, in either direction. */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

interface ParsedHeader {
  timestamp: number;
  signatures: string[];
}

function parseHeader(header: string): ParsedHeader | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return undefined;
      signatures.push(value.toLowerCase());
    }
    // Unknown schemes (v0, v2...) are ignored, as signature schemes evolve.
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

export type HeaderCheck =
  | { ok: true; timestamp: number; signatures: string[] }
  | { ok: false; reason: 'missing_header' | 'malformed_header' | 'stale' };

/**
 * Checks the header's shape and timestamp only. It needs no body, so a receiver can
 * refuse an unsigned or stale request before reading (or waiting for) its body.
 */
export function checkSignatureHeader(
  header: string | undefined | null,
  options: Pick<VerifyOptions, 'toleranceSeconds' | 'nowSeconds'> = {},
): HeaderCheck {
  if (header === undefined || header === null || header.trim() === '') {
    return { ok: false, reason: 'missing_header' };
  }
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed_header' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > tolerance) return { ok: false, reason: 'stale' };
  return { ok: true, ...parsed };
}

/**
 * Verifies a webhook against the raw request body. Accepts any one of several
 * `v1=` values and any one of several secrets; compares in constant time.
 */
export function verifySignature(
  header: string | undefined | null,
  rawBody: string | Buffer,
  options: VerifyOptions,
): SignatureVerification {
  const parsed = checkSignatureHeader(header, options);
  if (!parsed.ok) return parsed;

  // An empty key is public knowledge: a signature made with it proves nothing.
  const secrets = (typeof options.secrets === 'string' ? [options.secrets] : options.secrets).filter(
    (secret) => secret.trim() !== '',
  );
  if (secrets.length === 0) return { ok: false, reason: 'no_secret' };
  for (const secret of secrets) {
    const expected = Buffer.from(computeSignature(secret, parsed.timestamp, rawBody), 'hex');
    for (const candidate of parsed.signatures) {
      const given = Buffer.from(candidate, 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        return { ok: true, timestamp: parsed.timestamp, signature: candidate };
      }
    }
  }
  return { ok: false, reason: 'bad_signature' };
}
