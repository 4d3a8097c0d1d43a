import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCampaignReport } from '../../src/reports/generateCampaignReport.js';
import { type CampaignStack, startCampaignStack, writeCampaign } from '../support/campaignStack.js';
import { storeBackends } from '../support/storeBackends.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/**
 * The campaign store holds every row as prepared, the ledger and the results: after
 * `prepare` nothing reads the CSV again, and nothing else is written to the data folder.
 */
describe.each(storeBackends())('campaign data in the campaign store ($name)', (backend) => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    databaseUrl = await backend.newDatabaseUrl('store');
    stack = await startCampaignStack(ctx, { speed: 60, databaseUrl });
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });

  it('rebuilds every row of the report after the contacts file is deleted, from one database file', async () => {
    const csv = [
      'first_name,phone_number',
      'Anna,+46701747000',
      'Bo,not-a-number', // line 3: invalid
      'Cecilia,+46701747001',
      'Anna again,+46701747000', // line 5: duplicate of line 2
      'Dag,+46701747002',
      '',
    ].join('\n');
    const dir = await writeCampaign(
      stack.workDir,
      'store',
      {
        name: 'Store test',
        call: { task: 'Confirm {{first_name}}', language: 'en' },
        concurrency: 2,
        callsPerMinute: 600,
        callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
        credits: { budget: 10_000, estimatePerCall: 2 },
      },
      csv,
    );
    const result = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId: `store-${backend.key}`, campaignDir: dir });
      return await handle.result();
    });
    expect(result.outcomes).toEqual({ completed: 3 });

    // SQLite: one file (with its WAL files); PostgreSQL: nothing at all. Never a file per row or attempt.
    const files = await filesUnder(stack.dataDir).catch(() => []);
    if (databaseUrl === undefined)
      expect(
        files.every((file) => file.startsWith('campaigns.db')),
        files.join(', '),
      ).toBe(true);
    else {
      expect(files).toEqual([]);
      // The rows, attempts and results are in PostgreSQL's tables.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const count = async (table: string) =>
          Number(
            (
              await client.query(`select count(*) from ${table} where campaign_id = $1`, [
                `store-${backend.key}`,
              ])
            ).rows[0].count,
          );
        expect(await count('campaign_rows')).toBe(5);
        expect(await count('attempts')).toBe(3);
        expect(await count('row_results')).toBe(3);
      } finally {
        await client.end();
      }
    }

    await rm(join(dir, 'contacts.csv'));
    await rm(join(stack.reportsDir, `store-${backend.key}`), { recursive: true, force: true });
    const report = await generateCampaignReport(stack.deps, `store-${backend.key}`);
    const rows = (await readFile(report.files.jsonl, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; outcome: string; error?: string });
    expect(rows.map((row) => [row.line, row.outcome])).toEqual([
      [2, 'completed'],
      [3, 'invalid'],
      [4, 'completed'],
      [5, 'duplicate'],
      [6, 'completed'],
    ]);
    expect(rows[1]?.error).toMatch(/phone/i);
    expect(rows[3]?.error).toMatch(/line 2/);
  });
});
