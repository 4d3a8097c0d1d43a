import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DatabaseAttemptLedger } from '../../../src/storage/attemptLedger.js';
import { type CampaignDb, type OpenDatabase, openDatabase } from '../../../src/storage/database.js';
import type { CampaignTables } from '../../../src/storage/databaseSchema.js';
import { GroupCommit } from '../../../src/storage/groupCommit.js';
import { withStatementCache } from '../../../src/storage/sqliteStatementCache.js';

const at = '2026-03-02T09:00:00.000Z';
const key = (rowKey: string) => ({ campaignId: 'camp-1', rowKey, attempt: 1 });

/**
 * A second connection to the store's file, set up as openDatabase sets up its own, with
 * its GroupCommit; `begins()` counts the transactions it began, `busyMs` is how long it
 * waits for another connection's write lock.
 */
function secondConnection(file: string, busyMs = 10_000) {
  const sqlite = new Database(file);
  sqlite.exec(`PRAGMA busy_timeout = ${busyMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;`);
  const statements = withStatementCache(sqlite);
  let begins = 0;
  const counting = {
    prepare(sql: string) {
      if (sql === 'begin immediate') begins += 1;
      return statements.prepare(sql);
    },
  };
  const db: CampaignDb = new Kysely<CampaignTables>({
    dialect: new SqliteDialect({ database: statements as never }),
  });
  return { db, writes: new GroupCommit(db, counting), dialect: 'sqlite' as const, begins: () => begins };
}

async function attemptKeys(db: CampaignDb): Promise<string[]> {
  const rows = await db.selectFrom('attempts').select('row_key').orderBy('row_key').execute();
  return rows.map((row) => row.row_key);
}

describe('GroupCommit (SQLite)', () => {
  let dir: string;
  let file: string;
  let database: OpenDatabase;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-group-commit-'));
    file = join(dir, 'campaigns.db');
    database = await openDatabase({ kind: 'sqlite', path: file });
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits 50 concurrent claims in a few shared transactions, and loses none', async () => {
    const second = secondConnection(file);
    onTestFinished(() => second.db.destroy());
    const ledger = new DatabaseAttemptLedger(second);
    const rowKeys = Array.from({ length: 50 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const won = await Promise.all(rowKeys.map((rowKey) => ledger.claim(key(rowKey), at)));
    expect(won).toEqual(rowKeys.map(() => true));
    expect(await attemptKeys(database.db)).toEqual(rowKeys);
    // The first write goes alone; the 49 that queued behind it share the next transaction.
    expect(second.begins()).toBeGreaterThan(0);
    expect(second.begins()).toBeLessThanOrEqual(3);
    // Claiming again in a batch still lets nobody win twice.
    const again = await Promise.all(rowKeys.map((rowKey) => ledger.claim(key(rowKey), at)));
    expect(again.filter(Boolean)).toEqual([]);
  });

  it('rejects only the write that failed; the others in its batch commit', async () => {
    const insert = (rowKey: string) =>
      database.db
        .insertInto('attempts')
        .values({
          client_request_id: `camp-1:${rowKey}:1`,
          campaign_id: 'camp-1',
          row_key: rowKey,
          attempt: 1,
          state: 'dialing',
          sid: null,
          reason: null,
          at,
        })
        .compile();
    const first = database.writes.run(insert('a'));
    const duplicate = database.writes.run(insert('a')); // the primary key refuses it
    const last = database.writes.run(insert('b'));
    await expect(first).resolves.toMatchObject({ numAffectedRows: 1n });
    await expect(duplicate).rejects.toThrow(/UNIQUE|constraint/i);
    await expect(last).resolves.toMatchObject({ numAffectedRows: 1n });
    expect(await attemptKeys(database.db)).toEqual(['a', 'b']);
  });

  it('does not deadlock with a second connection in the same process writing at once', async () => {
    // Two workers' stores in one process (as tests run them): each connection's batch
    // holds the write lock only inside one synchronous call, so the other's busy wait
    // never blocks the thread while a lock is held.
    const second = secondConnection(file);
    onTestFinished(() => second.db.destroy());
    const ledgers = [new DatabaseAttemptLedger(database), new DatabaseAttemptLedger(second)];
    const started = Date.now();
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ledgers[i % 2]?.claim(key(`x${i % 20}`), at)),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(claims.filter(Boolean)).toHaveLength(20);
    expect(await attemptKeys(database.db)).toHaveLength(20);
  });

  it('rejects every write of a batch that cannot get the write lock, and recovers once it is free', async () => {
    // Another process holds the write lock for longer than this connection waits for it.
    const other = new Database(file);
    onTestFinished(() => {
      other.close();
    });
    other.exec('BEGIN IMMEDIATE');
    const impatient = secondConnection(file, 50);
    onTestFinished(() => impatient.db.destroy());
    const ledger = new DatabaseAttemptLedger(impatient);
    const results = await Promise.allSettled([ledger.claim(key('x'), at), ledger.claim(key('y'), at)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await attemptKeys(database.db)).toEqual([]);
    // Once the lock is free the next batch on the same connection commits.
    other.exec('ROLLBACK');
    expect(await ledger.claim(key('z'), at)).toBe(true);
    expect(await attemptKeys(database.db)).toEqual(['z']);
  });
});
