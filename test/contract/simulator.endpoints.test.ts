import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorAdminError } from '../../src/simulator/adminClient.js';
import { delay, startTestSimulator, type TestSimulator, waitFor } from './simulator.support.js';

/** Caller IDs, calendar authorization, voice cloning and the ongoing-call endpoints. */

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const CALL = { phone_number: '+46700000000', task: 'Confirm the booking' };

describe('caller ID verification', () => {
  it('goes pending -> verified, unlocks from_number, lists, and deletes', async () => {
    // Verification takes 2 s simulated: at speed 4 that is 500 ms, long enough to observe "pending".
    const s = await startTestSimulator({ speed: 4 });
    try {
      const started = await s.post('/v1/verify-caller-id', { phone_number: '+46123456789' });
      expect(started.status).toBe(200);
      const { verification_id, status } = (await started.json()) as {
        verification_id: string;
        status: string;
      };
      expect(status).toBe('pending');
      expect(verification_id).toMatch(/^VA[0-9a-f]{32}$/);

      const pending = await s.api(`/v1/verification-status/${verification_id}`);
      expect(await pending.json()).toMatchObject({ verification_id, status: 'pending' });
      expect((await s.post('/v1/start-call', { ...CALL, from_number: '+46123456789' })).status).toBe(400);

      await waitFor(async () => {
        const response = await s.api(`/v1/verification-status/${verification_id}`);
        return ((await response.json()) as { status: string }).status === 'verified';
      });
      const list = (await (await s.api('/v1/verified-caller-ids')).json()) as {
        caller_ids: Array<{ phone_number: string; verified_at: string }>;
      };
      expect(list.caller_ids).toEqual([{ phone_number: '+46123456789', verified_at: expect.any(String) }]);
      expect((await s.post('/v1/start-call', { ...CALL, from_number: '+46123456789' })).status).toBe(200);

      const removed = await s.api(`/v1/verified-caller-ids/${encodeURIComponent('+46123456789')}`, {
        method: 'DELETE',
      });
      expect(removed.status).toBe(200);
      expect(await removed.json()).toMatchObject({ success: true });
      const again = await s.api('/v1/verified-caller-ids/+46123456789', { method: 'DELETE' });
      expect(again.status).toBe(404);
      expect(
        ((await (await s.api('/v1/verified-caller-ids')).json()) as { caller_ids: unknown[] }).caller_ids,
      ).toEqual([]);
    } finally {
      await s.sim.close();
    }
  });

  it('validates the number and 404s an unknown verification', async () => {
    const bad = await t.post('/v1/verify-caller-id', { phone_number: '12345' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/phone_number/);
    expect((await t.api('/v1/verification-status/VA404')).status).toBe(404);
  });
});

describe('calendar authorization', () => {
  it('runs the OAuth flow through the simulator’s fake consent page', async () => {
    expect(await (await t.api('/calendar/status')).json()).toEqual({ authorized: false });

    const started = await t.api('/auth/google/calendar?format=json');
    expect(started.status).toBe(200);
    const { success, auth_url, state } = (await started.json()) as {
      success: boolean;
      auth_url: string;
      state: string;
    };
    expect(success).toBe(true);
    expect(auth_url.startsWith(`${t.url}/_sim/google/consent?`)).toBe(true);
    expect(new URL(auth_url).searchParams.get('state')).toBe(state);

    const consent = await (await fetch(auth_url)).text();
    const allow = /id="allow" href="([^"]+)"/.exec(consent)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(allow).toContain('/auth/google/callback?');
    const callback = await fetch(allow);
    expect(callback.status).toBe(200);
    expect(callback.headers.get('content-type')).toMatch(/text\/html/);
    expect(await callback.text()).toContain('Calendar Authorization Successful');

    const status = (await (await t.api('/calendar/status')).json()) as Record<string, unknown>;
    expect(status).toEqual({
      authorized: true,
      scopes: ['https://www.googleapis.com/auth/calendar'],
      expires_at: expect.any(String),
    });

    // A state is single-use.
    const replay = await fetch(allow);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'Invalid or expired authorization request' });

    const revoked = await t.api('/auth/google/revoke', { method: 'POST' });
    expect(await revoked.json()).toEqual({
      success: true,
      message: 'Calendar authorization revoked successfully',
    });
    expect(await (await t.api('/calendar/status')).json()).toEqual({ authorized: false });
  });

  it('redirects without format=json, accepts api_key in the query, and rejects bad states', async () => {
    const redirect = await fetch(`${t.url}/auth/google/calendar?api_key=sim_test_key`, {
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/\/_sim\/google\/consent\?/);
    expect((await fetch(`${t.url}/auth/google/calendar?api_key=wrong`, { redirect: 'manual' })).status).toBe(
      401,
    );

    const bad = await fetch(`${t.url}/auth/google/callback?code=abc&state=forged`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'Invalid or expired authorization request' });

    const { state } = (await (await t.api('/auth/google/calendar?format=json')).json()) as { state: string };
    const denied = await fetch(`${t.url}/auth/google/callback?error=access_denied&state=${state}`);
    expect(denied.status).toBe(400);
    expect(await (await t.api('/calendar/status')).json()).toEqual({ authorized: false });
  });
});

