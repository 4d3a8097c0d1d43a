import { resolve } from 'node:path';
import { Command } from 'commander';
import { startLocalStack } from '../devstack/localStack.js';
import { createLogger } from '../logging/logger.js';
import { CliError, ExitCode } from './exitCodes.js';
import { loadCliEnv } from './temporalConnection.js';

/** `cmc dev`: the whole local stack in one process tree until Ctrl-C. */
export function devCommand(): Command {
  return new Command('dev')
    .description(
      'Run the local stack in one process: Temporal dev server + Web UI, simulator, webhook receiver, worker.',
    )
    .option(
      '--speed <factor>',
      'simulator speed: simulated seconds per real second',
      (value: string) => {
        const n = Number(value);
        if (!(n > 0)) throw new CliError('--speed must be a positive number', ExitCode.usage);
        return n;
      },
      1,
    )
    .addHelpText(
      'after',
      '\nAddresses come from TEMPORAL_ADDRESS, TEMPORAL_UI_URL, CALLMYCALL_BASE_URL and WEBHOOK_PORT;\n' +
        'workflows persist in $CMC_DATA_DIR/temporal/dev.db. Ctrl-C stops everything, the Temporal\n' +
        'server included.\n' +
        '\nExit status: 0 stopped by Ctrl-C/SIGTERM; 3 a port is taken or the server did not start.',
    )
    .action(async (options: { speed: number }) => {
      const env = loadCliEnv();
      const logger = createLogger('cmc-dev', { level: process.env.LOG_LEVEL ?? 'warn' });
      // Ctrl-C during start-up must not leave a half-started stack behind.
      let interrupted = false;
      const onEarlySignal = () => {
        interrupted = true;
      };
      process.on('SIGINT', onEarlySignal);
      process.on('SIGTERM', onEarlySignal);
      console.log('Starting the local stack...');
      let stack: Awaited<ReturnType<typeof startLocalStack>>;
      try {
        stack = await startLocalStack({ env, logger, simulatorSpeed: options.speed });
      } catch (error) {
        throw new CliError(
          `the local stack did not start: ${error instanceof Error ? error.message : String(error)}`,
          ExitCode.unavailable,
        );
      } finally {
        process.off('SIGINT', onEarlySignal);
        process.off('SIGTERM', onEarlySignal);
      }
      try {
        if (!interrupted) {
          console.log(
            `  Temporal server      ${stack.temporal.address}  (pid ${stack.temporal.process.pid}; data ${resolve(env.CMC_DATA_DIR, 'temporal', 'dev.db')})`,
          );
          console.log(`  Temporal Web UI      ${stack.temporal.uiUrl}`);
          console.log(
            `  Codec server         ${stack.codecServer.url}  (the Web UI decrypts payloads with it)`,
          );
          console.log(`  Payload encryption   ${stack.payloadEncryption}`);
          if (stack.simulator)
            console.log(`  CallMyCall simulator ${stack.simulator.url}  (speed x${options.speed})`);
          else console.log(`  CallMyCall API       ${env.CALLMYCALL_BASE_URL}`);
          console.log(`  Webhook receiver     ${stack.receiver.url}`);
          console.log(`  Worker               task queue "${env.TEMPORAL_TASK_QUEUE}"`);
          console.log('Ready. In another terminal: cmc run campaigns/appointment-confirmation --wait');
          console.log('Press Ctrl-C to stop everything.');
          const signal = await new Promise<NodeJS.Signals>((done) => {
            process.once('SIGINT', () => done('SIGINT'));
            process.once('SIGTERM', () => done('SIGTERM'));
          });
          console.log(`\n${signal}: stopping the worker, receiver, simulator and Temporal server...`);
        }
      } finally {
        await stack.stop();
      }
      console.log('Stopped.');
    });
}
