import { z } from 'zod';
import { HttpError, readJsonObject, sendJson } from './http.js';
import { newVerificationId } from './ids.js';
import type { RouteContext } from './router.js';
import { E164 } from './startCallRequest.js';

/** Simulated time a verification stays pending before it succeeds. */
export const VERIFICATION_MS = 2_000;

interface Verification {
  id: string;
  phoneNumber: string;
  startedAt: number;
  status: 'pending' | 'verified';
}

/**
 * Caller IDs this API key may use as `from_number`. Verification always succeeds
 * after VERIFICATION_MS / speed of real time; it is promoted lazily on every read,
 * so no timer is needed.
 */
export class CallerIdRegistry {
  private readonly verifications = new Map<string, Verification>();
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly speed: number,
    private readonly now: () => number = Date.now,
  ) {}

  private refresh(): void {
    for (const verification of this.verifications.values()) {
      if (
        verification.status === 'pending' &&
        this.now() - verification.startedAt >= VERIFICATION_MS / this.speed
      ) {
        verification.status = 'verified';
        this.verified.set(verification.phoneNumber, new Date().toISOString());
      }
    }
  }

  start(phoneNumber: string): Verification {
    const verification: Verification = {
      id: newVerificationId(),
      phoneNumber,
      startedAt: this.now(),
      status: 'pending',
    };
    this.verifications.set(verification.id, verification);
    return verification;
  }

  find(id: string): Verification | undefined {
    this.refresh();
    return this.verifications.get(id);
  }

  list(): Array<{ phone_number: string; verified_at: string }> {
    this.refresh();
    return [...this.verified].map(([phone_number, verified_at]) => ({ phone_number, verified_at }));
  }

  isVerified(phoneNumber: string): boolean {
    this.refresh();
    return this.verified.has(phoneNumber);
  }

  remove(phoneNumber: string): boolean {
    this.refresh();
    for (const [id, verification] of this.verifications) {
      if (verification.phoneNumber === phoneNumber) this.verifications.delete(id);
    }
    return this.verified.delete(phoneNumber);
  }

  reset(): void {
    this.verifications.clear();
    this.verified.clear();
  }
}

const verifySchema = z.object({
  phone_number: z
    .string({ error: 'phone_number is required' })
    .regex(E164, { error: 'phone_number must be E.164 (e.g. +46123456789)' }),
});

export async function startVerification({ req, res, sim }: RouteContext): Promise<void> {
  const body = await readJsonObject(req);
  const result = verifySchema.safeParse(body);
  if (!result.success) throw new HttpError(400, result.error.issues[0]?.message ?? 'Invalid request body');
  const verification = sim.callerIds.start(result.data.phone_number);
  sendJson(res, 200, {
    success: true,
    verification_id: verification.id,
    status: verification.status,
    phone_number: verification.phoneNumber,
  });
}

export function verificationStatus({ res, params, sim }: RouteContext): void {
  const verification = sim.callerIds.find(params.id ?? '');
  if (!verification) throw new HttpError(404, 'Verification not found');
  sendJson(res, 200, {
    success: true,
    verification_id: verification.id,
    phone_number: verification.phoneNumber,
    status: verification.status,
  });
}

export function listVerifiedCallerIds({ res, sim }: RouteContext): void {
  sendJson(res, 200, { caller_ids: sim.callerIds.list() });
}

export function deleteVerifiedCallerId({ res, params, sim }: RouteContext): void {
  const phoneNumber = params.phoneNumber ?? '';
  if (!sim.callerIds.remove(phoneNumber)) throw new HttpError(404, 'Caller ID not found');
  sendJson(res, 200, { success: true, phone_number: phoneNumber });
}