describe('POST /v1/elevenlabs/voices', () => {
  const sample = () => new Blob([Buffer.from('RIFF....WAVEfmt ')], { type: 'audio/wav' });

  it('clones a voice from multipart name + files', async () => {
    const form = new FormData();
    form.append('name', 'My Voice');
    form.append('files', sample(), 'sample1.wav');
    form.append('files', sample(), 'sample2.wav');
    form.append('remove_background_noise', 'true');
    const response = await t.api('/v1/elevenlabs/voices', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ voice_id: expect.stringMatching(/^\w+$/), name: 'My Voice' });
  });

  it('answers 400 without name, without files, or without multipart', async () => {
    const noName = new FormData();
    noName.append('files', sample(), 'a.wav');
    const a = await t.api('/v1/elevenlabs/voices', { method: 'POST', body: noName });
    expect(a.status).toBe(400);
    expect(((await a.json()) as { error: string }).error).toMatch(/name/);

    const noFiles = new FormData();
    noFiles.append('name', 'x');
    const b = await t.api('/v1/elevenlabs/voices', { method: 'POST', body: noFiles });
    expect(b.status).toBe(400);
    expect(((await b.json()) as { error: string }).error).toMatch(/files/);

    expect((await t.post('/v1/elevenlabs/voices', { name: 'x' })).status).toBe(400);
  });
});

