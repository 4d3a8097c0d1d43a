import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resultWebhooksWorkflowId } from '../../src/engine/ids.js';
import { wakeResultDeliverer } from '../../src/resultWebhooks/wakeResultDeliverer.js';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  writeCampaign,
} from '../support/campaignStack.js';
import { ResultReceiver } from '../support/resultReceiver.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const SECRET_ENV = 'CLINIC_RESULTS_SECRET';
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

function campaign(url: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Result webhooks',
    idColumn: 'booking_id',
    call: { task: 'Confirm {{first_name}}', language: 'en' },
    concurrency: 4,
    callsPerMinute: 600,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 1 },
    credits: { budget: 10_000, estimatePerCall: 2 },
    resultWebhook: { url, secretEnv: SECRET_ENV },
    ...overrides,
  };
}

/** Contacts with a booking id column, the clinic's own key. */
function bookings(n: number, firstNumber: number): string {
  const { csv } = swedishContacts(n, firstNumber);
  const [header, ...lines] = csv.trim().split('\n');
  return `booking_id,${header}\n${lines.map((line, i) => `B-${1000 + i},${line}`).join('\n')}\n`;
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('result webhooks into the clinic system', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  let receiver: ResultReceiver;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx, { speed: 60, secretsEnv: { [SECRET_ENV]: secret } });
    receiver = await ResultReceiver.start(secret);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    await stack.admin.reset();
    receiver.deliveries.length = 0;
    receiver.answerForAll(undefined);
  });

  it('delivers every row once, signed, through a receiver outage and a worker restart, without holding up calls', async () => {
    const rows = 10;
    const campaignId = 'results-outage';
    const dir = await writeCampaign(
      stack.workDir,
      campaignId,
      campaign(receiver.url),
      bookings(rows, 46701741000),
    );
    receiver.downFor(20_000);
    const downSince = Date.now();

    const { handle } = await stack.run(async () => {
      const started = await stack.start({ campaignId, campaignDir: dir });
      // Stop this worker once a few rows are done: the next one picks the deliveries up.
      await until(
        async () => (await stack.store.resultEvents.counts(campaignId)).pending >= 3,
        30_000,
        'first events',
      );
      return started;
    });
    const finishedAt = await stack.run(async () => {
      const result = await handle.result();
      expect(result.status).toBe('completed');
      const at = Date.now();
      await until(() => receiver.accepted().size === rows + 1, 120_000, 'every event delivered');
      return at;
    });

    // Calls never waited for the receiver: the campaign ended while it was still down.
    expect(finishedAt - downSince).toBeLessThan(20_000);
    const accepted = [...receiver.accepted().values()];
    const rowEvents = accepted.filter((delivery) => delivery.type === 'row.finished');
    expect(rowEvents).toHaveLength(rows);
    expect(new Set(rowEvents.map((delivery) => delivery.data?.id))).toEqual(
      new Set(Array.from({ length: rows }, (_, i) => `B-${1000 + i}`)),
    );
    for (const delivery of rowEvents) {
      expect(delivery.data).toMatchObject({ campaign_id: campaignId, outcome: 'completed', attempts: 1 });
      expect(typeof delivery.data?.disposition).toBe('string');
      // The clinic's id, never the number.
      expect(JSON.stringify(delivery.data)).not.toMatch(/\+467017410/);
    }
    const summary = accepted.find((delivery) => delivery.type === 'campaign.finished');
    expect(summary?.data).toMatchObject({ campaignId, totalRows: rows });
    // The outage made the runner try again, each time with the event's own id.
    const refused = receiver.deliveries.filter((delivery) => delivery.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((delivery) => delivery.verified)).toBe(true);
    expect(refused.every((delivery) => receiver.accepted().has(delivery.id))).toBe(true);
    expect(await stack.store.resultEvents.counts(campaignId)).toEqual({
      pending: 0,
      delivered: rows + 1,
      dead: 0,
      stopped: 0,
    });
    // The deliverer ends once the campaign has closed and nothing is pending.
    await stack.run(() => ctx.client.workflow.getHandle(resultWebhooksWorkflowId(campaignId)).result());
  });

  it('dead-letters an event the receiver refuses, sends it again on redelivery, and stops on 410', async () => {
    const campaignId = 'results-refused';
    const dir = await writeCampaign(
      stack.workDir,
      campaignId,
      campaign(receiver.url),
      bookings(3, 46701742000),
    );
    let firstRow = '';
    await stack.run(async () => {
      const { handle } = await stack.start({ campaignId, campaignDir: dir });
      firstRow = await until(() => receiver.deliveries.length > 0, 30_000, 'a first delivery').then(
        () => receiver.deliveries[0]?.data?.row_key as string,
      );
      receiver.answerForRow(firstRow, 400);
      await handle.result();
    });
    // (The first delivery may have been accepted before the 400 was set: then nothing is dead.)
    await stack.run(() => ctx.client.workflow.getHandle(resultWebhooksWorkflowId(campaignId)).result());
    const counts = await stack.store.resultEvents.counts(campaignId);
    expect(counts.pending).toBe(0);
    expect(counts.delivered + counts.dead).toBe(4);
    receiver.answerForRow(firstRow, undefined);

    // Dead-letter a row for sure: refuse everything, redeliver all, then fix and redeliver the dead ones.
    receiver.answerForAll(422);
    expect(await stack.store.resultEvents.requeue(campaignId, 'all')).toBe(4);
    await stack.run(async () => {
      await wakeResultDeliverer(ctx.client, campaignId, stack.taskQueue);
      await ctx.client.workflow.getHandle(resultWebhooksWorkflowId(campaignId)).result();
    });
    expect(await stack.store.resultEvents.counts(campaignId)).toMatchObject({ dead: 4, pending: 0 });
    const refusedIds = receiver.deliveries.filter((delivery) => delivery.status === 422).map((d) => d.id);
    // Each refused event was tried three times, then left alone.
    expect(refusedIds).toHaveLength(12);

    receiver.answerForAll(undefined);
    const acceptedBefore = receiver.accepted().size;
    expect(await stack.store.resultEvents.requeue(campaignId, 'dead-letter')).toBe(4);
    await stack.run(async () => {
      await wakeResultDeliverer(ctx.client, campaignId, stack.taskQueue);
      await ctx.client.workflow.getHandle(resultWebhooksWorkflowId(campaignId)).result();
    });
    expect(await stack.store.resultEvents.counts(campaignId)).toMatchObject({ delivered: 4, dead: 0 });
    // Same ids as before: a receiver that already had one keeps one.
    expect(receiver.accepted().size).toBeGreaterThanOrEqual(acceptedBefore);
    expect(receiver.accepted().size).toBe(4);

    // 410 Gone: this campaign's deliveries stop at once.
    receiver.answerForAll(410);
    expect(await stack.store.resultEvents.requeue(campaignId, 'all')).toBe(4);
    await stack.run(async () => {
      await wakeResultDeliverer(ctx.client, campaignId, stack.taskQueue);
      const counts = await ctx.client.workflow.getHandle(resultWebhooksWorkflowId(campaignId)).result();
      expect(counts.stopped).toBe(true);
    });
    expect(await stack.store.resultEvents.counts(campaignId)).toMatchObject({ stopped: 4, pending: 0 });
    // Events already in flight may each meet the 410 once; none is tried again after it.
    const gone = receiver.deliveries
      .filter((delivery) => delivery.status === 410)
      .map((delivery) => delivery.id);
    expect(gone.length).toBeGreaterThan(0);
    expect(new Set(gone).size).toBe(gone.length);
  });

  it('writes nothing to the outbox for a campaign without resultWebhook', async () => {
    const campaignId = 'results-none';
    const { resultWebhook: _none, ...plain } = campaign(receiver.url);
    const dir = await writeCampaign(stack.workDir, campaignId, plain, bookings(2, 46701743000));
    await stack.run(async () => (await stack.start({ campaignId, campaignDir: dir })).handle.result());
    expect(await stack.store.resultEvents.counts(campaignId)).toEqual({
      pending: 0,
      delivered: 0,
      dead: 0,
      stopped: 0,
    });
    const summary = JSON.parse(await readFile(join(stack.reportsDir, campaignId, 'summary.json'), 'utf8'));
    expect(summary.totalRows).toBe(2);
  });
});
