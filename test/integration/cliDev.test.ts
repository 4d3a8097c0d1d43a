import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cmc, freePort, outputOf, ROOT, spawnCmc } from '../support/cli.js';

/** Direct children of `pid` (Linux `ps`). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('cmc dev (the built CLI)', () => {
  let temporalCli: string;
  beforeAll(async () => {
    await buildCli();
    temporalCli = execFileSync('bash', ['scripts/ensure-temporal.sh'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`runs the whole local stack and ${signal} stops all of it, the Temporal server included`, async () => {
      // Ports are picked free, then let go; the dev server also binds random ports of its own
      // (metrics, HTTP), which may land on one of ours. Such a start is tried again on new ports.
      const start = async () => {
        const [temporalPort, uiPort, simPort, webhookPort] = [
          await freePort(),
          await freePort(),
          await freePort(),
          await freePort(),
        ];
        const dataDir = await mkdtemp(join(tmpdir(), 'cmc-dev-'));
        const env = {
          TEMPORAL_CLI: temporalCli,
          TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
          TEMPORAL_UI_URL: `http://127.0.0.1:${uiPort}`,
          CALLMYCALL_BASE_URL: `http://127.0.0.1:${simPort}`,
          WEBHOOK_PORT: String(webhookPort),
          CMC_DATA_DIR: dataDir,
          CMC_REPORTS_DIR: join(dataDir, 'reports'),
        };
        const dev = spawnCmc(['dev', '--speed', '30'], env);
        const output = outputOf(dev);
        await output.waitFor(/Press Ctrl-C to stop everything\./, 90_000);
        return { temporalPort, uiPort, simPort, webhookPort, dataDir, env, dev, output };
      };
      let started: Awaited<ReturnType<typeof start>> | undefined;
      for (let attempt = 1; !started; attempt++) {
        try {
          started = await start();
        } catch (error) {
          if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
        }
      }
      const { temporalPort, uiPort, simPort, webhookPort, dataDir, env, dev, output } = started;

      // Every URL is printed, and each answers.
      expect(output.text).toContain(`Temporal server      127.0.0.1:${temporalPort}`);
      expect(output.text).toContain(`Temporal Web UI      http://127.0.0.1:${uiPort}`);
      expect(output.text).toContain(`CallMyCall simulator http://127.0.0.1:${simPort}`);
      expect(output.text).toMatch(new RegExp(`Webhook receiver     http://[\\d.]+:${webhookPort}`));
      expect(output.text).toContain('Worker               task queue "callmycall-campaigns"');
      expect(existsSync(join(dataDir, 'temporal', 'dev.db'))).toBe(true);
      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      await connection.healthService.check({});
      await connection.close();
      expect((await fetch(`http://127.0.0.1:${uiPort}/`)).ok).toBe(true);
      expect((await fetch(`http://127.0.0.1:${simPort}/_sim/health`)).ok).toBe(true);
      // The CLI's other commands talk to it.
      const list = await cmc(['list'], env);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('No campaigns.');

      // Encrypted by default: the stack made its own key (0600, never printed), the CLI run
      // against it encrypts with it, and it reads its own campaign back.
      const keyFile = join(dataDir, 'codec-keys');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const keyLine =
        readFileSync(keyFile, 'utf8')
          .split('\n')
          .find((line) => /^local-/.test(line)) ?? '';
      const [keyId, keyMaterial] = keyLine.split(':');
      expect(output.text).toContain(`Payload encryption   encrypts with "${keyId}"`);
      expect(output.text).not.toContain(keyMaterial);
      expect(output.text).toMatch(/Codec server\s+http:\/\/127\.0\.0\.1:\d+/);
      const run = await cmc(['run', 'campaigns/appointment-confirmation', '--id', `dev-${signal}`], env);
      expect(run.code, run.stderr).toBe(0);
      const shown = JSON.parse(
        execFileSync(temporalCli, [
          'workflow',
          'show',
          '-w',
          `campaign:dev-${signal}`,
          '--address',
          `127.0.0.1:${temporalPort}`,
          '-o',
          'json',
        ]).toString(),
      );
      const input = shown.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
      expect(Buffer.from(input.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
      expect(Buffer.from(input.metadata['encryption-key-id'], 'base64').toString()).toBe(keyId);
      const status = await cmc(['status', `dev-${signal}`], env);
      expect(status.code, status.stderr).toBe(0);

      const temporalPid = Number(/Temporal server\s+\S+\s+\(pid (\d+)/.exec(output.text)?.[1]);
      expect(childrenOf(dev.pid as number)).toContain(temporalPid);
      expect(alive(temporalPid)).toBe(true);

      dev.kill(signal); // only the cmc process: it must take its children down itself
      expect(await output.exited).toBe(0);
      expect(output.text).toContain(
        `${signal}: stopping the worker, receiver, simulator and Temporal server...`,
      );
      expect(output.text).toContain('Stopped.');
      expect(await waitUntil(() => !alive(temporalPid), 5_000)).toBe(true);
      // Nothing listens any more.
      await expect(fetch(`http://127.0.0.1:${simPort}/_sim/health`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
    });
  }
});
