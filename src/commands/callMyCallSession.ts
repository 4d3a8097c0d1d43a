import { type CallMyCallClient, createCallMyCallClient } from '../callmycall/client.js';
import {
  AuthError,
  CallMyCallError,
  NetworkError,
  NotFoundError,
  ValidationError,
} from '../callmycall/errors.js';
import type { Env } from '../config/env.js';
import { assertNoPublicDefaults } from '../config/publicDefaults.js';
import { CliError, ExitCode } from './exitCodes.js';
import { startupCheck } from './startupCheck.js';
import { loadCliEnv } from './temporalConnection.js';

/**
 * The API client for the account commands (caller-id, calendar, voice), from the
 * environment. The public simulator key is refused against a real API, as for the worker.
 */
export function callMyCallFromEnv(env: Env = loadCliEnv()): CallMyCallClient {
  startupCheck(() => assertNoPublicDefaults(env, ['CALLMYCALL_API_KEY']));
  return createCallMyCallClient(env);
}

/**
 * An API failure as the operator should read it: what went wrong and what to do, with
 * the documented exit code. The client's messages are already free of the API key.
 */
export function cliErrorFromApi(error: unknown, baseUrl: string): unknown {
  if (!(error instanceof CallMyCallError)) return error;
  if (error instanceof NetworkError) {
    return new CliError(
      `cannot reach CallMyCall at ${baseUrl} (${error.reason ?? error.code}); check CALLMYCALL_BASE_URL and the network`,
      ExitCode.unavailable,
    );
  }
  if (error instanceof AuthError) {
    return new CliError(
      `CallMyCall refused the API key (${error.status}); check CALLMYCALL_API_KEY`,
      ExitCode.failure,
    );
  }
  const said = error.apiMessage ? `: ${error.apiMessage}` : '';
  if (error instanceof NotFoundError) return new CliError(`CallMyCall: not found${said}`, ExitCode.notFound);
  if (error instanceof ValidationError) {
    return new CliError(
      error.status === undefined ? error.message : `CallMyCall refused the request${said}`,
      ExitCode.usage,
    );
  }
  return new CliError(error.message, ExitCode.failure);
}

/** Runs one API exchange for a command, with failures turned into CliErrors. */
export async function withCallMyCall<T>(
  work: (client: CallMyCallClient, env: Env) => Promise<T>,
): Promise<T> {
  const env = loadCliEnv();
  const client = callMyCallFromEnv(env);
  try {
    return await work(client, env);
  } catch (error) {
    throw cliErrorFromApi(error, client.baseUrl);
  }
}

/** Prints a command's answer: one JSON line with --json, else the human text. */
export function printAnswer(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}
