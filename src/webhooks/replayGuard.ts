/**
 * Remembers the deliveries this receiver has handed to Temporal, so an exact replay
 * (the same `t` and `v1`) within the signature's tolerance window is not signalled a
 * second time. A delivery is remembered only once Temporal accepted its signal: one
 * that got a 503 must still be accepted when CallMyCall retries it.
 *
 * In-process only. Several receivers behind a load balancer each have their own; the
 * call workflow also drops a duplicate event, so a replay that reaches another
 * receiver (or outlives an eviction) is absorbed there.
 */
export interface ReplayGuardOptions {
  /** The signature tolerance: after `t + windowSeconds` a replay is refused as stale anyway. */
  windowSeconds: number;
  /** Most deliveries remembered; the oldest are forgotten first. */
  maxEntries?: number;
}

export type DeliveryClaim = 'new' | 'replay' | 'in_flight';

/** Room for ~160 deliveries a second over a 5-minute window, in a few MB. */
const DEFAULT_MAX_ENTRIES = 50_000;

export class ReplayGuard {
  /** delivery key -> unix second after which it can be forgotten; in insertion order. */
  private readonly accepted = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly maxEntries: number;

  constructor(private readonly options: ReplayGuardOptions) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** Claims a delivery for handling; a `new` claim must be followed by `settle`. */
  claim(key: string, nowSeconds: number): DeliveryClaim {
    this.forgetExpired(nowSeconds);
    const expires = this.accepted.get(key);
    if (expires !== undefined && expires >= nowSeconds) return 'replay';
    if (this.inFlight.has(key)) return 'in_flight';
    this.inFlight.add(key);
    return 'new';
  }

  /** Ends a claim; `acceptedAt` (the delivery's `t`) when Temporal took the signal. */
  settle(key: string, acceptedAt?: number): void {
    this.inFlight.delete(key);
    if (acceptedAt === undefined) return;
    this.accepted.delete(key);
    this.accepted.set(key, acceptedAt + this.options.windowSeconds);
    while (this.accepted.size > this.maxEntries) {
      const oldest = this.accepted.keys().next().value;
      if (oldest === undefined) break;
      this.accepted.delete(oldest);
    }
  }

  get size(): number {
    return this.accepted.size;
  }

  /** Entries arrive roughly in `t` order, so expired ones sit at the front. */
  private forgetExpired(nowSeconds: number): void {
    for (const [key, expires] of this.accepted) {
      if (expires >= nowSeconds) break;
      this.accepted.delete(key);
    }
  }
}
