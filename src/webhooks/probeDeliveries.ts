/**
 * `cmc doctor`'s webhook probe, receiver side. Doctor asks CallMyCall
 * (POST /v1/webhook/test) to deliver to `<WEBHOOK_PUBLIC_URL>/webhook-probe/<nonce>`,
 * then asks this receiver, at the same URL, whether that delivery arrived and verified.
 *
 * The nonce is 128 random bits chosen by doctor, so the answer only tells someone who
 * already knows it whether their own probe came through; it carries no event data, and
 * probes never reach Temporal. In-process memory only: behind a load balancer with
 * several receivers, the GET may land on one that did not get the POST (doctor says so).
 */
export type ProbeOutcome = 'verified' | 'signature_rejected';

/** base64url of 16 to 48 random bytes: what doctor sends, and nothing else. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
const PROBE_PREFIX = '/webhook-probe/';

/** Probes remembered at once; the oldest go first, so a flood can only evict, never forge. */
const MAX_PROBES = 256;
/** Long enough for CallMyCall's retries and doctor's read-back. */
const PROBE_TTL_MS = 10 * 60_000;

/** The nonce of a probe path, or undefined for any other path. */
export function probeNonce(path: string): string | undefined {
  if (!path.startsWith(PROBE_PREFIX)) return undefined;
  const nonce = path.slice(PROBE_PREFIX.length);
  return NONCE_PATTERN.test(nonce) ? nonce : undefined;
}

/** The probe path for a nonce (doctor appends it to WEBHOOK_PUBLIC_URL). */
export function probePath(nonce: string): string {
  if (!NONCE_PATTERN.test(nonce)) throw new RangeError('probe nonce must be 22-64 base64url characters');
  return `${PROBE_PREFIX}${nonce}`;
}

export class ProbeDeliveries {
  private readonly seen = new Map<string, { outcome: ProbeOutcome; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A verified probe stays verified: a later bad POST to the same nonce cannot downgrade it. */
  record(nonce: string, outcome: ProbeOutcome): void {
    this.forgetExpired();
    const previous = this.seen.get(nonce);
    if (previous?.outcome === 'verified') return;
    this.seen.delete(nonce);
    this.seen.set(nonce, { outcome, at: this.now() });
    while (this.seen.size > MAX_PROBES) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }

  lookup(nonce: string): { outcome: ProbeOutcome; at: string } | undefined {
    this.forgetExpired();
    const entry = this.seen.get(nonce);
    return entry && { outcome: entry.outcome, at: new Date(entry.at).toISOString() };
  }

  private forgetExpired(): void {
    const cutoff = this.now() - PROBE_TTL_MS;
    for (const [nonce, entry] of this.seen) {
      if (entry.at >= cutoff) break;
      this.seen.delete(nonce);
    }
  }
}
