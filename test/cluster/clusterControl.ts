/**
 * Drives scripts/cluster.sh for the cluster test, as an operator would from a shell:
 * `up` in a folder of its own on ports of its own, then one process at a time
 * killed, stopped, started or restarted by name.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../faults/faultStack.js';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts/cluster.sh');

/** The ports scripts/cluster.sh takes, as offsets from CLUSTER_PORT_BASE. */
const PORT_OFFSETS = [10, 20, 21, 22, 23, 233, 234, 235, 239, 243, 432, 933, 934, 935, 939, 1233];

export interface Cluster {
  dir: string;
  /** The cluster's settings (`cluster.sh env`): addresses, URLs and the secrets it made. */
  env: Record<string, string>;
  /** scripts/cluster.sh with these arguments; resolves with its stdout. */
  script(...args: string[]): Promise<string>;
  /** `cmc` from dist/ with the cluster's environment. */
  cmc(...args: string[]): Promise<string>;
}

async function portFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port base whose every port is free, so the test never meets a cluster already running. */
async function freePortBase(): Promise<number> {
  // scripts/cluster.sh takes bases up to 31000 (Temporal's membership ports fit a smallint).
  for (let base = 20_000 + Math.floor(Math.random() * 10) * 1_000; base <= 31_000; base += 1_000) {
    const free = await Promise.all(PORT_OFFSETS.map((offset) => portFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port base for the cluster');
}

function parseSettings(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    // printf %q escapes with backslashes; the values here are URLs, paths and base64url.
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2].replace(/\\(.)/g, '$1');
  }
  return env;
}

export async function startCluster(options: {
  workers: number;
  receivers: number;
  simSpeed: number;
}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cmc-cluster-'));
  const scriptEnv = {
    ...process.env,
    CLUSTER_DIR: dir,
    CLUSTER_PORT_BASE: String(await freePortBase()),
    CLUSTER_WORKERS: String(options.workers),
    CLUSTER_RECEIVERS: String(options.receivers),
    SIM_SPEED: String(options.simSpeed),
    CMC_LOG_LEVEL: 'error',
  };
  const script = async (...args: string[]) => {
    try {
      const { stdout } = await run('bash', [SCRIPT, ...args], {
        cwd: REPO_ROOT,
        env: scriptEnv,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const { stderr = '' } = error as { stderr?: string };
      throw new Error(`cluster.sh ${args.join(' ')} failed: ${stderr.slice(-2000)}`);
    }
  };
  try {
    await script('up');
  } catch (error) {
    await script('destroy').catch(() => {});
    throw error;
  }
  const env = parseSettings(await readFile(join(dir, 'cluster.env'), 'utf8'));
  const cmc = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: 'error' },
    });
    return stdout;
  };
  return { dir, env, script, cmc };
}
