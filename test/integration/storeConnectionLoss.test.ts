import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { freshPostgresDatabase } from '../support/postgres.js';

/**
 * PostgreSQL restarting (or an admin terminating sessions) drops the pool's idle
 * connections. pg reports each as an 'error' event on the pool; with nobody listening,
 * Node ends the process: the cluster test saw every worker die on `pg_ctl restart`.
 */
describe('the campaign store on PostgreSQL when its connections are dropped', () => {
  it('survives its idle connections being terminated, says so, and the next query reconnects', async () => {
    const url = await freshPostgresDatabase(inject('postgresUrl'), 'connloss');
    const lost: string[] = [];
    const store = await openDatabase(
      { kind: 'postgres', url },
      { onConnectionLost: (e) => lost.push(e.message) },
    );
    try {
      // Several idle connections in the pool.
      await Promise.all([1, 2, 3].map(() => sql`SELECT pg_sleep(0.05)`.execute(store.db)));
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rows } = await admin.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      await admin.end();
      expect(rows.length).toBeGreaterThan(0);
      // Each idle client learns of its end when the server's message reaches it: wait for all.
      await expect.poll(() => lost.length, { timeout: 15_000 }).toBe(rows.length);
      expect(lost[0]).toMatch(/terminating connection/);
      const { rows: after } = await sql<{ one: number }>`SELECT 1 AS one`.execute(store.db);
      expect(after).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
    }
  });
});
