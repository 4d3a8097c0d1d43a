import { type ChildProcess, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../../src/commands/exitCodes.js';
import { resolveSimulatorSettings } from '../../src/commands/simulator.js';
import { DEFAULT_SIMULATOR_API_KEY, DEFAULT_WEBHOOK_SECRET } from '../../src/config/env.js';
import { SIMULATOR_DEFAULTS } from '../../src/simulator/options.js';
import { startSimulator } from '../../src/simulator/server.js';
import { API_KEY, startReceiver, waitFor } from './simulator.support.js';

/** `cmc simulator` settings and process behaviour, and what the simulator logs. */

describe('resolveSimulatorSettings', () => {
  it('defaults to the local demo settings', () => {
    expect(resolveSimulatorSettings({}, {})).toEqual({
      port: 4010,
      host: '127.0.0.1',
      apiKey: DEFAULT_SIMULATOR_API_KEY,
      webhookSecret: DEFAULT_WEBHOOK_SECRET,
      credits: 1000,
      speed: 1,
      minimumCredits: 5,
      rateLimit: undefined,
      publicUrl: undefined,
    });
  });

  it('reads the environment, and flags override it', () => {
    const env = {
      SIM_PORT: '5000',
      SIM_API_KEY: 'env_key',
      CALLMYCALL_WEBHOOK_SECRET: 'env_secret',
      SIM_CREDITS: '12',
      SIM_SPEED: '20',
      SIM_RATE_LIMIT: '5/2',
    };
    expect(resolveSimulatorSettings({}, env)).toMatchObject({
      port: 5000,
      apiKey: 'env_key',
      webhookSecret: 'env_secret',
      credits: 12,
      speed: 20,
      rateLimit: { capacity: 5, refillPerSecond: 2 },
    });
    expect(
      resolveSimulatorSettings(
        { port: '0', speed: '50', rateLimit: '10/0.5', minCredits: '0', apiKey: 'flag' },
        env,
      ),
    ).toMatchObject({
      port: 0,
      speed: 50,
      apiKey: 'flag',
      minimumCredits: 0,
      rateLimit: { capacity: 10, refillPerSecond: 0.5 },
    });
  });

  it.each([
    [{ port: 'abc' }, {}, /--port must be an integer/],
    [{ port: '70000' }, {}, /--port/],
    [{ speed: '0' }, {}, /--speed must be a positive number/],
    [{ speed: 'fast' }, {}, /--speed/],
    [{ credits: 'lots' }, {}, /--credits must be a number/],
    [{ minCredits: '-1' }, {}, /--min-credits/],
    [{ rateLimit: '5' }, {}, /--rate-limit must be <capacity>\/<perSecond>/],
    [{ rateLimit: '0/1' }, {}, /--rate-limit/],
    [{}, { SIM_PORT: 'x' }, /environment variable SIM_PORT/],
    [{}, { SIM_SPEED: '-2' }, /environment variable SIM_SPEED/],
    [{}, { SIM_RATE_LIMIT: 'many' }, /environment variable SIM_RATE_LIMIT/],
    [{}, { SIM_CREDITS: 'NaN' }, /environment variable SIM_CREDITS/],
  ])('rejects %o %o naming the flag or variable', (flags, env, message) => {
    let error: unknown;
    try {
      resolveSimulatorSettings(flags, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.usage);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes a secret in an error', () => {
    expect(() => resolveSimulatorSettings({ apiKey: '' }, {})).toThrow(
      /^--api-key must be a non-empty string$/,
    );
  });
});

describe('cmc simulator process', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  function run(args: string[], env: Record<string, string> = {}) {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'simulator', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    child = proc;
    return { proc, exited, output: () => ({ stdout, stderr }) };
  }

  it('serves until SIGTERM, then closes cleanly with exit code 0', async () => {
    const { proc, exited, output } = run(['--port', '0', '--speed', '50'], { SIM_API_KEY: 'cli_key' });
    const url = await waitFor(
      () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output().stdout)?.[1],
      20_000,
      50,
    );
    expect(await (await fetch(`${url}/_sim/health`)).json()).toEqual({ ok: true });
    const unauthorized = await fetch(`${url}/v1/verified-caller-ids`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(unauthorized.status).toBe(401); // the env key replaced the default
    const start = await fetch(`${url}/v1/start-call`, {
      method: 'POST',
      headers: { authorization: 'Bearer cli_key', 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number: '+46700000000', task: 'x' }),
    });
    expect(start.status).toBe(200);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().stdout).toContain('shutting down simulator');
    expect(output().stdout).not.toContain('cli_key');
  });

  it('exits with the usage code and names the bad flag', async () => {
    const { exited, output } = run(['--speed', 'warp']);
    expect(await exited).toBe(ExitCode.usage);
    expect(output().stderr).toMatch(/--speed must be a positive number/);
  });
});

describe('logging', () => {
  it('logs one line per request and per delivery attempt, never the API key or a token', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const sim = await startSimulator({ port: 0, speed: 100, logger });
    const receiver = await startReceiver(() => 500);
    try {
      const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
      const start = await fetch(`${sim.url}/v1/start-call`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          phone_number: '+46700000000',
          task: 'x',
          webhook: `${receiver.url}?secret=s3cr3t`,
        }),
      });
      const { sid } = (await start.json()) as { sid: string };
      await waitFor(() => lines.filter((l) => l.msg === 'webhook delivery attempt').length === 3, 5_000);
      const recording = await fetch(`${sim.url}/v1/calls/${sid}/recording`, { headers });
      const { recording_url } = (await recording.json()) as { recording_url: string };
      await fetch(recording_url);
      await waitFor(() => lines.filter((l) => l.msg === 'request').length === 3);

      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests.map((l) => [l.method, l.path, l.status])).toEqual([
        ['POST', '/v1/start-call', 200],
        ['GET', `/v1/calls/${sid}/recording`, 200],
        ['GET', expect.stringMatching(/^\/v1\/recordings\/RE[0-9a-f]{32}\.mp3$/), 200],
      ]);
      for (const line of requests) expect(line.ms).toBeTypeOf('number');

      const attempts = lines.filter((l) => l.msg === 'webhook delivery attempt');
      expect(attempts.map((l) => [l.event, l.sid, l.attempt, l.status])).toEqual([
        ['call_completed', sid, 1, 500],
        ['call_completed', sid, 2, 500],
        ['call_completed', sid, 3, 500],
      ]);

      const everything = JSON.stringify(lines);
      const token = new URL(recording_url).searchParams.get('token') ?? '';
      expect(everything).not.toContain(API_KEY);
      expect(everything).not.toContain(token);
      expect(everything).not.toContain('s3cr3t');
      expect(everything).not.toContain(SIMULATOR_DEFAULTS.webhookSecret);
    } finally {
      await receiver.close();
      await sim.close();
    }
  });
});
