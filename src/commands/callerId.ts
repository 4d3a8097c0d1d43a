import { Command, InvalidArgumentError } from 'commander';
import {
  VERIFICATION_ID_PATTERN,
  verificationIdOf,
  verifiedCallerIds,
} from '../callerIds/verifiedCallerIds.js';
import { printAnswer, withCallMyCall } from './callMyCallSession.js';
import { CliError } from './exitCodes.js';
import { pollUntil, waitTimeoutOption } from './pollUntil.js';
import { e164Arguments } from './suppress.js';

const HELP = `
A campaign's call.from_number (or a from_number column) must be a caller ID verified
for this API key, or CallMyCall refuses the call. Verification calls the number and
asks for a code; \`verify --wait\` waits until it has been verified or has failed.

Examples:
  cmc caller-id verify +46701234567 --wait
  cmc caller-id status CAxxxxxxxx
  cmc caller-id list --json
  cmc caller-id remove +46701234567

Exit status: 0 done (verify --wait: verified); 1 verification failed or timed out;
2 bad usage (a number that is not E.164, a malformed id); 3 the API is unreachable;
4 unknown verification id or caller ID.`;

const POLL_INTERVAL_MS = 2_000;

function verificationId(value: string): string {
  if (!VERIFICATION_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      'a verification id is letters, digits, "-" and "_" (as `verify` printed it).',
    );
  }
  return value;
}

function oneE164(text: string): string {
  const [phone] = e164Arguments([text]);
  return phone as string;
}

/** `cmc caller-id`: verify, inspect, list and remove the numbers calls may come from. */
export function callerIdCommand(): Command {
  const command = new Command('caller-id')
    .description('Verify and manage the caller IDs (from_number) this API key may call from')
    .addHelpText('after', HELP);

  command
    .command('verify')
    .description('Start verifying a number; CallMyCall calls it with a code to confirm')
    .argument('<number>', 'E.164 number, e.g. +46701234567')
    .option('--wait', 'wait until the verification is verified or failed')
    .option('--timeout <duration>', 'with --wait, give up after this long (default 10m)', waitTimeoutOption)
    .option('--json', 'print the result as JSON')
    .action(async (number: string, options: { wait?: boolean; timeout?: number; json?: boolean }) => {
      const phone = oneE164(number);
      await withCallMyCall(async (client) => {
        const started = await client.verifyCallerId({ phone_number: phone });
        const id = verificationIdOf(started);
        const code = started.validation_code;
        const status = started.status ?? 'pending';
        if (!options.wait || status === 'verified' || id === undefined) {
          printAnswer(
            options.json,
            {
              phoneNumber: phone,
              verificationId: id ?? null,
              status,
              ...(code ? { validationCode: code } : {}),
            },
            [
              `verification of ${phone} started: id ${id ?? '(none given)'}, ${status}`,
              code
                ? `CallMyCall will call ${phone}: enter ${code} on the keypad when asked.`
                : `CallMyCall will call ${phone}: follow the instructions on the call.`,
              id ? `Check it with: cmc caller-id status ${id}` : 'Check it with: cmc caller-id list',
            ].join('\n'),
          );
          return;
        }
        if (!options.json) {
          process.stdout.write(
            `verification of ${phone} started: id ${id}\n` +
              (code ? `enter ${code} on the keypad when CallMyCall calls ${phone}\n` : '') +
              'waiting for it to be verified...\n',
          );
        }
        const polled = await pollUntil(
          () => client.getVerificationStatus(id),
          (answer) => answer.status !== 'pending',
          { intervalMs: POLL_INTERVAL_MS, timeoutMs: options.timeout ?? 10 * 60_000 },
        );
        const final = polled.value.status;
        printAnswer(
          options.json,
          { phoneNumber: phone, verificationId: id, status: final },
          final === 'verified'
            ? `${phone} is verified: campaigns may use it as from_number`
            : final === 'failed'
              ? `verification of ${phone} failed`
              : `${phone} is still pending; check later with: cmc caller-id status ${id}`,
        );
        if (final === 'failed') throw new CliError(`verification of ${phone} failed; run verify again`);
        if (!polled.done) throw new CliError(`gave up waiting: ${phone} is still pending`);
      });
    });

  command
    .command('status')
    .description('Show whether a verification is pending, verified or failed')
    .argument('<verificationId>', 'the id `verify` printed', verificationId)
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withCallMyCall(async (client) => {
        const answer = await client.getVerificationStatus(id);
        const phone = typeof answer.phone_number === 'string' ? answer.phone_number : undefined;
        printAnswer(
          options.json,
          { verificationId: id, status: answer.status, ...(phone ? { phoneNumber: phone } : {}) },
          `${id}${phone ? ` (${phone})` : ''}: ${answer.status}`,
        );
      });
    });

  command
    .command('list')
    .description('List the verified caller IDs of this API key')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      await withCallMyCall(async (client) => {
        const ids = verifiedCallerIds(await client.listVerifiedCallerIds());
        printAnswer(
          options.json,
          { callerIds: ids },
          ids.length === 0
            ? 'no verified caller IDs: verify one with `cmc caller-id verify +46...`'
            : ids.map((id) => `${id.phoneNumber.padEnd(17)} ${id.verifiedAt ?? ''}`.trimEnd()).join('\n'),
        );
      });
    });

  command
    .command('remove')
    .description('Remove a verified caller ID (campaigns can no longer call from it)')
    .argument('<number>', 'E.164 number')
    .option('--json', 'print the result as JSON')
    .action(async (number: string, options: { json?: boolean }) => {
      const phone = oneE164(number);
      await withCallMyCall(async (client) => {
        await client.deleteVerifiedCallerId(phone);
        printAnswer(options.json, { removed: phone }, `removed ${phone} from the verified caller IDs`);
      });
    });
  return command;
}
