import type { VerifiedCallerIdsResponse, VerifyCallerIdResponse } from '../callmycall/schemas.js';

export interface VerifiedCallerId {
  phoneNumber: string;
  verifiedAt?: string;
}

/**
 * The numbers in GET /v1/verified-caller-ids. The reference shows no response body, so
 * both shapes seen are read: a bare array (of numbers or objects) or `{ caller_ids: [...] }`.
 * Entries without a number are left out.
 */
export function verifiedCallerIds(response: VerifiedCallerIdsResponse): VerifiedCallerId[] {
  const entries: unknown[] = Array.isArray(response) ? response : (response.caller_ids ?? []);
  return entries.flatMap((entry): VerifiedCallerId[] => {
    if (typeof entry === 'string') return [{ phoneNumber: entry }];
    if (typeof entry !== 'object' || entry === null) return [];
    const record = entry as Record<string, unknown>;
    const phone = record.phone_number ?? record.phoneNumber;
    if (typeof phone !== 'string') return [];
    const at = record.verified_at ?? record.created_at;
    return [{ phoneNumber: phone, ...(typeof at === 'string' ? { verifiedAt: at } : {}) }];
  });
}

/** The id to poll in a verify-caller-id answer, which the reference leaves unnamed. */
export function verificationIdOf(response: VerifyCallerIdResponse): string | undefined {
  return response.verification_id ?? response.id;
}

/** What a verification id may look like before it is put in a URL path. */
export const VERIFICATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
