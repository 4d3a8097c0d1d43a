import { Command } from 'commander';
import { assertNoPublicDefaults, type PublicDefaultVariable } from '../config/publicDefaults.js';
import { configuredKeyring } from '../payloadCodec/keyringFromEnv.js';
import { runWorker } from '../worker.js';
import { startupCheck } from './startupCheck.js';
import { loadCliEnv } from './temporalConnection.js';

/** The secrets a worker holds: it calls the API and turns numbers into row keys; it verifies no webhook. */
const WORKER_SECRETS: readonly PublicDefaultVariable[] = ['CALLMYCALL_API_KEY', 'CMC_ROW_KEY_SECRET'];

/** `cmc worker`: one Temporal worker for the campaign and call workflows (production). */
export function workerCommand(): Command {
  return new Command('worker')
    .description('Run a worker for campaign and call workflows (configured from the environment)')
    .action(async () => {
      const env = loadCliEnv();
      startupCheck(() => assertNoPublicDefaults(env, WORKER_SECRETS));
      // A malformed CMC_CODEC_KEYS is a usage error (exit 2) naming the variable, never a key.
      startupCheck(() => configuredKeyring(env));
      await runWorker(env);
    });
}
