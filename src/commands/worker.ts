import { Command } from 'commander';
import { loadEnv } from '../config/env.js';
import { runWorker } from '../worker.js';

/** `cmc worker`: one Temporal worker for the campaign and call workflows (production). */
export function workerCommand(): Command {
  return new Command('worker')
    .description('Run a worker for campaign and call workflows (configured from the environment)')
    .action(async () => {
      await runWorker(loadEnv());
    });
}
