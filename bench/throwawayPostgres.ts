/**
 * A throwaway PostgreSQL 15 for benchmarks: a fresh cluster in a temp folder, on a free
 * port on 127.0.0.1, trust auth, stopped and deleted by `stop()`. Debian's binaries
 * (/usr/lib/postgresql/15/bin, or PG_BIN). As root, initdb and the server run as the
 * `postgres` user, which owns the temp folder (PostgreSQL refuses to run as root).
 *
 * A stop-gap for bench/storeBench.ts only: scripts/throwaway-postgres.sh (written in
 * parallel) is meant to become the project's one way to do this; switch to it then.
 */
import { execFile } from 'node:child_process';
import { chownSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/faults/faultStack.js';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface ThrowawayPostgres {
  port: number;
  dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
async function pg(binary: string, args: string[]): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, binary), ...args]]
    : [join(PG_BIN, binary), args];
  const { stdout } = await run(file, argv, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'cmc-bench-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const { stdout: gid } = await run('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) await pg('pg_ctl', ['-D', data, '-m', 'fast', 'stop', '-w']).catch(() => undefined);
    started = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await pg('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-instructions', '-E', 'UTF8']);
    await pg('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      'start',
      '-w',
    ]);
    started = true;
  } catch (error) {
    await stop();
    throw error;
  }
  const common = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'];
  return {
    port,
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      await pg('createdb', [...common, name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async dropDatabase(name) {
      await pg('dropdb', [...common, '--if-exists', name]);
    },
    stop,
  };
}
