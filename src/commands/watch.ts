import { Command } from 'commander';
import { type CallMyCallClient, createCallMyCallClient } from '../callmycall/client.js';
import { AuthError, NetworkError, NotFoundError } from '../callmycall/errors.js';
import { CliError, ExitCode } from './exitCodes.js';
import { loadCliEnv } from './temporalConnection.js';

/** `cmc watch <callSid>`: one call's live transcript from the API's SSE stream. */
export function watchCommand(): Command {
  return new Command('watch')
    .description(
      "Follow one call's live transcript (ends when the call's stream ends; Ctrl-C stops watching).",
    )
    .argument('<callSid>', 'the call SID (in the report, `cmc status` and the call workflow in the UI)')
    .option('--json', 'print each transcript event as a JSON line')
    .addHelpText(
      'after',
      '\nExit status: 0 the stream ended or you pressed Ctrl-C; 3 the API cannot be reached;\n' +
        '4 no such call.',
    )
    .action(async (callSid: string, options: { json?: boolean }) => {
      const env = loadCliEnv();
      await followTranscript(createCallMyCallClient(env), env.CALLMYCALL_BASE_URL, callSid, options.json);
    });
}

/** Prints one call's live transcript until its stream ends or Ctrl-C (also `cmc call watch`). */
export async function followTranscript(
  client: CallMyCallClient,
  baseUrl: string,
  callSid: string,
  json: boolean | undefined,
): Promise<void> {
  const options = { json };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let lines = 0;
  if (!options.json) console.error(`Watching call ${callSid} (Ctrl-C to stop)...`);
  try {
    for await (const event of client.streamTranscript(callSid, { signal: controller.signal })) {
      if (event.event === 'ping') continue;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(event)}\n`);
      } else if (event.event === 'added') {
        console.log(`${event.data.role.padStart(9)}: ${event.data.text}`);
      } else {
        console.log(`  (${event.name}) ${event.data}`);
      }
      lines += 1;
    }
  } catch (error) {
    if (controller.signal.aborted) {
      // Ctrl-C: a clean stop, not an error.
    } else if (error instanceof NotFoundError) {
      throw new CliError(`no call with SID "${callSid}"`, ExitCode.notFound);
    } else if (error instanceof AuthError) {
      throw new CliError('the API refused CALLMYCALL_API_KEY (401)', ExitCode.failure);
    } else if (error instanceof NetworkError) {
      throw new CliError(
        `cannot reach the CallMyCall API at ${baseUrl}: ${error.message}`,
        ExitCode.unavailable,
      );
    } else {
      throw error;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (!options.json)
    console.error(
      controller.signal.aborted
        ? `Stopped watching call ${callSid}.`
        : `Transcript stream ended (${lines} line(s)).`,
    );
}
