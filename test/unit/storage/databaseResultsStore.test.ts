import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafePathSegmentError } from '../../../src/results/pathSegment.js';
import { CorruptResultError } from '../../../src/results/resultsStore.js';
import type { RowResult } from '../../../src/results/rowResult.js';
import { type OpenDatabase, openDatabase } from '../../../src/storage/database.js';
import { DatabaseResultsStore, InvalidResultError } from '../../../src/storage/databaseResultsStore.js';

function result(rowKey: string, attempts: number, overrides: Partial<RowResult> = {}): RowResult {
  return {
    campaignId: 'camp-1',
    rowKey,
    line: 2,
    columns: { name: 'Anna' },
    outcome: 'completed',
    attempts: Array.from({ length: attempts }, (_, i) => ({
      attempt: i + 1,
      clientRequestId: `camp-1:${rowKey}:${i + 1}`,
      status: 'busy',
    })),
    recordedAt: '2026-02-14T10:00:00.000Z',
    ...overrides,
  };
}

async function listAll(store: DatabaseResultsStore, campaignId: string): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for await (const r of store.list(campaignId)) out.push(r);
  return out;
}

describe('DatabaseResultsStore (SQLite)', () => {
  let dir: string;
  let database: OpenDatabase;
  let store: DatabaseResultsStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-results-'));
    database = await openDatabase({ kind: 'sqlite', path: join(dir, 'campaigns.db') });
    store = new DatabaseResultsStore(database);
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps one record when the same row is written twice, also at once', async () => {
    await store.record(result('row-a', 1));
    await store.record(result('row-a', 1));
    await Promise.all([store.record(result('row-a', 1)), store.record(result('row-a', 1))]);
    expect(await listAll(store, 'camp-1')).toHaveLength(1);
  });

  it('replaces a record with one that has as many or more attempts', async () => {
    await store.record(result('row-a', 1, { outcome: 'busy' }));
    await store.record(result('row-a', 2, { outcome: 'completed' }));
    expect((await store.get('camp-1', 'row-a'))?.outcome).toBe('completed');
    await store.record(result('row-a', 2, { outcome: 'completed', recording: 'recordings/row-a-2.mp3' }));
    expect((await store.get('camp-1', 'row-a'))?.recording).toBe('recordings/row-a-2.mp3');
  });

  it('does not let a stale write with fewer attempts move the row back', async () => {
    await store.record(result('row-a', 3, { outcome: 'no-answer' }));
    await store.record(result('row-a', 1, { outcome: 'busy' }));
    const stored = await store.get('camp-1', 'row-a');
    expect(stored?.outcome).toBe('no-answer');
    expect(stored?.attempts).toHaveLength(3);
  });

  it("counts a campaign's results by outcome, for cmc status", async () => {
    await store.record(result('row-a', 1, { outcome: 'completed' }));
    await store.record(result('row-b', 2, { outcome: 'busy' }));
    await store.record(result('row-c', 1, { outcome: 'completed' }));
    await store.record({ ...result('row-d', 1), campaignId: 'camp-2' });
    expect(await store.countByOutcome('camp-1')).toEqual({ busy: 1, completed: 2 });
    expect(await store.countByOutcome('nothing')).toEqual({});
  });

  it('returns undefined for a row or campaign it has never seen', async () => {
    expect(await store.get('camp-1', 'nobody')).toBeUndefined();
    expect(await listAll(store, 'no-such-campaign')).toEqual([]);
  });

  it('lists every row of one campaign, more than a page of them', async () => {
    for (let i = 0; i < 1_203; i++) await store.record(result(`row-${String(i).padStart(4, '0')}`, 1));
    await store.record({ ...result('row-c', 1), campaignId: 'camp-2' });
    const keys = (await listAll(store, 'camp-1')).map((r) => r.rowKey);
    expect(keys).toHaveLength(1_203);
    expect(new Set(keys).size).toBe(1_203);
  });

  it.each(['../escape', '..', 'a/b', '', '.hidden', 'row key', 'r\u0000'])(
    'rejects the unsafe row key %j (row keys also name recordings and workflows)',
    async (rowKey) => {
      await expect(store.record(result(rowKey, 1))).rejects.toBeInstanceOf(UnsafePathSegmentError);
    },
  );

  it('reports a damaged stored record instead of returning garbage', async () => {
    await store.record(result('row-a', 1));
    await database.db.updateTable('row_results').set({ result: '{"rowKey":"row-a"}' }).execute();
    await expect(store.get('camp-1', 'row-a')).rejects.toBeInstanceOf(CorruptResultError);
    await database.db.updateTable('row_results').set({ result: '{"half a re' }).execute();
    await expect(store.get('camp-1', 'row-a')).rejects.toBeInstanceOf(CorruptResultError);
  });

  it('refuses to write a result that could not be read back', async () => {
    const bad = { ...result('row-a', 1), outcome: 'maybe' } as unknown as RowResult;
    await expect(store.record(bad)).rejects.toBeInstanceOf(InvalidResultError);
    expect(await store.get('camp-1', 'row-a')).toBeUndefined();
  });
});
