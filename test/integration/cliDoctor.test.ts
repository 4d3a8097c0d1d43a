import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import { createLogger } from '../../src/logging/logger.js';
import { startWebhookReceiver } from '../../src/webhooks/receiver.js';
import { swedishContacts, writeCampaign } from '../support/campaignStack.js';
import { buildCli, type CliStack, cmc, freePort, startCliStack } from '../support/cli.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const FROM = '+46701234500';
const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

interface Check {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

function campaignJson(call: Record<string, unknown> = {}, budget = 10_000) {
  return {
    name: 'doctor check',
    call: { task: 'Confirm {{first_name}} on {{appointment_date}}', language: 'en', ...call },
    concurrency: 2,
    callingWindow: alwaysOpen,
    credits: { budget, estimatePerCall: 2 },
  };
}

describe('cmc doctor (the built CLI against the simulator, a real receiver and Temporal)', () => {
  let ctx: TemporalTestContext;
  let stack: CliStack;
  let api: CallMyCallClient;
  beforeAll(async () => {
    await buildCli();
    ctx = await connectToTestServer();
    stack = await startCliStack(ctx, { speed: 60 });
    api = new CallMyCallClient({ baseUrl: stack.sim.url, apiKey: stack.env.CALLMYCALL_API_KEY as string });
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    await stack.admin.reset();
  });

  async function doctor(args: string[], env: NodeJS.ProcessEnv = stack.env) {
    const result = await cmc(['doctor', ...args, '--json'], env);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
    const check = (name: string) => report.checks.find((c) => c.name === name) as Check;
    return { ...result, report, check };
  }

  async function verify(phone: string) {
    const { verification_id } = await api.verifyCallerId({ phone_number: phone });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await api.getVerificationStatus(verification_id as string)).status).toBe('verified');
  }

