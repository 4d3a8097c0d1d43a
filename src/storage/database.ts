import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import type { CampaignTables } from './databaseSchema.js';
import type { DatabaseLocation } from './databaseUrl.js';
import { directWrites, GroupCommit, type StoreWrites } from './groupCommit.js';
import { migrateToLatest } from './migrations.js';
import { withStatementCache } from './sqliteStatementCache.js';

export type CampaignDb = Kysely<CampaignTables>;

export interface OpenDatabase {
  db: CampaignDb;
  /** How the small writes (claims, results) go in: group commit on SQLite. */
  writes: StoreWrites;
  dialect: 'sqlite' | 'postgres';
  /** Where it is, safe to print: the file, or the host/port/database without credentials. */
  description: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Told when PostgreSQL drops an idle pooled connection (a restart, a network cut). */
  onConnectionLost?: (error: Error) => void;
}

/**
 * Opens the campaign store and brings its schema up to date.
 * - SQLite (the embedded default), through libsql (a better-sqlite3 API whose
 *   native binary ships as an npm package): WAL, so `cmc` reads while a worker
 *   writes; synchronous=FULL, so an attempt's claim survives a power cut, with
 *   group commit so concurrent writes share an fsync; prepared statements kept; a
 *   busy timeout for several processes on one file.
 * - PostgreSQL, through pg's pool.
 */
export async function openDatabase(
  location: DatabaseLocation,
  options: DatabaseOptions = {},
): Promise<OpenDatabase> {
  if (location.kind === 'sqlite') {
    mkdirSync(dirname(location.path), { recursive: true });
    const sqlite = new Database(location.path);
    // busy_timeout first: switching a new file to WAL already needs the lock another process may hold.
    sqlite.exec('PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    const statements = withStatementCache(sqlite);
    const db = new Kysely<CampaignTables>({ dialect: new SqliteDialect({ database: statements as never }) });
    // Kysely takes no lock for SQLite migrations (one connection per process), so two
    // processes opening a new file at once would both create the tables. SQLite's own
    // write lock serializes them: the second waits (busy_timeout), then finds them done.
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      await migrateToLatest(db as Kysely<unknown>);
      sqlite.exec('COMMIT');
    } catch (error) {
      sqlite.exec('ROLLBACK');
      await db.destroy();
      throw error;
    }
    return {
      db,
      writes: new GroupCommit(db, statements),
      dialect: 'sqlite',
      description: location.path,
      close: () => db.destroy(),
    };
  }
  const pool = new pg.Pool({ connectionString: location.url, max: 10 });
  // pg emits a dropped idle connection as 'error' on the pool; unheard, that event ends the
  // process (a PostgreSQL restart killed every worker). The pool discards the client and
  // the next query connects anew, so a note is all it takes.
  pool.on('error', (error) => options.onConnectionLost?.(error));
  const db = new Kysely<CampaignTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const url = new URL(location.url);
  return {
    db,
    writes: directWrites(db),
    dialect: 'postgres',
    description: `postgres ${url.hostname}:${url.port || 5432}${url.pathname}`,
    close: () => db.destroy(),
  };
}
