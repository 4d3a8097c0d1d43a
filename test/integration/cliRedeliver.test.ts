import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishContacts, writeCampaign } from '../support/campaignStack.js';
import { buildCli, type CliStack, cmc, expectCleanRefusal, startCliStack } from '../support/cli.js';
import { ResultReceiver } from '../support/resultReceiver.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';
import { until } from '../support/until.js';

const SECRET_ENV = 'CLINIC_REDELIVER_SECRET';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ROWS = 3;

/** `cmc webhooks redeliver` through the built CLI, against a clinic receiver that refuses, then accepts. */
describe('cmc webhooks redeliver (the built CLI)', () => {
  let ctx: TemporalTestContext;
  let stack: CliStack;
  let receiver: ResultReceiver;
  beforeAll(async () => {
    await buildCli();
    ctx = await connectToTestServer();
    stack = await startCliStack(ctx, { speed: 60 });
    // The in-process worker signs with the secret its environment names.
    process.env[SECRET_ENV] = SECRET;
    receiver = await ResultReceiver.start(SECRET);
  });
  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
    await ctx?.close();
  });

  it('sends the dead-lettered events again with their ids once the receiver is fixed', async () => {
    const settings = {
      call: { task: 'Confirm {{first_name}}', language: 'en' },
      concurrency: 3,
      callsPerMinute: 600,
      callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
      retry: { maxAttempts: 1 },
      credits: { budget: 1000, estimatePerCall: 1 },
    };
    const dir = await writeCampaign(
      stack.workDir,
      'redeliver',
      { name: 'Redeliver', ...settings, resultWebhook: { url: receiver.url, secretEnv: SECRET_ENV } },
      swedishContacts(ROWS, 46701768000).csv,
    );
    // The clinic's endpoint rejects every event (a bad deploy on their side): all dead-lettered.
    receiver.answerForAll(422);
    const campaignId = `redeliver-${Date.now().toString(36)}`;
    const run = await cmc(['run', dir, '--id', campaignId, '--wait'], stack.env);
    expect(run.code, run.stderr).toBe(0);
    const statusOf = async () => JSON.parse((await cmc(['status', campaignId, '--json'], stack.env)).stdout);
    const dead = await until(statusOf, (view) => view.stored?.resultWebhooks?.dead === ROWS + 1, 90_000);
    expect(dead.stored.resultWebhooks).toMatchObject({ delivered: 0, pending: 0 });
    const refused = receiver.deliveries.filter((delivery) => delivery.status === 422);
    expect(new Set(refused.map((delivery) => delivery.id)).size).toBe(ROWS + 1);

    receiver.answerForAll(undefined);
    const redelivered = await cmc(
      ['webhooks', 'redeliver', campaignId, '--dead-letter', '--json'],
      stack.env,
    );
    expect(redelivered.code, redelivered.stderr).toBe(0);
    expect(JSON.parse(redelivered.stdout)).toMatchObject({ campaignId, requeued: ROWS + 1 });
    await until(statusOf, (view) => view.stored?.resultWebhooks?.delivered === ROWS + 1, 60_000);
    // The same webhook-ids as the refused ones: a receiver that dedupes keeps one of each.
    expect(new Set(receiver.accepted().keys())).toEqual(new Set(refused.map((delivery) => delivery.id)));
    expect([...receiver.accepted().values()].every((delivery) => delivery.verified)).toBe(true);

    // Nothing dead is left: --dead-letter now requeues nothing, and says so.
    const nothing = await cmc(['webhooks', 'redeliver', campaignId, '--dead-letter'], stack.env);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain(`0 event(s) of ${campaignId} queued`);

    const plain = await writeCampaign(
      stack.workDir,
      'no-webhook',
      { name: 'Plain', ...settings },
      swedishContacts(1, 46701768100).csv,
    );
    const plainId = `${campaignId}-plain`;
    expect((await cmc(['run', plain, '--id', plainId, '--wait'], stack.env)).code).toBe(0);
    const noWebhook = await cmc(['webhooks', 'redeliver', plainId], stack.env);
    expect(noWebhook.code).toBe(2);
    expectCleanRefusal(noWebhook, 'has no resultWebhook');
  }, 240_000);

  it.each([
    ['an unknown campaign', 'no-such-campaign', 'no campaign "no-such-campaign"'],
    ['a hostile id', '../../etc/passwd', 'is not a campaign ID'],
  ])('refuses %s with exit 4 and a clear message', async (_what, id, message) => {
    const result = await cmc(['webhooks', 'redeliver', id], stack.env);
    expect(result.code).toBe(4);
    expectCleanRefusal(result, message);
  });
});
