import type { Logger } from '../logging/logger.js';
import type { CallEvents } from './callEvents.js';
import type { CallRecord, TranscriptLine } from './callRegistry.js';
import type { FaultPlan } from './faults.js';
import type { WebhookEvent } from './startCallRequest.js';
import { redactUrl, type WebhookDeliverer } from './webhookDelivery.js';
import { webhookPayload } from './webhookPayloads.js';

/** Gap between held-back deliveries when the reorder fault releases them. */
const REORDER_GAP_MS = 50;

interface HeldDelivery {
  event: WebhookEvent;
  body: string;
}

/**
 * Turns call events into webhooks for the events each call subscribed to. A
 * call's deliveries go out one after another, in order, unless a webhook fault
 * says otherwise: `drop` loses the next N for good, `duplicate` sends each twice
 * (same body), `reorder` holds a call's deliveries back and releases them in
 * reverse order when the call ends (so price_updated arrives before call_completed).
 */
export class WebhookDispatcher {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly held = new Map<string, HeldDelivery[]>();
  private generation = 0;
  dropped = 0;
  pending = 0;

  constructor(
    private readonly deliverer: WebhookDeliverer,
    private readonly faults: FaultPlan,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to the call events; returns the unsubscribe function. */
  attach(events: CallEvents): () => void {
    return events.on((event) => {
      const { call } = event;
      if (event.type === 'status' && call.status === 'in-progress') this.send(call, 'call_started');
      if (event.type === 'transcript') this.send(call, 'transcript_updated', [event.line]);
      if (event.type === 'final') {
        this.send(call, 'call_completed');
        // Price enrichment follows completion, as the reference says it may.
        this.send(call, 'price_updated');
        this.release(call);
      }
    });
  }

  private send(call: CallRecord, event: WebhookEvent, newLines: TranscriptLine[] = []): void {
    const url = call.request.webhook;
    if (url === undefined || !call.request.webhookEvents.includes(event)) return;
    const body = JSON.stringify(webhookPayload(event, { ...call, to: call.request.phoneNumber }, newLines));
    if (this.faults.takeWebhookDrop()) {
      this.dropped += 1;
      this.logger.info({ url: redactUrl(url), event, sid: call.sid }, 'webhook dropped (fault)');
      return;
    }
    if (this.faults.webhooks.reorder) {
      const held = this.held.get(call.sid) ?? [];
      held.push({ event, body });
      this.held.set(call.sid, held);
      return;
    }
    this.enqueue(call.sid, url, event, body);
  }

  /** Sends what the reorder fault held back for this call, newest first. */
  private release(call: CallRecord): void {
    const held = this.held.get(call.sid);
    const url = call.request.webhook;
    this.held.delete(call.sid);
    if (!held || url === undefined) return;
    for (const delivery of held.reverse()) {
      this.enqueue(call.sid, url, delivery.event, delivery.body, REORDER_GAP_MS);
    }
  }

  private enqueue(sid: string, url: string, event: WebhookEvent, body: string, delayMs = 0): void {
    const generation = this.generation;
    const copies = this.faults.webhooks.duplicate ? 2 : 1;
    this.pending += 1;
    const previous = this.chains.get(sid) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        for (let copy = 0; copy < copies && generation === this.generation; copy += 1) {
          await this.deliverer.deliver(url, event, sid, body);
        }
      } finally {
        if (generation === this.generation) this.pending -= 1;
      }
    });
    this.chains.set(sid, next);
    void next.then(() => {
      if (this.chains.get(sid) === next) this.chains.delete(sid);
    });
  }

  /** Forgets queued and held deliveries; the deliverer aborts the ones in flight. */
  reset(): void {
    this.generation += 1;
    this.chains.clear();
    this.held.clear();
    this.dropped = 0;
    this.pending = 0;
  }
}
