import { ConfigError } from '../config/env.js';
import { CliError, ExitCode } from './exitCodes.js';

/**
 * Runs a start-up configuration check. A refusal is a usage error (exit 2) whose
 * message names variables, never values, and comes before anything connects or listens.
 */
export function startupCheck<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
}
