import { Command, InvalidArgumentError, Option } from 'commander';
import type { CallMyCallClient } from '../callmycall/client.js';
import { ValidationError } from '../callmycall/errors.js';
import { parseDuration } from '../campaign/duration.js';
import type { CallAction, CallActionName } from '../results/callAction.js';
import type { AddressedCall } from '../storage/callAddressLookup.js';
import { type CampaignStore, openCampaignStore } from '../storage/campaignStore.js';
import { callMyCallFromEnv, cliErrorFromApi, printAnswer } from './callMyCallSession.js';
import { callTestCommand } from './callTest.js';
import { CliError, ExitCode } from './exitCodes.js';
import { e164Arguments } from './suppress.js';
import { loadCliEnv } from './temporalConnection.js';
import { followTranscript } from './watch.js';

const HELP = `
A call is named by its campaign and row (the row key from the report, or the row's
line in the contacts file), which means the row's latest placed call, or by --sid.
Only calls this deployment's campaigns placed are accepted. end, transfer, update,
activate and drop-user are recorded for the row (its result shows them as "actions").

User-on-call campaigns (call.userOnCall) add an operator to each call: the operator
talks first, then hands over with activate (the AI takes the call; the operator is
dropped unless --keep-user), or leaves with drop-user. conference shows who is on.

Examples:
  cmc call show clinic-2026-12-06 14
  cmc call end clinic-2026-12-06 14
  cmc call transfer clinic-2026-12-06 14 --to +46701234567 --cold
  cmc call update --sid CA0123456789 --task "Ask only for a new time" --max-duration 3m
  cmc call watch clinic-2026-12-06 r1a2b3c
  cmc call activate clinic-2026-12-06 14 --task "Book the new time we agreed"
  cmc call activate clinic-2026-12-06 14 --keep-user
  cmc call conference clinic-2026-12-06 14
  cmc call drop-user clinic-2026-12-06 14
  cmc call test campaigns/reminders --to +46701234567 --row 14   (see: cmc call test --help)

Exit status: 0 done; 1 the API refused (e.g. the call is no longer live, the AI is
already active);
2 bad usage (no call named, a number that is not E.164); 3 the API or the store is
unreachable; 4 unknown campaign, row or call, or a sid this deployment did not place.`;

interface AddressOptions {
  sid?: string;
  json?: boolean;
}

/** `[campaignId] [row]` and `--sid`, on every subcommand. */
function addressed(command: Command): Command {
  return command
    .argument('[campaignId]', 'campaign ID')
    .argument('[row]', "row key (as in the report) or the row's line in the contacts file")
    .option('--sid <callSid>', 'the call SID instead of campaign and row')
    .option('--json', 'print the result as JSON');
}

async function resolveCall(
  store: CampaignStore,
  campaignId: string | undefined,
  row: string | undefined,
  options: AddressOptions,
): Promise<AddressedCall> {
  const bySid = options.sid !== undefined;
  if (bySid === (campaignId !== undefined) || (!bySid && row === undefined)) {
    throw new CliError(
      'name the call by <campaignId> <row>, or by --sid <callSid> (not both)',
      ExitCode.usage,
    );
  }
  const answer = bySid
    ? await store.callAddresses.bySid(options.sid as string)
    : await store.callAddresses.byRow(campaignId as string, row as string);
  if ('missing' in answer) throw new CliError(answer.detail, ExitCode.notFound);
  return answer.found;
}

/** Opens the store and the API, finds the call, and runs `work` with API errors made readable. */
async function withAddressedCall<T>(
  campaignId: string | undefined,
  row: string | undefined,
  options: AddressOptions,
  work: (call: AddressedCall, client: CallMyCallClient, store: CampaignStore) => Promise<T>,
): Promise<T> {
  const env = loadCliEnv();
  const client = callMyCallFromEnv(env);
  const store = await openCampaignStore(env);
  try {
    const call = await resolveCall(store, campaignId, row, options);
    try {
      return await work(call, client, store);
    } catch (error) {
      // The API's 400 to an action on a live call is a refusal (already active, not
      // connected), not bad usage: our own arguments were checked before.
      if (error instanceof ValidationError && error.status === 400) {
        throw new CliError(`CallMyCall refused: ${error.apiMessage ?? error.message}`, ExitCode.failure);
      }
      throw cliErrorFromApi(error, client.baseUrl);
    }
  } finally {
    await store.close();
  }
}

function whoIs(call: AddressedCall): string {
  return `${call.sid} (campaign ${call.campaignId}${call.line === undefined ? '' : ` line ${call.line}`}, attempt ${call.attempt})`;
}

/**
 * Sends one live-call action and records it for the row, refused or not: the row's
 * result shows what an operator asked of its call and what came of it.
 */
