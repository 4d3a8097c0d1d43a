import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallMyCallClient } from '../../src/callmycall/client.js';
import {
  buildCli,
  type CliStack,
  cmc,
  expectCleanRefusal,
  freePort,
  outputOf,
  spawnCmc,
  startCliStack,
} from '../support/cli.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const NUMBER = '+46701234567';

const wav = () => {
  const bytes = Buffer.alloc(2048);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WAVE', 8, 'latin1');
  return bytes;
};
const mp3 = () => Buffer.concat([Buffer.from('ID3\x04\x00\x00', 'latin1'), Buffer.alloc(1024)]);

describe('cmc caller-id, calendar and voice (the built CLI against the simulator)', () => {
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

  const simCallerIds = async () =>
    ((await api.listVerifiedCallerIds()) as { caller_ids: Array<{ phone_number: string }> }).caller_ids.map(
      (id) => id.phone_number,
    );

  it('has --help with examples on every new command', async () => {
    for (const args of [
      ['caller-id'],
      ['calendar'],
      ['voice'],
      ['voice', 'clone'],
      ['caller-id', 'verify'],
    ]) {
      const help = await cmc([...args, '--help'], stack.env);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout).toContain(`Usage: cmc ${args.join(' ')}`);
    }
    expect((await cmc(['caller-id', '--help'], stack.env)).stdout).toContain('Examples:');
  });

  it('caller-id verify --wait verifies, list shows it, remove removes it from the account', async () => {
    const verified = await cmc(['caller-id', 'verify', NUMBER, '--wait', '--json'], stack.env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout.trim())).toMatchObject({ phoneNumber: NUMBER, status: 'verified' });
    expect(await simCallerIds()).toEqual([NUMBER]);

    const listed = await cmc(['caller-id', 'list', '--json'], stack.env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).callerIds).toEqual([
      { phoneNumber: NUMBER, verifiedAt: expect.any(String) },
    ]);
    expect((await cmc(['caller-id', 'list'], stack.env)).stdout).toContain(NUMBER);

    const removed = await cmc(['caller-id', 'remove', NUMBER], stack.env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`removed ${NUMBER}`);
    expect(await simCallerIds()).toEqual([]);

    const again = await cmc(['caller-id', 'remove', NUMBER], stack.env);
    expect(again.code).toBe(4);
    expectCleanRefusal(again, 'not found');
  });

  it('caller-id verify without --wait prints the id and how to check it; status reads it', async () => {
    const started = await cmc(['caller-id', 'verify', '+46701234568'], stack.env);
    expect(started.code, started.stderr).toBe(0);
    const id = /id (\S+), pending/.exec(started.stdout)?.[1];
    expect(id, started.stdout).toBeDefined();
    expect(started.stdout).toContain(`cmc caller-id status ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // 2 s of simulated time at speed 60
    const status = await cmc(['caller-id', 'status', id as string, '--json'], stack.env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ verificationId: id, status: 'verified' });
  });

  it('caller-id refuses hostile input with exit 2 (bad number, malformed id) and an unknown id with 4', async () => {
    for (const bad of ['0701234567', 'not-a-number', '+4670123456789012345', '"; rm -rf /']) {
      const result = await cmc(['caller-id', 'verify', bad], stack.env);
      expect(result.code, bad).toBe(2);
      expectCleanRefusal(result, 'E.164');
    }
    for (const bad of ['../../v1/start-call', 'a/b', 'x'.repeat(200), '..']) {
      const result = await cmc(['caller-id', 'status', bad], stack.env);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toContain('verification id');
    }
    const unknown = await cmc(['caller-id', 'status', 'VAdoesnotexist'], stack.env);
    expect(unknown.code).toBe(4);
    expectCleanRefusal(unknown, 'not found');
    expect(await simCallerIds()).toEqual([]);
  });

  it('says which setting is wrong, never the key, when the API refuses the key (1) or is down (3)', async () => {
    const key = 'sim_wrong_key_do_not_print';
    const refused = await cmc(['caller-id', 'list'], { ...stack.env, CALLMYCALL_API_KEY: key });
    expect(refused.code).toBe(1);
    expectCleanRefusal(refused, 'CALLMYCALL_API_KEY');
    expect(refused.stdout + refused.stderr).not.toContain(key);
    const down = await cmc(['calendar', 'status'], {
      ...stack.env,
      CALLMYCALL_BASE_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(down.code).toBe(3);
    expectCleanRefusal(down, 'cannot reach CallMyCall', 'CALLMYCALL_BASE_URL');
  });

  it('calendar connect --wait prints the consent URL and ends once it is approved; status and revoke follow', async () => {
    const before = await cmc(['calendar', 'status'], stack.env);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('cmc calendar connect --wait');

    const child = spawnCmc(['calendar', 'connect', '--wait', '--timeout', '1m'], stack.env);
    const output = outputOf(child);
    await output.waitFor(/waiting for the authorisation/);
    const authUrl = /https?:\/\/\S+/.exec(output.text)?.[0] as string;
    // The operator's browser: open the consent page and press Allow.
    const consent = await (await fetch(authUrl)).text();
    const allow = /id="allow" href="([^"]+)"/.exec(consent)?.[1]?.replaceAll('&amp;', '&') as string;
    expect((await fetch(allow)).status).toBe(200);
    expect(await output.exited).toBe(0);
    expect(output.text).toContain('Google Calendar is authorised');
    expect((await api.getCalendarStatus()).authorized).toBe(true);

    const status = await cmc(['calendar', 'status', '--json'], stack.env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ authorized: true, expiresAt: expect.any(String) });

    const revoked = await cmc(['calendar', 'revoke'], stack.env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await api.getCalendarStatus()).authorized).toBe(false);
  });

  it('calendar connect without --wait prints the URL; with --wait it gives up after --timeout (1)', async () => {
    const plain = await cmc(['calendar', 'connect', '--json'], stack.env);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).authUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sim\/google\/consent\?/);
    const timedOut = await cmc(['calendar', 'connect', '--wait', '--timeout', '1s'], stack.env);
    expect(timedOut.code).toBe(1);
    expectCleanRefusal(timedOut, 'gave up waiting');
    const badTimeout = await cmc(['calendar', 'connect', '--wait', '--timeout', 'forever'], stack.env);
    expect(badTimeout.code).toBe(2);
  });

  it('voice clone uploads the samples as multipart and prints the voice id the API made', async () => {
    const dir = join(stack.workDir, 'voice');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'one.wav'), wav());
    await writeFile(join(dir, 'two.mp3'), mp3());
    const result = await cmc(
      ['voice', 'clone', '--name', 'Clinic reception', join(dir, 'one.wav'), join(dir, 'two.mp3'), '--json'],
      stack.env,
    );
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({ name: 'Clinic reception', samples: 2 });
    const voices = await stack.admin.voices();
    expect(voices).toEqual([
      expect.objectContaining({
        voice_id: answer.voiceId,
        name: 'Clinic reception',
        files: [
          { filename: 'one.wav', type: 'audio/wav', size: 2048 },
          { filename: 'two.mp3', type: 'audio/mpeg', size: 1030 },
        ],
      }),
    ]);
  });

  it('voice clone refuses a missing, non-audio, oversized or non-regular file with exit 2, naming it, and sends nothing', async () => {
    const dir = join(stack.workDir, 'bad-voice');
    await mkdir(dir, { recursive: true });
    const good = join(dir, 'good.wav');
    await writeFile(good, wav());
    const text = join(dir, 'notes.wav');
    await writeFile(text, 'this is not audio');
    const huge = join(dir, 'huge.wav');
    await writeFile(huge, wav());
    await truncate(huge, 11 * 1024 * 1024);
    for (const [file, reason] of [
      [join(dir, 'missing.wav'), 'no such file'],
      [text, 'not an audio file'],
      [huge, 'MB a sample may have'],
      [dir, 'not a regular file'],
      ['/dev/zero', 'not a regular file'],
      ['../../../../etc/passwd', 'not an audio file'],
    ] as const) {
      const result = await cmc(['voice', 'clone', '--name', 'X', good, file], stack.env);
      expect(result.code, file).toBe(2);
      expectCleanRefusal(result, JSON.stringify(file), reason);
    }
    for (const name of ['   ', 'x'.repeat(101), 'Anna\u001b[2J', 'line\nbreak']) {
      const badName = await cmc(['voice', 'clone', '--name', name, good], stack.env);
      expect(badName.code, JSON.stringify(name)).toBe(2);
      expectCleanRefusal(badName, '--name must be');
    }
    expect((await cmc(['voice', 'clone', good], stack.env)).code).toBe(2);
    expect(await stack.admin.voices()).toEqual([]);
  });
});
