import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../src/reports/summary.js';
import type { RowResult } from '../../src/results/rowResult.js';
import { campaignFinishedEvent, rowFinishedEvent } from '../../src/resultWebhooks/resultEvent.js';
import { type CampaignStore, openCampaignStore } from '../../src/storage/campaignStore.js';
import { storeBackends } from '../support/storeBackends.js';

const row = (rowKey: string): RowResult => ({
  campaignId: 'c1',
  rowKey,
  line: 2,
  columns: { booking_id: `B-${rowKey}` },
  outcome: 'completed',
  attempts: [],
  recordedAt: '2026-12-06T10:00:00.000Z',
});

/** The result webhooks' outbox, the same on both backends. */
describe.each(storeBackends())('result event outbox ($name)', (backend) => {
  let dataDir: string;
  let store: CampaignStore;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cmc-outbox-'));
    store = await openCampaignStore({
      CMC_DATA_DIR: dataDir,
      CMC_DATABASE_URL: await backend.newDatabaseUrl('outbox'),
    });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the first event of a row, moves it through its states once, and requeues with the same bytes', async () => {
    const events = store.resultEvents;
    const first = rowFinishedEvent(row('r1'), 'booking_id', new Date('2026-12-06T10:00:01Z'));
    await events.enqueue(first);
    // A retried activity writes the event again, later and from other data: nothing changes.
    await events.enqueue(rowFinishedEvent({ ...row('r1'), outcome: 'busy' }, 'booking_id', new Date()));
    await events.enqueue(rowFinishedEvent(row('r2'), 'booking_id', new Date('2026-12-06T10:00:02Z')));
    await events.enqueue(
      campaignFinishedEvent({ campaignId: 'c1' } as CampaignSummary, new Date('2026-12-06T10:00:03Z')),
    );
    expect((await events.get(first.id))?.body).toBe(first.body);
    expect((await events.pending('c1', 10)).map((event) => event.id)).toHaveLength(3);
    expect(await events.pending('c1', 1)).toEqual([{ id: first.id, createdAt: first.createdAt }]);

    await events.recordFailedTry(first.id, 'receiver answered 503');
    await events.settle(first.id, 'delivered', '2026-12-06T10:01:00Z');
    // Settled once: a late second settle does not move it.
    await events.settle(first.id, 'dead', '2026-12-06T10:02:00Z', 'late');
    expect(await events.get(first.id)).toMatchObject({ state: 'delivered', tries: 2 });
    const [second] = await events.pending('c1', 1);
    await events.settle(second?.id ?? '', 'dead', '2026-12-06T10:01:00Z', 'receiver answered 400');
    expect(await events.counts('c1')).toEqual({ pending: 1, delivered: 1, dead: 1, stopped: 0 });

    expect(await events.stopPending('c1', '2026-12-06T10:03:00Z', 'receiver answered 410 Gone')).toBe(1);
    expect(await events.counts('c1')).toEqual({ pending: 0, delivered: 1, dead: 1, stopped: 1 });
    expect(await events.requeue('c1', 'dead-letter')).toBe(2);
    expect(await events.counts('c1')).toEqual({ pending: 2, delivered: 1, dead: 0, stopped: 0 });
    expect(await events.requeue('c1', 'all')).toBe(1);
    expect(await events.get(first.id)).toMatchObject({ state: 'pending', tries: 0, body: first.body });
    expect(await events.counts('other')).toEqual({ pending: 0, delivered: 0, dead: 0, stopped: 0 });
  });
});
