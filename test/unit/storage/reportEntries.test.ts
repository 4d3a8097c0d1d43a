import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportEntry } from '../../../src/reports/reportRecord.js';
import { type OpenDatabase, openDatabase } from '../../../src/storage/database.js';
import { DatabaseResultsStore } from '../../../src/storage/databaseResultsStore.js';
import { PreparedCampaignStore, type StoredRow } from '../../../src/storage/preparedCampaignStore.js';
import { plan } from '../../support/purgeFixture.js';
import { attempt, rowResult } from '../reports/reportFixtures.js';

const CAMPAIGN = 'spring-recall';

function storedRow(line: number): StoredRow {
  if (line % 5 === 0) {
    return { line, rowKey: `line-${line}`, columns: { n: String(line) }, status: 'invalid', reason: 'bad' };
  }
  return {
    line,
    rowKey: `r${line}`,
    columns: { n: String(line) },
    phoneE164: '+46701234567',
    status: 'valid',
  };
}

async function* storedRows(count: number): AsyncGenerator<StoredRow> {
  for (let line = 2; line < count + 2; line++) yield storedRow(line);
}

describe('PreparedCampaignStore.reportEntries (SQLite)', () => {
  let dir: string;
  let database: OpenDatabase;
  let prepared: PreparedCampaignStore;
  let results: DatabaseResultsStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-report-entries-'));
    database = await openDatabase({ kind: 'sqlite', path: join(dir, 'campaigns.db') });
    prepared = new PreparedCampaignStore(database.db);
    results = new DatabaseResultsStore(database);
    const manifest = {
      plan: plan(CAMPAIGN),
      callOptions: {},
      source: { campaignDir: '/c', date: '2026-02-14' },
    };
    await prepared.write(CAMPAIGN, storedRows(23), () => manifest);
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  const readAll = async (pageSize: number) => {
    const entries: ReportEntry[] = [];
    for await (const entry of prepared.reportEntries(CAMPAIGN, pageSize)) entries.push(entry);
    return entries;
  };

  it('gives every row once, in file order, across pages, each valid row with its result', async () => {
    const row3 = storedRow(3);
    const row7 = storedRow(7);
    await results.record(rowResult(row3, 'completed', [attempt(1)]));
    await results.record(rowResult(row7, 'no-answer', [attempt(1, { status: 'no-answer' })]));
    const entries = await readAll(4);
    expect(entries.map((entry) => entry.row.line)).toEqual(Array.from({ length: 23 }, (_, i) => i + 2));
    const withResults = entries.filter((entry) => entry.result !== undefined);
    expect(withResults.map((entry) => [entry.row.line, entry.result?.outcome])).toEqual([
      [3, 'completed'],
      [7, 'no-answer'],
    ]);
  });

  it('never attaches a result to a row the contacts file made invalid', async () => {
    // A result stored under an invalid row's key (a bug elsewhere) must not surface as its outcome.
    await results.record(rowResult(storedRow(10), 'completed', [attempt(1)]));
    const entry = (await readAll(1_000)).find((e) => e.row.line === 10);
    expect(entry).toEqual({ row: storedRow(10) });
  });

  it('marks a damaged result unreadable and still reads the rows after it', async () => {
    await results.record(rowResult(storedRow(3), 'completed', [attempt(1)]));
    await results.record(rowResult(storedRow(4), 'completed', [attempt(1)]));
    await database.db
      .updateTable('row_results')
      .set({ result: '{"half' })
      .where('row_key', '=', 'r3')
      .execute();
    const entries = await readAll(2);
    expect(entries.find((e) => e.row.line === 3)?.unreadable).toMatch(/result of row r3 .* is not JSON/);
    expect(entries.find((e) => e.row.line === 4)?.result?.outcome).toBe('completed');
    expect(entries).toHaveLength(23);
  });

  it('reads nothing for a campaign that was never prepared', async () => {
    const entries: ReportEntry[] = [];
    for await (const entry of prepared.reportEntries('other')) entries.push(entry);
    expect(entries).toEqual([]);
  });
});
