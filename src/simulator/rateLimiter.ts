/**
 * A token bucket: `capacity` requests at once, refilled at `refillPerSecond`.
 * `take()` answers how many whole seconds to wait when the bucket is empty,
 * which becomes the 429's Retry-After header.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.updatedAt) / 1000) * this.refillPerSecond,
    );
    this.updatedAt = now;
  }

  /** Takes one token: `{ ok: true }`, or `{ ok: false, retryAfterSeconds }` (at least 1). */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerSecond)) };
  }

  reset(): void {
    this.tokens = this.capacity;
    this.updatedAt = this.now();
  }
}
