import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import type { DatabaseLocation } from '../../src/storage/databaseUrl.js';
import { storeBackends } from '../support/storeBackends.js';

const run = promisify(execFile);

/**
 * Workers and `cmc` migrate the store on start; several starting at once on a new
 * database (a deploy, the fault suite's two workers) must migrate it exactly once.
 */
describe('migrations when several processes open a new store at once', () => {
  it.each(storeBackends())(
    '$name: four processes open one new store at the same instant; all succeed',
    async (backend) => {
      const url = await backend.newDatabaseUrl('migrate');
      const location: DatabaseLocation = url
        ? { kind: 'postgres', url }
        : { kind: 'sqlite', path: join(await mkdtemp(join(tmpdir(), 'cmc-migrate-')), 'campaigns.db') };
      const startAt = Date.now() + 5_000;
      const code = `
      const { openDatabase } = await import('./src/storage/database.ts');
      await new Promise((r) => setTimeout(r, ${startAt} - Date.now()));
      const store = await openDatabase(${JSON.stringify(location)});
      await store.close();
      console.log('opened');`;
      const opened = await Promise.all(
        Array.from({ length: 4 }, () =>
          run('npx', ['tsx', '--input-type=module', '-e', code], { timeout: 60_000 }).then(({ stdout }) =>
            stdout.trim(),
          ),
        ),
      );
      expect(opened).toEqual(['opened', 'opened', 'opened', 'opened']);
      const store = await openDatabase(location);
      try {
        const { rows } = await sql<{ name: string }>`select name from cmc_migration`.execute(store.db);
        // Each step once, whichever process got the lock.
        expect(rows.map((row) => row.name)).toEqual([
          '0001_campaign_store',
          '0002_result_events',
          '0003_compliance',
          '0004_result_webhook_destinations',
          '0005_call_actions',
        ]);
      } finally {
        await store.close();
      }
    },
  );
});
