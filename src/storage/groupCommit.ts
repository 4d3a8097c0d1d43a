import type { CompiledQuery, QueryResult } from 'kysely';
import type { CampaignDb } from './database.js';

/** How the store's small writes (a claim, a settle, a result) reach the database. */
export interface StoreWrites {
  /** Runs one statement, compiled by the caller; resolves once it is committed. */
  run<R>(statement: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Each write on its own (PostgreSQL: a pool of connections, and the server's own group commit). */
export function directWrites(db: CampaignDb): StoreWrites {
  return { run: (statement) => db.executeQuery(statement) };
}

interface QueuedWrite {
  statement: CompiledQuery;
  resolve(result: QueryResult<unknown>): void;
  reject(error: unknown): void;
}

/** The part of libsql's database GroupCommit runs statements on (the statement-cached one). */
export interface SqliteStatements {
  prepare(sql: string): { run(parameters: readonly unknown[]): { changes: number | bigint } };
}

/** Writes in one transaction at most; bounds how long a transaction holds the file. */
const MAX_BATCH = 256;

/**
 * Group commit for SQLite. With synchronous=FULL every commit waits for an fsync, and
 * one connection serves every caller in turn, so 50 concurrent activities would each
 * wait behind 49 fsyncs. Here the writes that arrive while a transaction commits are
 * queued and run together in the next one: one fsync for all of them.
 *
 * A batch runs synchronously from BEGIN to COMMIT, on libsql directly (inside Kysely's
 * hold on its one connection, so no Kysely query interleaves): the write lock is never
 * held across an await. Otherwise a second connection in this process, waiting out its
 * busy_timeout in a blocking call, would stop this one from ever reaching COMMIT.
 * Each statement runs in its own savepoint, so a failing one is rolled back alone and
 * rejects alone; a caller hears back only once the transaction holding its write is
 * durable, and if that commit fails (or SQLite itself rolled the transaction back),
 * every write in it rejects.
 */
export class GroupCommit implements StoreWrites {
  private queue: QueuedWrite[] = [];
  private draining = false;

  constructor(
    private readonly db: CampaignDb,
    private readonly sqlite: SqliteStatements,
  ) {}

  run<R>(statement: CompiledQuery<R>): Promise<QueryResult<R>> {
    return new Promise<QueryResult<R>>((resolve, reject) => {
      this.queue.push({ statement, resolve: resolve as (result: QueryResult<unknown>) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: QueuedWrite[]): Promise<void> {
    let outcomes: Array<() => void>;
    try {
      outcomes = await this.db.connection().execute(async () => this.runBatch(batch));
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }

  /** BEGIN IMMEDIATE (waiting busy_timeout for another process), every write, COMMIT. */
  private runBatch(batch: QueuedWrite[]): Array<() => void> {
    const run = (sql: string, parameters: readonly unknown[] = []) =>
      this.sqlite.prepare(sql).run(parameters);
    run('begin immediate');
    try {
      const outcomes = batch.map((write) => {
        run('savepoint cmc_write');
        try {
          const { changes } = run(write.statement.sql, write.statement.parameters);
          run('release cmc_write');
          const result: QueryResult<unknown> = { rows: [], numAffectedRows: BigInt(changes) };
          return () => write.resolve(result);
        } catch (error) {
          // Throws, and so fails the batch, if SQLite already rolled the whole transaction back.
          run('rollback to cmc_write');
          run('release cmc_write');
          return () => write.reject(error);
        }
      });
      run('commit');
      return outcomes;
    } catch (error) {
      try {
        run('rollback');
      } catch {
        // Nothing to roll back: BEGIN itself failed, or SQLite already did.
      }
      throw error;
    }
  }
}
