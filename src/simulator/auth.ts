import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';

export const MISSING_KEY_MESSAGE = 'Authorization header with API key is required';
export const INVALID_KEY_MESSAGE = 'Invalid API key';

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key from `Authorization: Bearer <key>`, or undefined when the header is absent or not Bearer. */
export function bearerKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim() || undefined;
}

/**
 * Throws the reference's 401 unless the request carries the API key. `queryKey` is the
 * `api_key` query value, accepted only where the reference allows it (calendar start).
 */
export function requireApiKey(req: IncomingMessage, expected: string, queryKey?: string | null): void {
  const given = bearerKey(req) ?? (queryKey || undefined);
  if (given === undefined) throw new HttpError(401, MISSING_KEY_MESSAGE);
  if (!sameKey(given, expected)) throw new HttpError(401, INVALID_KEY_MESSAGE);
}
