import { HttpError } from './http.js';

/**
 * The billing rule. The reference gives only examples ("2-minute call ≈ 4
 * credits", "45-second call ≈ 2 credits", rounded up, no fixed minimum), so the
 * simulator charges one credit per started 30 seconds of connected time.
 * Calls that never connect (busy, no-answer, failed, canceled) cost nothing.
 */
export const SECONDS_PER_CREDIT = 30;

export function creditsForConnectedSeconds(seconds: number): number {
  return seconds > 0 ? Math.ceil(seconds / SECONDS_PER_CREDIT) : 0;
}

/** The account balance and the credit guard start-call applies before placing a call. */
export class CreditLedger {
  private current: number;

  constructor(
    private readonly initial: number,
    readonly minimum: number,
  ) {
    this.current = initial;
  }

  get balance(): number {
    return this.current;
  }

  set(balance: number): void {
    this.current = balance;
  }

  reset(): void {
    this.current = this.initial;
  }

  /** Throws the reference's 402 when the balance is below the minimum. */
  guardStartCall(): void {
    if (this.current < this.minimum) {
      throw new HttpError(402, 'Insufficient credits', {
        credits_balance: this.current,
        minimum_required: this.minimum,
      });
    }
  }

  /** Deducts a finished call's charge; like a real account it may go below zero. */
  charge(credits: number): void {
    this.current -= credits;
  }
}
