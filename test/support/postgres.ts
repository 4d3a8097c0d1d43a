import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL 15 for the test run (scripts/throwaway-postgres.sh), or the one
 * `CMC_TEST_POSTGRES_URL` names. Its state file is private to this run, so a local
 * run and CI never share or stop each other's server.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const given = process.env.CMC_TEST_POSTGRES_URL;
  if (given) return { url: given, stop: async () => undefined };
  const stateDir = await mkdtemp(join(tmpdir(), 'cmc-pg-state-'));
  const env = { ...process.env, CMC_PG_STATE: join(stateDir, 'postgres.env') };
  const { stdout } = await run('bash', ['scripts/throwaway-postgres.sh', 'start'], { env });
  return {
    url: stdout.trim(),
    async stop() {
      await run('bash', ['scripts/throwaway-postgres.sh', 'stop'], { env });
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** A new, empty database on that server, so each test file starts from nothing. */
export async function freshPostgresDatabase(serverUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.replace(
    /[^a-z0-9_]/g,
    '_',
  );
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
