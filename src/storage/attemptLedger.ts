import { type RawBuilder, sql } from 'kysely';
import type { FrequencyCap } from '../compliance/frequencyCap.js';
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

/** claimed: this caller may send; taken: another execution claimed it; capped: a frequency cap is full. */
export type DialClaim = 'claimed' | 'taken' | 'capped';

export interface AttemptLedger {
  get(key: AttemptKey): Promise<AttemptEntry | undefined>;
  /** Records `dialing` unless the attempt is already claimed; true for exactly one caller. */
  claim(key: AttemptKey, at: string): Promise<boolean>;
  /**
   * As claim, for a dial to `phoneE164`, and only while every cap has room: the count of
   * start-calls to that number (any campaign) and the claim are one atomic step, so two
   * campaigns dialling the same number at once cannot both squeeze under a cap.
   */
  claimWithinCaps(
    key: AttemptKey,
    at: string,
    phoneE164: string,
    caps: readonly FrequencyCap[],
  ): Promise<DialClaim>;
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
  private readonly dialect: OpenDatabase['dialect'];

  constructor(database: Pick<OpenDatabase, 'db' | 'writes' | 'dialect'>) {
    this.db = database.db;
    this.writes = database.writes;
    this.dialect = database.dialect;
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

  async claimWithinCaps(
    key: AttemptKey,
    at: string,
    phoneE164: string,
    caps: readonly FrequencyCap[],
  ): Promise<DialClaim> {
    const atMs = Date.parse(at);
    const room = caps.map(
      (cap) =>
        sql`(select count(*) from attempts where phone_e164 = ${phoneE164} and at > ${new Date(atMs - cap.perMs).toISOString()}) < ${cap.calls}`,
    );
    // One INSERT ... SELECT ... WHERE: SQLite runs it under its write lock, so the count and the claim are atomic.
    const insert = sql`insert into attempts (client_request_id, campaign_id, row_key, attempt, state, sid, reason, at, phone_e164)
      select ${requestIdOf(key)}, ${key.campaignId}, ${key.rowKey}, ${key.attempt}, 'dialing', null, null, ${at}, ${phoneE164}
      where ${room.length === 0 ? sql`1 = 1` : sql.join(room, sql` and `)}
      on conflict (client_request_id) do nothing`;
    const inserted = await this.insertSerializedPerNumber(insert, phoneE164);
    if (inserted) return 'claimed';
    return (await this.get(key)) ? 'taken' : 'capped';
  }

  /**
   * PostgreSQL runs concurrent INSERTs side by side, each counting before the other
   * commits: there, a transaction-scoped advisory lock on the number serializes them.
   */
  private async insertSerializedPerNumber(insert: RawBuilder<unknown>, phoneE164: string): Promise<boolean> {
    if (this.dialect === 'sqlite') {
      const result = await this.writes.run(insert.compile(this.db));
      return Number(result.numAffectedRows ?? 0) === 1;
    }
    return await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`cmc-dial:${phoneE164}`}))`.execute(trx);
      const result = await insert.execute(trx);
      return Number(result.numAffectedRows ?? 0) === 1;
    });
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
