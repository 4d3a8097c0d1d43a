import { performance } from 'node:perf_hooks';
import { SIGNATURE_HEADER, signatureHeader } from '../callmycall/webhookSignature.js';
import type { Logger } from '../logging/logger.js';
import { sleep } from './timers.js';

/**
 * The reference's delivery contract, exactly: success on any 2xx; at most 3
 * attempts; retry on network errors (including the per-attempt timeout) and 5xx
 * only; 600 ms then 1200 ms between attempts, in real time whatever `speed` is.
 */
export const MAX_ATTEMPTS = 3;
export const RETRY_DELAYS_MS = [600, 1200] as const;

/** One attempt, as GET /_sim/webhook-deliveries shows it. */
export interface DeliveryAttempt {
  url: string;
  event: string;
  sid: string;
  attempt: number;
  /** The receiver's HTTP status, or null for a network error or timeout. */
  status: number | null;
  /** When the attempt started (ISO). */
  at: string;
  ms: number;
  error?: string;
}

export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  status: number | null;
  error?: string;
}

/** Where a URL points, without its query string, which may hold secrets. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '[invalid url]';
  }
}

export class WebhookDeliverer {
  readonly attempts: DeliveryAttempt[] = [];
  private controller = new AbortController();

  constructor(
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Delivers one signed body under the contract; never throws. */
  async deliver(url: string, event: string, sid: string, body: string): Promise<DeliveryResult> {
    const shutdown = this.controller.signal;
    let last: DeliveryResult = { delivered: false, attempts: 0, status: null };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      if (shutdown.aborted) return last;
      const outcome = await this.attempt(url, body, shutdown);
      if (shutdown.aborted) return last; // reset/close mid-attempt: not an attempt worth reporting
      const record: DeliveryAttempt = { url, event, sid, attempt, ...outcome };
      this.attempts.push(record);
      this.logger.info(
        {
          url: redactUrl(url),
          event,
          sid,
          attempt,
          status: outcome.status,
          ms: outcome.ms,
          error: outcome.error,
        },
        'webhook delivery attempt',
      );
      last = { delivered: false, attempts: attempt, status: outcome.status, error: outcome.error };
      if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
        return { ...last, delivered: true };
      }
      // A 4xx (or a 3xx: redirects are not followed) is the receiver's answer: retrying will not change it.
      if (outcome.status !== null && outcome.status < 500) return last;
      const delay = RETRY_DELAYS_MS[attempt - 1];
      if (delay === undefined) return last;
      try {
        await sleep(delay, shutdown);
      } catch {
        return last;
      }
    }
    return last;
  }

  private async attempt(
    url: string,
    body: string,
    shutdown: AbortSignal,
  ): Promise<{ status: number | null; at: string; ms: number; error?: string }> {
    const at = new Date().toISOString();
    const started = performance.now();
    // One controller per attempt, aborted by its own timer or by reset/close. (A plain
    // timer rather than AbortSignal.any(AbortSignal.timeout()), whose composite signal
    // can be garbage-collected before it fires on Node 20, leaving an attempt hanging.)
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onShutdown = () => controller.abort();
    shutdown.addEventListener('abort', onShutdown, { once: true });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'CallMyCall-Simulator/1.0',
          [SIGNATURE_HEADER]: signatureHeader(this.secret, body),
        },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, at, ms: Math.round(performance.now() - started) };
    } catch (error) {
      const message = timedOut
        ? `timed out after ${this.timeoutMs} ms`
        : error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      return { status: null, at, ms: Math.round(performance.now() - started), error: message };
    } finally {
      clearTimeout(timer);
      shutdown.removeEventListener('abort', onShutdown);
    }
  }

  /** Cancels every delivery in progress (reset/close) and forgets the attempts made. */
  reset(): void {
    this.controller.abort(new Error('simulator reset'));
    this.controller = new AbortController();
    this.attempts.length = 0;
  }

  close(): void {
    this.controller.abort(new Error('simulator closed'));
  }
}
