import {
  ActivityFailure,
  condition,
  continueAsNew,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryOutcome, ResultWebhookActivities } from '../activities/resultWebhookActivities.js';
import { RESULT_EVENTS_WAITING_SIGNAL } from '../resultWebhooks/deliveryWorkflowNames.js';

// ---- messages ----------------------------------------------------------------------

/** New events are in the outbox (or were put back by `cmc webhooks redeliver`). */
export const resultEventsWaitingSignal = defineSignal(RESULT_EVENTS_WAITING_SIGNAL);

export interface ResultWebhooksInput {
  campaignId: string;
  /** Counts of earlier runs (continue-as-new). */
  carry?: DeliveryCounts;
}

export interface DeliveryCounts {
  delivered: number;
  deadLettered: number;
  /** The receiver answered 410: this campaign's deliveries stopped. */
  stopped: boolean;
}

// ---- activities --------------------------------------------------------------------

/** Events delivered at once: enough to drain a campaign quickly, few enough for a small receiver. */
const MAX_IN_FLIGHT = 8;
/** Poll the outbox this often while events keep coming, backing off to MAX_POLL_MS when idle. */
const MIN_POLL_MS = 1_000;
const MAX_POLL_MS = 30_000;
const HISTORY_EVENT_LIMIT = 5_000;

const { nextResultEvents, deadLetterResultEvent } = proxyActivities<ResultWebhookActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Exponential backoff for hours, Retry-After honoured (the activity sets nextRetryDelay).
// A try is one POST with a 10 s timeout; the same event keeps its webhook-id on every try.
const { deliverResultEvent } = proxyActivities<ResultWebhookActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '12 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

// ---- workflow ----------------------------------------------------------------------

/**
 * Delivers one campaign's result webhooks from the outbox in the campaign store, beside
 * the campaign and never in its way: calls go on whatever the receiver does. Started
 * (or woken) by signal-with-start when an event is written; ends once the campaign has
 * closed and nothing is pending. Each event is one activity with its own retry policy,
 * so a worker or server restart resumes where it was.
 */
export async function resultWebhooksWorkflow(input: ResultWebhooksInput): Promise<DeliveryCounts> {
  const run = new Deliveries(input);
  setHandler(resultEventsWaitingSignal, () => run.wake());
  return await run.deliver();
}

class Deliveries {
  private readonly counts: DeliveryCounts;
  private readonly inFlight = new Set<string>();
  private woken = false;
  private pollMs = MIN_POLL_MS;

  constructor(private readonly input: ResultWebhooksInput) {
    this.counts = input.carry ?? { delivered: 0, deadLettered: 0, stopped: false };
  }

  wake(): void {
    this.woken = true;
    this.pollMs = MIN_POLL_MS;
  }

  async deliver(): Promise<DeliveryCounts> {
    while (!this.counts.stopped) {
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      const next =
        room > 0
          ? await nextResultEvents({
              campaignId: this.input.campaignId,
              inFlight: [...this.inFlight],
              limit: room,
            })
          : { eventIds: [], campaignOpen: true };
      for (const eventId of next.eventIds) this.start(eventId);
      if (next.eventIds.length === 0 && this.inFlight.size === 0) {
        if (!next.campaignOpen) break;
        if (this.historyIsLong()) {
          await continueAsNew<typeof resultWebhooksWorkflow>({ ...this.input, carry: this.counts });
        }
      }
      const waitMs = next.eventIds.length > 0 ? MIN_POLL_MS : this.pollMs;
      this.pollMs = Math.min(this.pollMs * 2, MAX_POLL_MS);
      this.woken = false;
      await condition(() => this.woken || this.counts.stopped, waitMs);
    }
    log.info('result webhooks done', { ...this.counts, campaignId: this.input.campaignId });
    return this.counts;
  }

  /** One event's delivery, in the background; its end wakes the loop to fill the slot. */
  private start(eventId: string): void {
    this.inFlight.add(eventId);
    void this.deliverOne(eventId).finally(() => {
      this.inFlight.delete(eventId);
      this.woken = true;
    });
  }

  private async deliverOne(eventId: string): Promise<void> {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverResultEvent({ eventId });
    } catch (error) {
      // The retry policy gave up (hours of failures): the dead-letter list, with the last error.
      const reason =
        error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : String(error);
      await deadLetterResultEvent({ eventId, reason });
      outcome = 'dead';
    }
    if (outcome === 'delivered') this.counts.delivered += 1;
    if (outcome === 'dead') this.counts.deadLettered += 1;
    if (outcome === 'gone') this.counts.stopped = true;
  }

  private historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= HISTORY_EVENT_LIMIT;
  }
}
