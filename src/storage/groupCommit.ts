import { CompiledQuery, type QueryResult } from 'kysely';
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

const BEGIN = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const SAVEPOINT = CompiledQuery.raw('savepoint cmc_write');
const RELEASE = CompiledQuery.raw('release cmc_write');
const ROLLBACK_TO = CompiledQuery.raw('rollback to cmc_write');

/** Writes in one transaction at most; bounds how long a transaction holds the file. */
const MAX_BATCH = 256;

/**
 * Group commit for SQLite. With synchronous=FULL every commit waits for an fsync, and
 * one connection serves every caller in turn, so 50 concurrent activities would each
 * wait behind 49 fsyncs. Here the writes that arrive while a transaction commits are
 * queued and run together in the next one: one fsync for all of them. Statements come
 * compiled, so a batch holds the connection only while SQLite runs them. Each runs in
 * its own savepoint, so a failing one is rolled back alone and rejects alone; a caller
 * hears back only once the transaction holding its write is durable, and if that
 * commit fails (or SQLite itself rolled the transaction back), every write in it rejects.
 */
export class GroupCommit implements StoreWrites {
  private queue: QueuedWrite[] = [];
  private draining = false;

  constructor(private readonly db: CampaignDb) {}

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
    const outcomes: Array<() => void> = [];
    try {
      // One connection, held (Kysely's mutex) from BEGIN to COMMIT: no other query interleaves.
      await this.db.connection().execute(async (db) => {
        // IMMEDIATE: take the write lock now, waiting (busy_timeout) for another process.
        await db.executeQuery(BEGIN);
        try {
          for (const write of batch) outcomes.push(await runInSavepoint(db, write));
          await db.executeQuery(COMMIT);
        } catch (error) {
          await db.executeQuery(ROLLBACK).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }
}

/** Runs one write in a savepoint; returns how to settle its caller once the batch commits. */
async function runInSavepoint(db: CampaignDb, write: QueuedWrite): Promise<() => void> {
  await db.executeQuery(SAVEPOINT);
  try {
    const result = await db.executeQuery(write.statement);
    await db.executeQuery(RELEASE);
    return () => write.resolve(result);
  } catch (error) {
    // Fails, and so fails the batch, if SQLite already rolled the whole transaction back.
    await db.executeQuery(ROLLBACK_TO);
    await db.executeQuery(RELEASE);
    return () => write.reject(error);
  }
}
