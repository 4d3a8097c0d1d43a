import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { campaignWorkflowId } from '../engine/ids.js';
import { sendResultEvent } from '../resultWebhooks/sendResultEvent.js';
import type { ActivityDeps } from './activityDeps.js';

/** Tries of an event the receiver refuses with a 4xx (not 408, 410, 429) before it is dead-lettered. */
export const MAX_REFUSED_TRIES = 3;

/** How one event's delivery ended (a retryable failure is thrown, so Temporal retries it). */
export type DeliveryOutcome = 'delivered' | 'dead' | 'gone' | 'skipped';

/** The activities of the result webhooks workflow. Each one is safe to run twice. */
export function createResultWebhookActivities(
  deps: Pick<ActivityDeps, 'prepared' | 'resultEvents' | 'resultWebhookSecret' | 'logger'>,
) {
  const { prepared, resultEvents, logger } = deps;

  return {
    /**
     * Up to `limit` pending events not already being delivered, and whether the campaign
     * still runs. Campaign first: an event written before the campaign closed is then
     * seen, so the deliverer never ends with one left behind.
     */
    async nextResultEvents(input: {
      campaignId: string;
      inFlight: string[];
      limit: number;
    }): Promise<{ eventIds: string[]; campaignOpen: boolean }> {
      const campaignOpen = await isRunning(campaignWorkflowId(input.campaignId));
      const busy = new Set(input.inFlight);
      const pending = await resultEvents.pending(input.campaignId, input.limit + busy.size);
      const eventIds = pending
        .map((event) => event.id)
        .filter((id) => !busy.has(id))
        .slice(0, input.limit);
      return { eventIds, campaignOpen };
    },

    /**
     * One try of one event. 2xx: delivered. 410: every pending event of the campaign
     * stops. Another 4xx: retried, then dead-lettered after MAX_REFUSED_TRIES. 408, 429,
     * 5xx, timeouts and network errors: thrown, so the retry policy backs off (honouring
     * Retry-After) for hours. An event already settled (a redelivered try) is skipped.
     */
    async deliverResultEvent(input: { eventId: string }): Promise<DeliveryOutcome> {
      const event = await resultEvents.get(input.eventId);
      if (event?.state !== 'pending') return 'skipped';
      const manifest = await prepared.readManifest(event.campaignId);
      // A campaign that failed before it was prepared has no manifest, only its kept destination.
      const setting = manifest ? manifest.resultWebhook : await resultEvents.destination(event.campaignId);
      const at = new Date();
      if (!setting) {
        await resultEvents.settle(event.id, 'dead', at.toISOString(), 'the campaign has no resultWebhook');
        return 'dead';
      }
      // A missing secret is the operator's to fix: the event waits, retried, instead of being lost.
      const secret = deps.resultWebhookSecret(setting.secretEnv);
      const sent = await sendResultEvent(event, setting.url, secret, at);
      const context = { campaignId: event.campaignId, eventId: event.id, type: event.type };
      switch (sent.kind) {
        case 'delivered':
          await resultEvents.settle(event.id, 'delivered', at.toISOString());
          return 'delivered';
        case 'gone': {
          const stopped = await resultEvents.stopPending(
            event.campaignId,
            at.toISOString(),
            'receiver answered 410 Gone',
          );
          logger.warn(
            { ...context, stopped },
            'result webhook receiver answered 410: deliveries of this campaign stopped',
          );
          return 'gone';
        }
        case 'refused': {
          await resultEvents.recordFailedTry(event.id, sent.reason);
          if (Context.current().info.attempt >= MAX_REFUSED_TRIES) {
            await resultEvents.settle(event.id, 'dead', at.toISOString());
            logger.warn({ ...context, status: sent.status }, 'result webhook refused: dead-lettered');
            return 'dead';
          }
          throw ApplicationFailure.retryable(sent.reason, 'ResultWebhookRefused');
        }
        case 'retry':
          await resultEvents.recordFailedTry(event.id, sent.reason);
          throw ApplicationFailure.create({
            type: 'ResultWebhookUnavailable',
            message: sent.reason,
            ...(sent.retryAfterMs === undefined ? {} : { nextRetryDelay: sent.retryAfterMs }),
          });
      }
    },

    /** The retry policy gave up on an event: it goes to the dead-letter list with the last error. */
    async deadLetterResultEvent(input: { eventId: string; reason: string }): Promise<void> {
      await resultEvents.settle(input.eventId, 'dead', new Date().toISOString(), input.reason);
    },
  };
}

export type ResultWebhookActivities = ReturnType<typeof createResultWebhookActivities>;

async function isRunning(workflowId: string): Promise<boolean> {
  try {
    const description = await Context.current().client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