async function act(
  call: AddressedCall,
  store: CampaignStore,
  action: CallActionName,
  parameters: CallAction['parameters'],
  send: () => Promise<string>,
): Promise<string> {
  const record = (outcome: string) =>
    store.callActions.record(call, { action, parameters, outcome, at: new Date().toISOString() });
  let outcome: string;
  try {
    outcome = await send();
  } catch (error) {
    await record(`refused: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  await record(outcome);
  return outcome;
}

function oneE164(text: string): string {
  return e164Arguments([text])[0] as string;
}

function nonEmpty(flag: string, text: string): string {
  if (text.trim() === '') throw new CliError(`${flag} must not be empty`, ExitCode.usage);
  return text;
}

/** One participant as the API describes it (its shape is not in the reference). */
function describeParticipant(participant: unknown): string {
  if (participant === null || typeof participant !== 'object') return JSON.stringify(participant);
  const { role, phone_number: phone, status } = participant as Record<string, unknown>;
  return `${String(role ?? '?').padEnd(6)} ${String(phone ?? '?')}  ${String(status ?? '?')}`;
}

function maxDurationSeconds(value: string): number {
  // A bare number is seconds, as the API takes it; "3m" or "90s" read as durations.
  try {
    const ms = /^[0-9]+$/.test(value)
      ? Number(value) * 1000
      : parseDuration(value, { ms: 4 * 3_600_000, text: '4h' });
    const seconds = Math.round(ms / 1000);
    if (seconds < 1) throw new Error('must be at least 1s');
    return seconds;
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `cmc call`: look at and steer one live call of a campaign. */
export function callCommand(): Command {
  const command = new Command('call')
    .description("Show, end, transfer, update, watch or hand over one campaign row's live call")
    .addHelpText('after', HELP);

  addressed(
    command.command('show').description("Show a call's status, credits and transcript so far"),
  ).action(async (campaignId: string | undefined, row: string | undefined, options: AddressOptions) => {
    await withAddressedCall(campaignId, row, options, async (call, client, store) => {
      const answer = await client.getCall(call.sid);
      const actions = await store.callActions.forRow(call.campaignId, call.rowKey);
      const details = answer.call;
      const lines = [
        `call ${whoIs(call)}`,
        `status: ${details.status}   to: ${details.to}   created: ${details.created_at}` +
          (details.ended_at ? `   ended: ${details.ended_at}` : ''),
        `duration: ${details.duration ?? '-'}s   credits: ${details.credits ?? '-'}`,
        answer.transcripts.length === 0 ? 'transcript: (nothing said yet)' : 'transcript:',
        ...answer.transcripts.map((entry) => `${entry.role.padStart(9)}: ${entry.text}`),
        ...actions.map((a) => `action ${a.at} ${a.action} ${JSON.stringify(a.parameters)}: ${a.outcome}`),
      ];
      printAnswer(
        options.json,
        { ...call, call: details, transcript: answer.transcripts, actions },
        lines.join('\n'),
      );
    });
  });

  addressed(command.command('end').description('Hang up a live call now')).action(
    async (campaignId: string | undefined, row: string | undefined, options: AddressOptions) => {
      await withAddressedCall(campaignId, row, options, async (call, client, store) => {
        const outcome = await act(call, store, 'end', {}, async () => {
          const answer = await client.endCall(call.sid);
          return answer.alreadyClosed ? 'already ended' : 'ended';
        });
        printAnswer(options.json, { ...call, action: 'end', outcome }, `call ${whoIs(call)}: ${outcome}`);
      });
    },
  );

  addressed(
    command
      .command('transfer')
      .description('Transfer a connected call to a person (warm by default)')
      .requiredOption('--to <E.164>', 'where to transfer, e.g. +46701234567')
      .option('--cold', 'cold transfer: connect without the AI introducing the call')
      .option('--reason <text>', 'a note for the audit (not spoken)'),
  ).action(
    async (
      campaignId: string | undefined,
      row: string | undefined,
      options: AddressOptions & { to: string; cold?: boolean; reason?: string },
    ) => {
      const destination = oneE164(options.to);
      await withAddressedCall(campaignId, row, options, async (call, client, store) => {
        const warm = !options.cold;
        const parameters = { destination, warm, ...(options.reason ? { reason: options.reason } : {}) };
        const outcome = await act(call, store, 'transfer', parameters, async () => {
          const answer = await client.transferCall(call.sid, parameters);
          return `transferred to ${destination} (${answer.transferType})`;
        });
        printAnswer(
          options.json,
          { ...call, action: 'transfer', outcome },
          `call ${whoIs(call)}: ${outcome}`,
        );
      });
    },
  );

  addressed(
    command
      .command('update')
      .description("Change a live call's task, maximum duration or transfer number")
      .option('--task <text>', 'the new task for the AI')
      .addOption(
        new Option('--max-duration <duration>', 'new cap on connected time: seconds, or e.g. 3m').argParser(
          maxDurationSeconds,
        ),
      )
      .option('--transfer-number <E.164>', 'the number the AI transfers to'),
  ).action(
    async (
      campaignId: string | undefined,
      row: string | undefined,
      options: AddressOptions & { task?: string; maxDuration?: number; transferNumber?: string },
    ) => {
      const parameters: CallAction['parameters'] = {};
      if (options.task !== undefined) parameters.task = nonEmpty('--task', options.task);
      if (options.maxDuration !== undefined) parameters.max_duration = options.maxDuration;
      if (options.transferNumber !== undefined) parameters.transfer_number = oneE164(options.transferNumber);
      if (Object.keys(parameters).length === 0) {
        throw new CliError('give at least one of --task, --max-duration, --transfer-number', ExitCode.usage);
      }
      await withAddressedCall(campaignId, row, options, async (call, client, store) => {
        const outcome = await act(call, store, 'update', parameters, async () => {
          await client.updateCall(call.sid, parameters);
          return `updated ${Object.keys(parameters).join(', ')}`;
        });
        printAnswer(options.json, { ...call, action: 'update', outcome }, `call ${whoIs(call)}: ${outcome}`);
      });
    },
  );

  addressed(
    command
      .command('activate')
      .description('User-on-call: hand the call over to the AI (drops the operator unless --keep-user)')
      .option('--task <text>', 'a new task for the AI from here on (default: the campaign task)')
      .option('--additional-prompt <text>', 'extra instructions for the AI from here on')
      .addOption(new Option('--keep-user', 'keep the operator on the call').conflicts('dropUser'))
      .addOption(new Option('--drop-user', 'drop the operator (the default)').conflicts('keepUser'))
      .option('--transfer-number <E.164>', 'where the AI may transfer the call from here on'),
  ).action(
    async (
      campaignId: string | undefined,
      row: string | undefined,
      options: AddressOptions & {
        task?: string;
        additionalPrompt?: string;
        keepUser?: boolean;
        transferNumber?: string;
      },
    ) => {
      const parameters: CallAction['parameters'] = { drop_user: options.keepUser !== true };
      if (options.task !== undefined) parameters.task = nonEmpty('--task', options.task);
      if (options.additionalPrompt !== undefined) {
        parameters.additional_prompt = nonEmpty('--additional-prompt', options.additionalPrompt);
      }
      if (options.transferNumber !== undefined) parameters.transfer_number = oneE164(options.transferNumber);
      await withAddressedCall(campaignId, row, options, async (call, client, store) => {
        const outcome = await act(call, store, 'activate', parameters, async () => {
          const answer = await client.activateAi(call.sid, parameters);
          return `AI took over; operator ${answer.user_dropped ? 'dropped' : 'stays on'}`;
        });
        printAnswer(
          options.json,
          { ...call, action: 'activate', outcome },
          `call ${whoIs(call)}: ${outcome}`,
        );
      });
    },
  );

  addressed(
    command.command('drop-user').description('User-on-call: disconnect the operator, leaving the call on'),
  ).action(async (campaignId: string | undefined, row: string | undefined, options: AddressOptions) => {
    await withAddressedCall(campaignId, row, options, async (call, client, store) => {
      const outcome = await act(call, store, 'drop-user', {}, async () => {
        await client.dropUser(call.sid);
        return 'operator dropped';
      });
      printAnswer(options.json, { ...call, action: 'drop-user', outcome }, `call ${whoIs(call)}: ${outcome}`);
    });
  });

  addressed(
    command.command('conference').description("User-on-call: the session's state and who is on the call"),
  ).action(async (campaignId: string | undefined, row: string | undefined, options: AddressOptions) => {
    await withAddressedCall(campaignId, row, options, async (call, client) => {
      const answer = await client.getConferenceStatus(call.sid);
      const participants = (answer.participants ?? []).map(describeParticipant);
      const lines = [
        `call ${whoIs(call)}`,
        `state: ${answer.state ?? '?'}   AI active: ${answer.ai_active === true ? 'yes' : 'no'}`,
        ...participants.map((line) => `  ${line}`),
      ];
      printAnswer(options.json, { ...call, conference: answer }, lines.join('\n'));
    });
  });

  addressed(
    command.command('watch').description("Follow a call's live transcript until it ends (Ctrl-C stops)"),
  ).action(async (campaignId: string | undefined, row: string | undefined, options: AddressOptions) => {
    const env = loadCliEnv();
    const store = await openCampaignStore(env);
    let call: AddressedCall;
    try {
      call = await resolveCall(store, campaignId, row, options);
    } finally {
      await store.close();
    }
    // The store is closed first: a watch can last as long as the call.
    await followTranscript(callMyCallFromEnv(env), env.CALLMYCALL_BASE_URL, call.sid, options.json);
  });

  command.addCommand(callTestCommand());

  return command;
}
