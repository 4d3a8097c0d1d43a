import { clientRequestId } from '../engine/ids.js';
import type { CampaignDb, OpenDatabase } from './database.js';
import type { StoreWrites } from './groupCommit.js';

/**
 * The runner's own record of every start-call attempt, because Temporal runs an
 * activity at least once and the CallMyCall API does not dedupe. An execution must
 * CLAIM the attempt before sending; the claim is atomic, so of any number of
 * concurrent executions (two workers, a retry racing a slow first try) exactly one
 * may send.
 *
 * - `dialing`: claimed; the request may have been sent, the outcome is not known.
 * - `placed`: the API answered with a sid.
 * - `uncertain`: the request may have created a call (5xx, timeout, dropped
 *   connection, an answer outside the reference).
 *
 * A definite refusal (nothing was created) gives the claim back with `release`, so a
 * later try may claim and send the same attempt again.
 */
export type AttemptState = 'dialing' | 'placed' | 'uncertain';

export interface AttemptEntry {
  state: AttemptState;
  sid?: string;
  reason?: string;
  at: string;
}

export interface AttemptKey {
  campaignId: string;
  rowKey: string;
  attempt: number;
}

export interface AttemptLedger {
  get(key: AttemptKey): Promise<AttemptEntry | undefined>;
  /** Records `dialing` unless the attempt is already claimed; true for exactly one caller. */
  claim(key: AttemptKey, at: string): Promise<boolean>;
  /** Records what a claimed send led to. */
  settle(key: AttemptKey, entry: AttemptEntry & { state: 'placed' | 'uncertain' }): Promise<void>;
  /** Gives a claim back after a definite refusal: the API created nothing. */
  release(key: AttemptKey): Promise<void>;
}

/**
 * The ledger in the campaign store's `attempts` table. The claim is an INSERT of the
 * attempt's row keyed by its UNIQUE client_request_id: on any number of workers and
 * processes sharing the database, exactly one insert succeeds.
 */
export class DatabaseAttemptLedger implements AttemptLedger {
  private readonly db: CampaignDb;
  private readonly writes: StoreWrites;

  constructor(database: Pick<OpenDatabase, 'db' | 'writes'>) {
    this.db = database.db;
    this.writes = database.writes;
  }

  async get(key: AttemptKey): Promise<AttemptEntry | undefined> {
    const row = await this.db
      .selectFrom('attempts')
      .select(['state', 'sid', 'reason', 'at'])
      .where('client_request_id', '=', requestIdOf(key))
      .executeTakeFirst();
    if (!row) return undefined;
    const entry: AttemptEntry = { state: row.state as AttemptState, at: row.at };
    if (row.sid !== null) entry.sid = row.sid;
    if (row.reason !== null) entry.reason = row.reason;
    return entry;
  }

  async claim(key: AttemptKey, at: string): Promise<boolean> {
    const result = await this.writes.run(
      this.db
        .insertInto('attempts')
        .values({
          client_request_id: requestIdOf(key),
          campaign_id: key.campaignId,
          row_key: key.rowKey,
          attempt: key.attempt,
          state: 'dialing',
          sid: null,
          reason: null,
          at,
        })
        .onConflict((conflict) => conflict.column('client_request_id').doNothing())
        .compile(),
    );
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  async settle(key: AttemptKey, entry: AttemptEntry & { state: 'placed' | 'uncertain' }): Promise<void> {
    await this.writes.run(
      this.db
        .updateTable('attempts')
        .set({ state: entry.state, sid: entry.sid ?? null, reason: entry.reason ?? null, at: entry.at })
        .where('client_request_id', '=', requestIdOf(key))
        .compile(),
    );
  }

  async release(key: AttemptKey): Promise<void> {
    // Only a claim still `dialing` is given back; a settled attempt stays settled.
    await this.writes.run(
      this.db
        .deleteFrom('attempts')
        .where('client_request_id', '=', requestIdOf(key))
        .where('state', '=', 'dialing')
        .compile(),
    );
  }
}

function requestIdOf(key: AttemptKey): string {
  if (!Number.isInteger(key.attempt) || key.attempt < 1)
    throw new RangeError(`attempt ${key.attempt} is not valid`);
  return clientRequestId(key.campaignId, key.rowKey, key.attempt);
}
