#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { demoCommand } from './commands/demo.js';
import { CliError, ExitCode } from './commands/exitCodes.js';
import { simulatorCommand } from './commands/simulator.js';
import { validateCommand } from './commands/validate.js';
import { webhooksCommand } from './commands/webhooks.js';
import { workerCommand } from './commands/worker.js';

/**
 * `cmc`: the operator's tool. Each command lives in its own module under
 * src/commands/ and is added here; parsing, --help and exit codes come from commander.
 */
const program = new Command('cmc')
  .description('Run and schedule CallMyCall phone campaigns on Temporal.')
  .showHelpAfterError()
  .exitOverride();

// One factory per command module; keep this list in the order `cmc --help` should show.
const commands: Array<() => Command> = [
  validateCommand,
  demoCommand,
  workerCommand,
  webhooksCommand,
  simulatorCommand,
];
for (const makeCommand of commands) program.addCommand(makeCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (error instanceof CliError) {
    console.error(`cmc: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(`cmc: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = ExitCode.failure;
  }
}
