import type { ResultEvent } from '../resultWebhooks/resultEvent.js';
import type { ResultWebhookSetting } from '../resultWebhooks/resultWebhookSetting.js';
import type { CampaignDb, OpenDatabase } from './database.js';
import type { StoreWrites } from './groupCommit.js';

/** Where an event is: waiting (or being tried), delivered, given up on, or stopped by a 410. */
export const RESULT_EVENT_STATES = ['pending', 'delivered', 'dead', 'stopped'] as const;
export type ResultEventState = (typeof RESULT_EVENT_STATES)[number];
export type ResultEventCounts = Record<ResultEventState, number>;

export interface StoredResultEvent extends ResultEvent {
  state: ResultEventState;
  tries: number;
  lastError?: string;
}

/**
 * The result webhooks' outbox in the campaign store. An event is inserted once (a second
 * insert of the same id is a no-op, so a retried activity cannot make a second event or
 * change the first one's bytes), then moves from pending to delivered, dead or stopped;
 * a redelivery puts it back to pending with the same id and body.
 */
export class ResultEventStore {
  private readonly db: CampaignDb;
  private readonly writes: StoreWrites;

  constructor(database: Pick<OpenDatabase, 'db' | 'writes'>) {
    this.db = database.db;
    this.writes = database.writes;
  }

  async enqueue(event: ResultEvent): Promise<void> {
    await this.writes.run(
      this.db
        .insertInto('result_events')
        .values({
          event_id: event.id,
          campaign_id: event.campaignId,
          event_type: event.type,
          body: event.body,
          state: 'pending',
          tries: 0,
          last_error: null,
          created_at: event.createdAt,
          settled_at: null,
        })
        .onConflict((conflict) => conflict.column('event_id').doNothing())
        .compile(),
    );
  }

  /**
   * Keeps where a campaign's events go when it has no manifest to say so (it failed
   * before it was prepared); the first one written stays.
   */
  async saveDestination(campaignId: string, setting: ResultWebhookSetting): Promise<void> {
    await this.writes.run(
      this.db
        .insertInto('result_webhook_destinations')
        .values({ campaign_id: campaignId, setting: JSON.stringify(setting) })
        .onConflict((conflict) => conflict.column('campaign_id').doNothing())
        .compile(),
    );
  }

  async destination(campaignId: string): Promise<ResultWebhookSetting | undefined> {
    const row = await this.db
      .selectFrom('result_webhook_destinations')
      .select('setting')
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.setting) as ResultWebhookSetting) : undefined;
  }

  async get(eventId: string): Promise<StoredResultEvent | undefined> {
    const row = await this.db
      .selectFrom('result_events')
      .selectAll()
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.event_id,
      campaignId: row.campaign_id,
      type: row.event_type as ResultEvent['type'],
      body: row.body,
      createdAt: row.created_at,
      state: row.state as ResultEventState,
      tries: Number(row.tries),
      ...(row.last_error === null ? {} : { lastError: row.last_error }),
    };
  }

  /** Pending events of a campaign, oldest first. */
  async pending(campaignId: string, limit: number): Promise<Array<{ id: string; createdAt: string }>> {
    const rows = await this.db
      .selectFrom('result_events')
      .select(['event_id', 'created_at'])
      .where('campaign_id', '=', campaignId)
      .where('state', '=', 'pending')
      .orderBy('created_at')
      .orderBy('event_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ id: row.event_id, createdAt: row.created_at }));
  }

  /** One more try failed: count it and keep why (never the secret; the receiver's status and a short excerpt). */
  async recordFailedTry(eventId: string, error: string): Promise<void> {
    await this.db
      .updateTable('result_events')
      .set((eb) => ({ tries: eb('tries', '+', 1), last_error: error.slice(0, 500) }))
      .where('event_id', '=', eventId)
      .execute();
  }

  /** Moves a pending event to its end state; an event already settled keeps its state. */
  async settle(
    eventId: string,
    state: Exclude<ResultEventState, 'pending'>,
    at: string,
    error?: string,
  ): Promise<void> {
    await this.db
      .updateTable('result_events')
      .set((eb) => ({
        state,
        settled_at: at,
        tries: state === 'delivered' ? eb('tries', '+', 1) : eb.ref('tries'),
        ...(error === undefined ? {} : { last_error: error.slice(0, 500) }),
      }))
      .where('event_id', '=', eventId)
      .where('state', '=', 'pending')
      .execute();
  }

  /** A 410 from the receiver: every pending event of the campaign stops. */
  async stopPending(campaignId: string, at: string, reason: string): Promise<number> {
    const result = await this.db
      .updateTable('result_events')
      .set({ state: 'stopped', settled_at: at, last_error: reason.slice(0, 500) })
      .where('campaign_id', '=', campaignId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Puts events back to pending (all of them, or only the dead-lettered and stopped ones); returns how many. */
  async requeue(campaignId: string, which: 'all' | 'dead-letter'): Promise<number> {
    let query = this.db
      .updateTable('result_events')
      .set({ state: 'pending', tries: 0, last_error: null, settled_at: null })
      .where('campaign_id', '=', campaignId);
    query =
      which === 'all'
        ? query.where('state', '!=', 'pending')
        : query.where('state', 'in', ['dead', 'stopped']);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async counts(campaignId: string): Promise<ResultEventCounts> {
    const rows = await this.db
      .selectFrom('result_events')
      .select((eb) => ['state', eb.fn.countAll<number | string>().as('count')])
      .where('campaign_id', '=', campaignId)
      .groupBy('state')
      .execute();
    const counts: ResultEventCounts = { pending: 0, delivered: 0, dead: 0, stopped: 0 };
    for (const row of rows) {
      if ((RESULT_EVENT_STATES as readonly string[]).includes(row.state))
        counts[row.state as ResultEventState] = Number(row.count);
    }
    return counts;
  }
}