  it('passes on the local stack, with one line per check, and the simulator delivered a signed test event', async () => {
    const human = await cmc(['doctor'], stack.env);
    expect(human.code, human.stdout + human.stderr).toBe(0);
    for (const name of [
      'temporal',
      'search attributes',
      'worker',
      'campaign store',
      'api key',
      'webhook receiver',
    ])
      expect(human.stdout).toMatch(new RegExp(`^PASS  ${name}`, 'm'));
    expect(human.stdout).toContain('checks passed');
    const deliveries = await stack.admin.deliveries();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 200 });
    expect(deliveries[0]?.url).toMatch(new RegExp(`^${stack.receiver.url}/webhook-probe/[A-Za-z0-9_-]{22}$`));
  });

  it('has --help with examples, places no call, and names Temporal problems with their fix', async () => {
    const help = await cmc(['doctor', '--help'], stack.env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cmc doctor');
    expect(help.stdout).toContain('Examples:');

    const closed = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const unreachable = await doctor([], { ...stack.env, TEMPORAL_ADDRESS: closed });
    expect(unreachable.code).toBe(1);
    expect(unreachable.check('temporal')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(closed),
      fix: expect.stringContaining('cmc dev'),
    });
    expect(unreachable.check('search attributes').status).toBe('skip');
    expect(Date.now() - started).toBeLessThan(30_000);

    const otherNamespace = await doctor([], { ...stack.env, TEMPORAL_NAMESPACE: 'no-such-namespace' });
    expect(otherNamespace.code).toBe(1);
    expect(otherNamespace.check('temporal').status).toBe('pass');
    expect(otherNamespace.check('search attributes')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('TEMPORAL_NAMESPACE'),
    });

    const noWorker = await doctor([], { ...stack.env, TEMPORAL_TASK_QUEUE: 'nobody-polls-this-queue' });
    expect(noWorker.check('worker')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('cmc worker'),
    });
    expect(await stack.admin.calls()).toEqual([]);
    expect((await stack.admin.stats()).startCallRequests).toBe(0);
  });

  it('passes for a campaign whose from_number is verified, within budget, no calendar', async () => {
    await verify(FROM);
    const dir = await writeCampaign(
      stack.workDir,
      'doctor-ok',
      campaignJson({ from_number: FROM }),
      swedishContacts(3).csv,
    );
    const { code, report, check } = await doctor([dir]);
    expect(code, JSON.stringify(report, null, 2)).toBe(0);
    expect(report.ok).toBe(true);
    expect(check('campaign')).toMatchObject({ status: 'pass' });
    expect(check('caller IDs')).toMatchObject({ status: 'pass', detail: expect.stringContaining(FROM) });
    expect(check('credits')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('about 6 credits'),
    });
  });

  it('fails on an unverified from_number (campaign or column) with the command that fixes it', async () => {
    const rowFrom = '+46701234599';
    await verify(FROM);
    const csvWithFrom =
      'first_name,phone_number,appointment_date,appointment_time,from_number\n' +
      `Anna,+46701740600,2026-12-01,10:00,${rowFrom}\n` +
      'Bo,+46701740601,2026-12-02,10:01,\n';
    const dir = await writeCampaign(
      stack.workDir,
      'doctor-unverified',
      campaignJson({ from_number: FROM }),
      csvWithFrom,
    );
    const { code, stderr, check } = await doctor([dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('caller IDs');
    expect(check('caller IDs')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`${rowFrom} (from_number on line 2)`),
      fix: `run \`cmc caller-id verify ${rowFrom} --wait\``,
    });
    expect(check('caller IDs').detail).not.toContain(`${FROM} (`);
    const human = await cmc(['doctor', dir], stack.env);
    expect(human.stdout).toMatch(/^FAIL {2}caller IDs/m);
    expect(human.stdout).toContain(`fix: run \`cmc caller-id verify ${rowFrom} --wait\``);
  });

  it('fails when the receiver is down, and says to start it', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { code, check } = await doctor([], { ...stack.env, WEBHOOK_PUBLIC_URL: down });
    expect(code).toBe(1);
    expect(check('webhook receiver')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`does not answer at WEBHOOK_PUBLIC_URL ${down}`),
      fix: expect.stringContaining('cmc webhooks'),
    });
    expect(check('api key').status).toBe('pass');
  });

  it("fails when the receiver's webhook secret differs from the account's, without printing either", async () => {
    const otherSecret = 'whsec_not_the_simulators_secret_0001';
    const receiver = await startWebhookReceiver({
      temporal: ctx.client,
      secrets: [otherSecret],
      logger: createLogger('test', { level: 'silent' }),
      port: 0,
    });
    try {
      const env = { ...stack.env, WEBHOOK_PUBLIC_URL: receiver.url, CALLMYCALL_WEBHOOK_SECRET: otherSecret };
      const { code, stdout, stderr, check } = await doctor([], env);
      expect(code).toBe(1);
      expect(check('webhook receiver')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('its signature did not verify'),
        fix: expect.stringContaining('CALLMYCALL_WEBHOOK_SECRET'),
      });
      for (const secret of [
        otherSecret,
        stack.env.CALLMYCALL_WEBHOOK_SECRET as string,
        stack.env.CALLMYCALL_API_KEY as string,
      ])
        expect(stdout + stderr).not.toContain(secret);
      expect((await stack.admin.deliveries()).at(-1)).toMatchObject({ status: 401 });
    } finally {
      await receiver.close();
    }
  });

  it('fails when enable_calendar is set and no calendar is authorised, or the estimate exceeds the budget', async () => {
    const dir = await writeCampaign(
      stack.workDir,
      'doctor-calendar',
      campaignJson({ enable_calendar: true }, 5),
      swedishContacts(3).csv,
    );
    const { code, check } = await doctor([dir]);
    expect(code).toBe(1);
    expect(check('calendar')).toMatchObject({ status: 'fail', fix: 'run `cmc calendar connect --wait`' });
    expect(check('credits')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('more than the budget of 5'),
    });
    expect(check('caller IDs').status).toBe('pass');
  });

  it('fails with the API key line when the key is refused, and never prints the key', async () => {
    const key = 'sim_refused_key_never_print_me';
    const { code, stdout, stderr, check } = await doctor([], { ...stack.env, CALLMYCALL_API_KEY: key });
    expect(code).toBe(1);
    expect(check('api key')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('CALLMYCALL_API_KEY'),
    });
    expect(check('webhook receiver').status).toBe('skip');
    expect(stdout + stderr).not.toContain(key);
  });

  it('reports a campaign that does not validate, or reaches outside its folder, and refuses bad usage with 2', async () => {
    const missing = await doctor([`${stack.workDir}/no-such-campaign`]);
    expect(missing.code).toBe(1);
    expect(missing.check('campaign')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('cmc validate'),
    });
    const outside = await writeCampaign(
      stack.workDir,
      'doctor-outside',
      { ...campaignJson(), contacts: '../../../../etc/passwd' },
      swedishContacts(1).csv,
    );
    const escaped = await doctor([outside]);
    expect(escaped.code).toBe(1);
    expect(escaped.check('campaign').status).toBe('fail');
    expect(escaped.check('caller IDs').status).toBe('skip');
    const badDate = await cmc(['doctor', outside, '--date', '2026-13-45'], stack.env);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).not.toMatch(/\n\s+at /);
  });
});
