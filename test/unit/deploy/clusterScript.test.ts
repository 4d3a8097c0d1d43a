import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../../scripts/cluster.sh');

/** scripts/cluster.sh with this environment; its exit code and what it said. */
async function cluster(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('bash', [SCRIPT, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code: number; stdout?: string; stderr?: string };
    return { code, stdout, stderr };
  }
}

/**
 * What scripts/cluster.sh refuses before it starts anything: the settings it takes from
 * the environment cross into shell commands, config files and URLs.
 */
describe('scripts/cluster.sh refuses bad settings and starts nothing', () => {
  it.each([
    [
      'CLUSTER_PORT_BASE',
      '20000; touch /tmp/cmc-pwned',
      /CLUSTER_PORT_BASE must be a number from 1024 to 31000/,
    ],
    ['CLUSTER_PORT_BASE', '40000', /CLUSTER_PORT_BASE must be a number from 1024 to 31000/],
    ['CLUSTER_WORKERS', '0', /CLUSTER_WORKERS, CLUSTER_RECEIVERS and CLUSTER_HISTORY_SHARDS take 1-99/],
    ['CLUSTER_RECEIVERS', '$(id)', /take 1-99/],
    ['PG_PASSWORD', 'p@ss/word:with#url-breakers', /PG_PASSWORD must be at least 12 URL-safe characters/],
  ])('up with %s=%j', async (name, value, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'cmc-cluster-refuse-'));
    const result = await cluster({ CLUSTER_DIR: dir, [name]: value }, 'up');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
    expect(existsSync('/tmp/cmc-pwned')).toBe(false);
  });

  it('will not act on, or remove, a folder that holds no cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmc-cluster-refuse-'));
    await writeFile(join(dir, 'precious.txt'), 'keep me');
    for (const command of ['destroy', 'status', 'down']) {
      const result = await cluster({ CLUSTER_DIR: dir }, command);
      expect(result.code, command).toBe(1);
      expect(result.stderr, command).toMatch(/no cluster in/);
    }
    expect(await readdir(dir)).toEqual(['precious.txt']);
  });

  it('refuses to SIGKILL PostgreSQL, names unknown processes, and prints usage for an unknown command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cmc-cluster-refuse-'));
    await writeFile(join(dir, 'cluster.env'), 'CLUSTER_PORT_BASE=17000\nPG_PASSWORD=abcdefghijklmnop\n');
    const kill = await cluster({ CLUSTER_DIR: dir }, 'kill', 'postgres');
    expect(kill.code).toBe(1);
    expect(kill.stderr).toMatch(/use 'restart postgres'/);
    const unknown = await cluster({ CLUSTER_DIR: dir }, 'start', 'mainframe');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown process 'mainframe'/);
    const usage = await cluster({ CLUSTER_DIR: dir }, 'explode');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/up\s+start whatever is not running/);
  });
});
