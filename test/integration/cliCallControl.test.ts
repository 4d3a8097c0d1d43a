import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import { clientRequestId } from '../../src/engine/ids.js';
import { createLogger } from '../../src/logging/logger.js';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { type OpenDatabase, openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/storage/databaseUrl.js';
import { swedishContacts, writeCampaign } from '../support/campaignStack.js';
import { buildCli, cmc, expectCleanRefusal } from '../support/cli.js';
import { until } from '../support/until.js';

const CAMPAIGN = 'cli-call-1';
const PATIENT = '+46701110001';
const SECOND = '+46701110002';
const DESK = '+46709990000';

/**
 * `cmc call show|end|transfer|update` through the built CLI against the simulator. No
 * Temporal: the campaign's rows and attempts are written to the store as the runner
 * would have (a placed attempt with the simulator's sid), so each test owns its call.
 */
describe('cmc call (live-call control by campaign and row)', () => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  let api: CallMyCallClient;
  let database: OpenDatabase;
  let env: NodeJS.ProcessEnv;
  let workDir: string;
  const apiKey = 'sim_call_key';

  beforeAll(async () => {
    await buildCli();
    workDir = await mkdtemp(join(tmpdir(), 'cmc-call-'));
    sim = await startSimulator({
      port: 0,
      // Slow enough that a call stays live for minutes, fast enough that it speaks at once.
      speed: 20,
      apiKey,
      webhookSecret: 'whsec_call',
      credits: 10_000,
      logger: createLogger('test', { level: 'silent' }),
    });
    admin = new SimulatorAdmin(sim.url);
    api = new CallMyCallClient({ baseUrl: sim.url, apiKey });
    env = {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      CALLMYCALL_BASE_URL: sim.url,
      CALLMYCALL_API_KEY: apiKey,
      CALLMYCALL_WEBHOOK_SECRET: 'whsec_call',
      CMC_DATA_DIR: join(workDir, 'data'),
      CMC_REPORTS_DIR: join(workDir, 'reports'),
      CMC_ROW_KEY_SECRET: 'cli-call-row-key-secret',
    };
    database = await openDatabase(parseDatabaseUrl(undefined, env.CMC_DATA_DIR as string));
    await database.db
      .insertInto('campaigns')
      .values({
        campaign_id: CAMPAIGN,
        name: 'call control',
        manifest: '{}',
        source_digest: 'x',
        total_rows: 3,
        valid_rows: 2,
        prepared_at: new Date().toISOString(),
      })
      .execute();
    await database.db
      .insertInto('campaign_rows')
      .values([
        { campaign_id: CAMPAIGN, line: 2, row_key: 'rowa', status: 'valid', valid_index: 0, data: '{}' },
        { campaign_id: CAMPAIGN, line: 3, row_key: 'rowb', status: 'valid', valid_index: 1, data: '{}' },
        { campaign_id: CAMPAIGN, line: 4, row_key: 'rowc', status: 'invalid', valid_index: null, data: '{}' },
      ])
      .execute();
  });
  afterAll(async () => {
    await database?.close();
    await sim?.close();
  });

  /** A live call placed for `rowKey`, recorded in the ledger as the runner records it. */
  async function liveCallFor(rowKey: string, phone: string, attempt = 1): Promise<string> {
    await admin.setScenario({
      byNumber: {
        [phone]: {
          duration_ms: 3_600_000,
          transcript: Array.from({ length: 40 }, (_, i) => ({
            role: i % 2 === 0 ? ('assistant' as const) : ('user' as const),
            text: i % 2 === 0 ? `Hello, this is the clinic (${i})` : `Yes, speaking (${i})`,
          })),
        },
      },
    });
    const { sid } = await api.startCall({ phone_number: phone, task: 'Confirm the appointment' });
    await database.db
      .insertInto('attempts')
      .values({
        client_request_id: clientRequestId(CAMPAIGN, rowKey, attempt),
        campaign_id: CAMPAIGN,
        row_key: rowKey,
        attempt,
        state: 'placed',
        sid,
        reason: null,
        at: new Date().toISOString(),
        phone_e164: phone,
      })
      .execute();
    await until(
      () => api.getCall(sid),
      (answer) => answer.call.status === 'in-progress' && answer.transcripts.length > 0,
    );
    return sid;
  }

  const simCall = async (sid: string) => (await admin.calls()).find((call) => call.sid === sid);
  const actionsOf = (rowKey: string) =>
    database.db.selectFrom('call_actions').selectAll().where('row_key', '=', rowKey).orderBy('at').execute();

  it('has --help with examples', async () => {
    const help = await cmc(['call', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    for (const sub of ['show', 'end', 'transfer', 'update', 'watch', 'activate', 'drop-user', 'conference']) {
      const result = await cmc(['call', sub, '--help'], env);
      expect(result.code, sub).toBe(0);
      expect(result.stdout).toContain(`Usage: cmc call ${sub}`);
    }
  });

  it('show prints the status and transcript; end hangs up and is recorded for the row', async () => {
    const sid = await liveCallFor('rowa', PATIENT);

    const shown = await cmc(['call', 'show', CAMPAIGN, '2'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(sid);
    expect(shown.stdout).toContain('status: in-progress');
    expect(shown.stdout).toContain('assistant: Hello, this is the clinic (0)');
    expect(shown.stdout).not.toContain(apiKey);

    const byKey = await cmc(['call', 'show', CAMPAIGN, 'rowa', '--json'], env);
    expect(byKey.code, byKey.stderr).toBe(0);
    expect(JSON.parse(byKey.stdout)).toMatchObject({ sid, rowKey: 'rowa', line: 2, attempt: 1 });

    const ended = await cmc(['call', 'end', CAMPAIGN, '2'], env);
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toContain(`${sid}`);
    expect(ended.stdout).toContain(': ended');
    const call = await until(
      () => simCall(sid),
      (c) => c?.ended_at !== null,
    );
    expect(call?.status).toBe('completed');
    expect(await actionsOf('rowa')).toMatchObject([{ sid, action: 'end', attempt: 1, outcome: 'ended' }]);

    // Ending it again is no error: the API says it was already closed, and that is recorded too.
    const again = await cmc(['call', 'end', '--sid', sid, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sid, action: 'end', outcome: 'already ended' });
    expect((await actionsOf('rowa')).map((a) => a.outcome)).toEqual(['ended', 'already ended']);
  });

  it('transfer and update send the right body to the API and are recorded', async () => {
    const sid = await liveCallFor('rowb', SECOND);

    const transferred = await cmc(
      ['call', 'transfer', CAMPAIGN, 'rowb', '--to', '+46 70 999 00 00', '--cold'],
      env,
    );
    expect(transferred.code, transferred.stderr).toBe(0);
    expect(transferred.stdout).toContain(`transferred to ${DESK} (cold)`);
    expect((await simCall(sid))?.transfers).toMatchObject([{ destination: DESK, warm: false }]);

    const updated = await cmc(
      [
        'call',
        'update',
        '--sid',
        sid,
        '--task',
        'Ask only for a new time',
        '--max-duration',
        '3m',
        '--transfer-number',
        DESK,
      ],
      env,
    );
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('updated task, max_duration, transfer_number');
    expect(await simCall(sid)).toMatchObject({
      task: 'Ask only for a new time',
      transfer_number: DESK,
      max_duration: 180,
    });

    expect(await actionsOf('rowb')).toMatchObject([
      { action: 'transfer', parameters: JSON.stringify({ destination: DESK, warm: false }) },
      {
        action: 'update',
        parameters: JSON.stringify({
          task: 'Ask only for a new time',
          max_duration: 180,
          transfer_number: DESK,
        }),
      },
    ]);
    await api.endCall(sid);
  });

  it('activate, drop-user and conference on a call without an operator: exit 4, the call untouched', async () => {
    const sid = await liveCallFor('rowb', SECOND, 2);
    for (const sub of ['activate', 'drop-user', 'conference']) {
      const result = await cmc(['call', sub, CAMPAIGN, 'rowb'], env);
      expect(result.code, sub).toBe(4);
      expectCleanRefusal(result, 'not a userOnCall session');
    }
    const call = await simCall(sid);
    expect(call).toMatchObject({
      status: 'in-progress',
      task: 'Confirm the appointment',
      user_on_call: false,
    });
    // The refused actions are on the row's record; a look (conference) is not an action.
    const actions = (await actionsOf('rowb')).filter((a) => a.attempt === 2);
    expect(actions.map((a) => a.action)).toEqual(['activate', 'drop-user']);
    expect(actions.every((a) => a.outcome.startsWith('refused:'))).toBe(true);
    const emptyTask = await cmc(['call', 'activate', CAMPAIGN, 'rowb', '--task', ' '], env);
    expect(emptyTask.code).toBe(2);
    await api.endCall(sid);
  });

  it('refuses hostile input with exit 2 or 4 and a clear message, touching no call', async () => {
    const before = (await admin.calls()).length;
    const badNumber = await cmc(['call', 'transfer', CAMPAIGN, 'rowb', '--to', '0701234567'], env);
    expect(badNumber.code).toBe(2);
    expectCleanRefusal(badNumber, 'E.164');

    const unknownCampaign = await cmc(['call', 'end', 'no-such-campaign', '2'], env);
    expect(unknownCampaign.code).toBe(4);
    expectCleanRefusal(unknownCampaign, 'no campaign "no-such-campaign"');

    const unknownRow = await cmc(['call', 'end', CAMPAIGN, '99'], env);
    expect(unknownRow.code).toBe(4);
    expectCleanRefusal(unknownRow, 'has no row on line 99');

    const neverDialled = await cmc(['call', 'end', CAMPAIGN, '4'], env);
    expect(neverDialled.code).toBe(4);
    expectCleanRefusal(neverDialled, 'no placed call');

    // A real call on the account, but not one this deployment's campaigns placed (long, so
    // only an end-call could have ended it by the time it is checked).
    await admin.setScenario({ byNumber: { '+46701119999': { duration_ms: 3_600_000 } } });
    const { sid: foreign } = await api.startCall({ phone_number: '+46701119999', task: 'Someone else' });
    const notOurs = await cmc(['call', 'end', '--sid', foreign], env);
    expect(notOurs.code).toBe(4);
    expectCleanRefusal(notOurs, 'is not a call placed by this deployment');
    expect((await simCall(foreign))?.ended_at).toBeNull();

    const both = await cmc(['call', 'show'], env);
    expect(both.code).toBe(2);
    expectCleanRefusal(both, 'name the call by');

    const nothingToUpdate = await cmc(['call', 'update', CAMPAIGN, 'rowb'], env);
    expect(nothingToUpdate.code).toBe(2);
    expect((await admin.calls()).length).toBe(before + 1);
    await api.endCall(foreign);
  });

  it("call test places exactly one call to --to with the row's rendered task and prints the disposition", async () => {
    const TESTER = '+46705550123';
    const dir = await writeCampaign(
      workDir,
      'reminders',
      {
        name: 'reminders',
        call: {
          task: 'Confirm {{first_name}} on {{appointment_date}} at {{appointment_time}}',
          language: 'en',
        },
        concurrency: 1,
        callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
        credits: { budget: 100, estimatePerCall: 2 },
      },
      swedishContacts(3).csv,
    );
    await admin.setScenario({
      byNumber: {
        [TESTER]: {
          duration_ms: 20_000,
          goal_completed: true,
          transcript: [
            { role: 'assistant', text: 'Hi Person2, can you confirm your appointment?' },
            { role: 'user', text: 'Yes, I will be there.' },
          ],
        },
      },
    });
    const before = await admin.calls();

    const badTo = await cmc(['call', 'test', dir, '--to', '070-555'], env);
    expect(badTo.code).toBe(2);
    expectCleanRefusal(badTo, 'E.164');

    const tested = await cmc(['call', 'test', dir, '--to', TESTER, '--row', '3', '--json'], env);
    expect(tested.code, tested.stderr).toBe(0);
    const after = await admin.calls();
    const placed = after.filter((call) => !before.some((old) => old.sid === call.sid));
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ to: TESTER, task: 'Confirm Person2 on 2026-12-02 at 10:01' });
    const requests = (await admin.startCallRequests()).filter((r) => r.sid === placed[0]?.sid);
    expect(requests[0]?.clientRequestId).toMatch(/^test:[0-9a-f-]{36}$/);

    const shown = JSON.parse(tested.stdout);
    expect(shown).toMatchObject({
      sid: placed[0]?.sid,
      to: TESTER,
      outcome: 'completed',
      campaign: { name: 'reminders', line: 3 },
      transcript: [{ role: 'assistant' }, { role: 'user', text: 'Yes, I will be there.' }],
    });
    expect(typeof shown.disposition.disposition).toBe('string');
    expect(typeof shown.credits).toBe('number');
    // Recorded apart from campaigns: a file of its own, nothing in the campaign store.
    const files = await readdir(join(env.CMC_REPORTS_DIR as string, 'tests'));
    expect(files).toHaveLength(1);
    expect(JSON.parse(await readFile(shown.file, 'utf8'))).toMatchObject({
      sid: placed[0]?.sid,
      kind: 'test-call',
    });
    expect(await database.db.selectFrom('row_results').selectAll().execute()).toEqual([]);
    expect(
      await database.db
        .selectFrom('attempts')
        .select('sid')
        .where('sid', '=', placed[0]?.sid as string)
        .execute(),
    ).toEqual([]);

    const human = await cmc(['call', 'test', dir, '--to', TESTER], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('task of line 2: Confirm Person1 on 2026-12-01 at 10:00');
    expect(human.stdout).toMatch(/disposition: \S+/);
    expect(human.stdout).toContain('outcome: completed');
  });
});
