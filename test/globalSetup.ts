import { execFileSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { DEV_SERVER_DYNAMIC_CONFIG_ARGS } from '../src/devstack/temporalDevServer.js';
import { searchAttributeKeys } from '../src/temporal/searchAttributes.js';
import { startThrowawayPostgres } from './support/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    /** A real PostgreSQL server (test/support/postgres.ts); tests create their own databases on it. */
    postgresUrl: string;
  }
}

/**
 * Starts ONE real Temporal dev server (`temporal server start-dev`, the CLI binary found
 * or built by scripts/ensure-temporal.sh) for the whole integration suite, with the
 * project's search attributes registered, and stops it at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const temporalPath = execFileSync('bash', ['scripts/ensure-temporal.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const started = Date.now();
  // PostgreSQL starts while the Temporal server does, so startup time is not added twice.
  const postgres = startThrowawayPostgres();
  postgres.catch(() => undefined);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalPath },
      searchAttributes: searchAttributeKeys,
      log: { format: 'pretty', level: 'error' },
      // The same server settings as the embedded default, so tests run what users run.
      extraArgs: [...DEV_SERVER_DYNAMIC_CONFIG_ARGS],
    },
  });
  const address = env.connection.options.address;
  console.log(
    `[temporal] real dev server from ${temporalPath} listening on ${address} (started in ${Date.now() - started} ms)`,
  );
  project.provide('temporalAddress', address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  const pgServer = await postgres.catch(async (error: unknown) => {
    await env.teardown();
    throw error;
  });
  console.log(`[postgres] real PostgreSQL at ${pgServer.url.replace(/\/\/[^@]*@/, '//')}`);
  project.provide('postgresUrl', pgServer.url);
  return async () => {
    await env.teardown();
    console.log('[temporal] dev server stopped');
    await pgServer.stop();
    console.log('[postgres] stopped');
  };
}
