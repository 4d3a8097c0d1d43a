import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultDataDir,
  FileResultsStore,
  InvalidResultError,
} from '../../../src/results/fileResultsStore.js';
import { UnsafePathSegmentError } from '../../../src/results/pathSegment.js';
import { CorruptResultError } from '../../../src/results/resultsStore.js';
import type { RowResult } from '../../../src/results/rowResult.js';

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

async function listAll(store: FileResultsStore, campaignId: string): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for await (const r of store.list(campaignId)) out.push(r);
  return out;
}

describe('FileResultsStore', () => {
  let dataDir: string;
  let store: FileResultsStore;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cmc-results-'));
    store = new FileResultsStore(dataDir);
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes one file per row under results/<campaignId>/<rowKey>.json', async () => {
    await store.record(result('row-a', 1));
    const files = await readdir(join(dataDir, 'results', 'camp-1'));
    expect(files).toEqual(['row-a.json']);
    const onDisk = JSON.parse(await readFile(join(dataDir, 'results', 'camp-1', 'row-a.json'), 'utf8'));
    expect(onDisk.rowKey).toBe('row-a');
  });

  it('gives one record when the same row is written twice', async () => {
    await store.record(result('row-a', 1));
    await store.record(result('row-a', 1));
    await Promise.all([store.record(result('row-a', 1)), store.record(result('row-a', 1))]);
    expect(await listAll(store, 'camp-1')).toHaveLength(1);
    expect(await readdir(join(dataDir, 'results', 'camp-1'))).toEqual(['row-a.json']);
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

  it('returns undefined for a row or campaign it has never seen', async () => {
    expect(await store.get('camp-1', 'nobody')).toBeUndefined();
    expect(await listAll(store, 'no-such-campaign')).toEqual([]);
  });

  it('lists every row of a campaign and ignores temp files and other campaigns', async () => {
    await store.record(result('row-a', 1));
    await store.record(result('row-b', 1));
    await store.record({ ...result('row-c', 1), campaignId: 'camp-2' });
    await writeFile(join(dataDir, 'results', 'camp-1', '.row-z.json.123.abc.tmp'), '{half');
    const keys = (await listAll(store, 'camp-1')).map((r) => r.rowKey).sort();
    expect(keys).toEqual(['row-a', 'row-b']);
  });

  it.each(['../escape', '..', 'a/b', 'a\\b', '', '.hidden', 'x..y', 'row key', 'r\u0000'])(
    'rejects the unsafe row key %j',
    async (rowKey) => {
      await expect(store.record(result(rowKey, 1))).rejects.toBeInstanceOf(UnsafePathSegmentError);
      await expect(store.get('camp-1', rowKey)).rejects.toBeInstanceOf(UnsafePathSegmentError);
    },
  );

  it('rejects an unsafe campaign id', async () => {
    await expect(store.record({ ...result('row-a', 1), campaignId: '../../etc' })).rejects.toBeInstanceOf(
      UnsafePathSegmentError,
    );
    await expect(async () => {
      for await (const _ of store.list('../x')) {
        // never reached
      }
    }).rejects.toBeInstanceOf(UnsafePathSegmentError);
  });

  it('accepts keys made of letters, digits, dot, underscore, colon and dash', async () => {
    await store.record(result('Ab9._:-z', 1));
    expect((await store.get('camp-1', 'Ab9._:-z'))?.rowKey).toBe('Ab9._:-z');
  });

  it('reports a corrupt result file by its path instead of returning garbage', async () => {
    await store.record(result('row-a', 1));
    await writeFile(join(dataDir, 'results', 'camp-1', 'row-a.json'), '{"rowKey":"row-a"}');
    await expect(store.get('camp-1', 'row-a')).rejects.toBeInstanceOf(CorruptResultError);
  });

  it('refuses to write a result that could not be read back', async () => {
    const bad = { ...result('row-a', 1), outcome: 'maybe' } as unknown as RowResult;
    await expect(store.record(bad)).rejects.toBeInstanceOf(InvalidResultError);
    expect(await store.get('camp-1', 'row-a')).toBeUndefined();
  });

  it('defaults its data dir to CMC_DATA_DIR, else ./.data', () => {
    expect(defaultDataDir({ CMC_DATA_DIR: '/srv/cmc' })).toBe('/srv/cmc');
    expect(defaultDataDir({})).toBe(join(process.cwd(), '.data'));
  });
});