describe('ongoing calls', () => {
  async function connectedCall(extra: Record<string, unknown> = {}): Promise<string> {
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 600_000 } });
    const sid = await t.startCall({ ...CALL, ...extra });
    await t.waitForStatus(sid, ['in-progress']);
    return sid;
  }

  it('transfers a connected call, warm by default', async () => {
    const sid = await connectedCall();
    const warm = await t.post(`/v1/calls/${sid}/transfer`, {
      destination: '+46123456789',
      reason: 'human_requested',
    });
    expect(await warm.json()).toEqual({ success: true, transferType: 'warm', callSid: sid });
    const cold = await t.post(`/v1/calls/${sid}/transfer`, { destination: '+46123456789', warm: false });
    expect(await cold.json()).toEqual({ success: true, transferType: 'cold', callSid: sid });
    const bad = await t.post(`/v1/calls/${sid}/transfer`, { destination: 'reception' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/destination/);
    const [call] = await t.admin.calls();
    expect(call?.transfers.map((x) => x.warm)).toEqual([true, false]);
  });

  it('PATCHes a live call; max_duration ends it early', async () => {
    const sid = await connectedCall();
    const patched = await t.api(`/v1/calls/${sid}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'Updated task', transfer_number: '+46123456789' }),
    });
    expect(await patched.json()).toMatchObject({ success: true, callSid: sid });
    expect((await t.admin.calls())[0]?.task).toBe('Updated task');

    const empty = await t.api(`/v1/calls/${sid}`, { method: 'PATCH', body: '{}' });
    expect(empty.status).toBe(400);
    const badNumber = await t.api(`/v1/calls/${sid}`, { method: 'PATCH', body: '{"transfer_number":"x"}' });
    expect(((await badNumber.json()) as { error: string }).error).toMatch(/transfer_number/);

    await t.api(`/v1/calls/${sid}`, { method: 'PATCH', body: JSON.stringify({ max_duration: 1 }) });
    const done = await t.waitForStatus(sid, ['completed'], 2_000);
    expect(done.call.duration).toBeLessThanOrEqual(2);
    expect(done.call.credits).toBe(1);

    const closed = await t.api(`/v1/calls/${sid}`, { method: 'PATCH', body: '{"task":"again"}' });
    expect(closed.status).toBe(404);
    expect(await closed.json()).toEqual({ error: 'Call not found' });
  });

  it('runs the user-on-call flow: conference status, activate, drop-user', async () => {
    const sid = await connectedCall({ userOnCall: true, userPhone: '+46111111111' });
    const before = (await (await t.api(`/v1/calls/${sid}/conference-status`)).json()) as Record<
      string,
      unknown
    >;
    expect(before).toMatchObject({
      success: true,
      state: 'connected',
      ai_active: false,
      participants: [
        { role: 'target', phone_number: '+46700000000', status: 'connected' },
        { role: 'user', phone_number: '+46111111111', status: 'connected' },
      ],
    });
    const activated = await t.post(`/v1/calls/${sid}/activate`, { task: 'Take over now', drop_user: false });
    expect(await activated.json()).toEqual({
      success: true,
      ai_activated: true,
      user_dropped: false,
      message: 'Call redirected to AI bidirectional stream',
    });
    // ai_takeover while the target is redirected (a simulated second), then active.
    const states: string[] = [];
    await waitFor(async () => {
      const { state } = (await (await t.api(`/v1/calls/${sid}/conference-status`)).json()) as {
        state: string;
      };
      if (states.at(-1) !== state) states.push(state);
      return state === 'active';
    });
    expect(['ai_takeover', 'active']).toContain(states[0]);
    expect(states.at(-1)).toBe('active');
    const again = await t.post(`/v1/calls/${sid}/activate`, {});
    expect(again.status).toBe(400);

    const dropped = await t.post(`/v1/calls/${sid}/drop-user`, {});
    expect(await dropped.json()).toMatchObject({ success: true, user_dropped: true });
    expect((await t.post(`/v1/calls/${sid}/drop-user`, {})).status).toBe(400);
    const after = (await (await t.api(`/v1/calls/${sid}/conference-status`)).json()) as {
      state: string;
      ai_active: boolean;
      participants: Array<{ role: string; status: string }>;
    };
    expect(after.state).toBe('active');
    expect(after.ai_active).toBe(true);
    expect(after.participants[1]?.status).toBe('disconnected');
  });

  it("keeps a user-on-call session's AI silent until activate: a call never handed over has only the people's lines", async () => {
    const transcript = [
      { role: 'assistant' as const, text: 'Hello, this is the clinic.' },
      { role: 'user' as const, text: 'Hi, speaking.' },
      { role: 'assistant' as const, text: 'Your appointment is confirmed.' },
      { role: 'user' as const, text: 'Thanks, bye.' },
    ];
    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 20_000, transcript } });
    const silent = await t.startCall({ ...CALL, userOnCall: true, userPhone: '+46111111111' });
    const never = await t.waitForStatus(silent, ['completed']);
    expect(never.transcripts.map((line) => line.role)).toEqual(['user', 'user']);
    expect(never.call.summary).toMatchObject({ goal_completed: false });

    await t.admin.setScenario({ default: { status: 'completed', duration_ms: 600_000, transcript } });
    const handed = await t.startCall({ ...CALL, userOnCall: true, userPhone: '+46111111111' });
    await t.waitForStatus(handed, ['in-progress']);
    expect((await t.post(`/v1/calls/${handed}/activate`, {})).status).toBe(200);
    // Activated before its first line: the AI says all of its lines and meets the goal.
    const after = await t.waitForStatus(handed, ['completed'], 15_000);
    expect(after.transcripts.map((line) => line.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
    expect(after.call.summary).toMatchObject({ goal_completed: true });
  });

  it('ends a user-on-call session whose target never answers as failed, and refuses activate on it', async () => {
    await t.admin.setScenario({ default: { status: 'busy' } });
    const sid = await t.startCall({ ...CALL, userOnCall: true, userPhone: '+46111111111' });
    await t.waitForStatus(sid, ['busy']);
    const status = (await (await t.api(`/v1/calls/${sid}/conference-status`)).json()) as { state: string };
    expect(status.state).toBe('failed');
    expect((await t.post(`/v1/calls/${sid}/activate`, {})).status).toBe(404);
  });

  it('answers 404 to activate and conference-status for a call that is not user-on-call', async () => {
    const sid = await connectedCall();
    for (const [method, path] of [
      ['POST', `/v1/calls/${sid}/activate`],
      ['GET', `/v1/calls/${sid}/conference-status`],
      ['POST', `/v1/calls/${sid}/drop-user`],
      ['POST', '/v1/calls/CA404/activate'],
    ] as const) {
      const response = await t.api(path, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'Call not found or not a userOnCall session' });
    }
  });

  it('answers 404 to transfer on a finished call', async () => {
    await t.admin.setScenario({ default: { status: 'busy' } });
    const sid = await t.startCall(CALL);
    await t.waitForStatus(sid, ['busy']);
    const response = await t.post(`/v1/calls/${sid}/transfer`, { destination: '+46123456789' });
    expect(response.status).toBe(404);
  });
});

describe('SimulatorAdmin client', () => {
  it('drives the admin API and surfaces 400s as SimulatorAdminError', async () => {
    await t.admin.setScenario({
      default: [{ status: 'no-answer' }, { status: 'completed', duration_ms: 1000 }],
    });
    await t.admin.setFaults({ start_call: [{ type: '500' }], webhooks: { drop: 0 } });
    await t.admin.setCredits(50);
    expect(await t.admin.credits()).toEqual({ balance: 50, minimum: 5 });
    expect((await t.post('/v1/start-call', CALL)).status).toBe(500);
    const sid = await t.startCall(CALL);
    await t.waitForStatus(sid, ['no-answer'], 5_000);
    const calls = await t.admin.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ sid, status: 'no-answer', credits: 0, webhook: null });
    expect(await t.admin.deliveries()).toEqual([]);

    const error = await t.admin
      .setScenario({ default: { status: 'ok' as 'completed' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorAdminError);
    expect((error as SimulatorAdminError).status).toBe(400);
    expect((error as Error).message).toMatch(/default\.status/);
    await expect(t.admin.setCredits(Number.NaN)).rejects.toThrow(/balance/);
  });

  it('405s a wrong method, 404s an unknown path (401 first under /v1)', async () => {
    expect((await fetch(`${t.url}/_sim/health`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${t.url}/nope`)).status).toBe(404);
    expect((await fetch(`${t.url}/v1/nope`)).status).toBe(401);
    expect((await t.api('/v1/nope')).status).toBe(404);
    await delay(1);
  });
});
