import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenDatabase, openDatabase } from '../../../src/storage/database.js';
import { PreparedCampaignStore, type StoredRow } from '../../../src/storage/preparedCampaignStore.js';
import { plan } from '../../support/purgeFixture.js';

/** Every 7th row invalid, every 11th a duplicate; the rest valid. */
function storedRow(line: number): StoredRow {
  const columns = { name: `Person ${line}`, phone: `070-${line}` };
  if (line % 7 === 0) {
    return {
      line,
      rowKey: `line-${line}`,
      columns,
      status: 'invalid',
      reason: 'empty phone number',
      column: 'phone',
    };
  }
  const phoneE164 = `+4670${String(line).padStart(7, '0')}`;
  if (line % 11 === 0) {
    return {
      line,
      rowKey: `r${line}`,
      columns,
      phoneE164,
      status: 'duplicate',
      duplicateOf: 2,
      column: 'phone',
    };
  }
  return {
    line,
    rowKey: `r${line}`,
    columns,
    phoneE164,
    status: 'valid',
    call: {
      maskedPhone: '+46 70•••••01',
      timezones: ['Europe/Stockholm'],
      task: `Call ${line}`,
      overrides: {},
    },
  };
}

async function* rowsOf(lines: number): AsyncIterable<StoredRow> {
  for (let line = 2; line < 2 + lines; line++) yield storedRow(line);
}

const manifest = (campaignId: string) => () => ({
  plan: plan(campaignId),
  callOptions: {},
  source: { campaignDir: '/campaigns/x', date: '2026-03-02' },
});

describe('PreparedCampaignStore.write (SQLite)', () => {
  let dir: string;
  let database: OpenDatabase;
  let store: PreparedCampaignStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-prepared-'));
    database = await openDatabase({ kind: 'sqlite', path: join(dir, 'campaigns.db') });
    store = new PreparedCampaignStore(database.db);
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every row of several full insert batches and a partial one, each value in its column', async () => {
    const lines = 1_234;
    await store.write('camp-1', rowsOf(lines), manifest('camp-1'));

    const stored = await database.db
      .selectFrom('campaign_rows')
      .selectAll()
      .where('campaign_id', '=', 'camp-1')
      .orderBy('line')
      .execute();
    expect(stored).toHaveLength(lines);
    let validIndex = 0;
    for (const [index, row] of stored.entries()) {
      const expected = storedRow(index + 2);
      const isValid = expected.status === 'valid';
      expect(row).toEqual({
        campaign_id: 'camp-1',
        line: expected.line,
        row_key: expected.rowKey,
        status: expected.status,
        valid_index: isValid ? validIndex : null,
        data: JSON.stringify(expected),
      });
      if (isValid) validIndex += 1;
    }

    const campaign = await database.db.selectFrom('campaigns').selectAll().executeTakeFirstOrThrow();
    expect(campaign).toMatchObject({ campaign_id: 'camp-1', total_rows: lines, valid_rows: validIndex });
    const page = await store.page('camp-1', 495, 10);
    expect(page.map((row) => row.line)).toEqual(
      stored
        .filter((row) => row.valid_index !== null && row.valid_index >= 495 && row.valid_index < 505)
        .map((row) => row.line),
    );
  });

  it('replaces the rows of a campaign prepared again, and leaves other campaigns alone', async () => {
    await store.write('camp-1', rowsOf(1_100), manifest('camp-1'));
    await store.write('camp-2', rowsOf(600), manifest('camp-2'));
    await database.db.deleteFrom('campaigns').where('campaign_id', '=', 'camp-1').execute();
    await store.write('camp-1', rowsOf(700), manifest('camp-1'));

    const count = async (campaignId: string) =>
      (
        await database.db
          .selectFrom('campaign_rows')
          .select((eb) => eb.fn.countAll<number>().as('rows'))
          .where('campaign_id', '=', campaignId)
          .executeTakeFirstOrThrow()
      ).rows;
    expect(await count('camp-1')).toBe(700);
    expect(await count('camp-2')).toBe(600);
  });
});
