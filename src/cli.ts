#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { calendarCommand } from './commands/calendar.js';
import { callCommand } from './commands/call.js';
import { callerIdCommand } from './commands/callerId.js';
import { cancelCommand } from './commands/cancel.js';
import { codecServerCommand } from './commands/codecServer.js';
import { demoCommand } from './commands/demo.js';
import { devCommand } from './commands/dev.js';
import { doctorCommand } from './commands/doctor.js';
import { CliError, ExitCode } from './commands/exitCodes.js';
import { exportCommand } from './commands/export.js';
import { listCommand } from './commands/list.js';
import { pauseCommand } from './commands/pause.js';
import { purgeCommand } from './commands/purge.js';
import { reportCommand } from './commands/report.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { scheduleCommand } from './commands/schedule.js';
import { setConcurrencyCommand } from './commands/setConcurrency.js';
import { simulatorCommand } from './commands/simulator.js';
import { statusCommand } from './commands/status.js';
import { suppressCommand } from './commands/suppress.js';
import { validateCommand } from './commands/validate.js';
import { voiceCommand } from './commands/voice.js';
import { watchCommand } from './commands/watch.js';
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
  doctorCommand,
  validateCommand,
  runCommand,
  statusCommand,
  listCommand,
  pauseCommand,
  resumeCommand,
  cancelCommand,
  setConcurrencyCommand,
  reportCommand,
  exportCommand,
  purgeCommand,
  suppressCommand,
  watchCommand,
  callCommand,
  scheduleCommand,
  callerIdCommand,
  calendarCommand,
  voiceCommand,
  devCommand,
  demoCommand,
  workerCommand,
  webhooksCommand,
  simulatorCommand,
  codecServerCommand,
];
// addCommand() does not pass exitOverride down: without it a subcommand's usage error
// would exit 1 by itself instead of reaching the handler below (ExitCode.usage).
const overrideExits = (command: Command): void => {
  command.exitOverride();
  for (const sub of command.commands) overrideExits(sub);
};
for (const makeCommand of commands) {
  const command = makeCommand();
  overrideExits(command);
  program.addCommand(command);
}

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
