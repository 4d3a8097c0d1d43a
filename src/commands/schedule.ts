import path from 'node:path';
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleHandle,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { CampaignFileError, loadCampaign } from '../campaign/loadCampaign.js';
import { campaignWorkflowId } from '../engine/ids.js';
import {
  localDateIn,
  type ScheduledCampaignInput,
  type ScheduledCampaignResult,
  scheduledCampaignId,
  scheduledCampaignWorkflow,
} from '../workflows/scheduledCampaignWorkflow.js';
import { CliError, ExitCode } from './exitCodes.js';
import { type ScheduledRunOutcome, scheduledRunOutcome } from './scheduledRunOutcome.js';
import { loadCliEnv, withTemporal } from './temporalConnection.js';

const SCHEDULE_WORKFLOW_TYPE = 'scheduledCampaignWorkflow';
const OVERLAP_POLICIES = Object.values(ScheduleOverlapPolicy);
type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
/** `<id>-YYYY-MM-DD` must stay a valid campaign ID (at most 100 characters). */
const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,88}$/;

/** What `cmc schedule create` keeps in the schedule's memo, for `list` and `describe`. */
interface ScheduleMemo {
  cron: string;
  timezone: string;
  campaignDir: string;
  campaignName: string;
}

function parseOverlap(value: string): OverlapPolicy {
  const upper = value.toUpperCase().replace(/-/g, '_') as OverlapPolicy;
  if (!OVERLAP_POLICIES.includes(upper))
    throw new InvalidArgumentError(`expected one of ${OVERLAP_POLICIES.join(', ')}.`);
  return upper;
}

function parseScheduleId(value: string): string {
  if (!SCHEDULE_ID_PATTERN.test(value))
    throw new InvalidArgumentError(
      'use letters, digits, ".", "_" and "-" (at most 89), starting with a letter or digit.',
    );
  return value;
}

function parseTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new InvalidArgumentError('expected an IANA time zone such as Europe/Stockholm.');
  }
  return value;
}

function scheduleNotFound(scheduleId: string): CliError {
  return new CliError(
    `no schedule with ID "${scheduleId}"; \`cmc schedule list\` shows the schedules`,
    ExitCode.notFound,
  );
}

/** A handle on an existing campaign schedule; an unknown ID is ExitCode.notFound. */
async function existingSchedule(client: Client, scheduleId: string) {
  const handle = client.schedule.getHandle(scheduleId);
  try {
    return { handle, description: await handle.describe() };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw scheduleNotFound(scheduleId);
    throw error;
  }
}

async function onSchedule(
  scheduleId: string,
  body: (handle: ScheduleHandle, client: Client) => Promise<void>,
): Promise<void> {
  await withTemporal(async ({ client }) => {
    const { handle } = await existingSchedule(client, scheduleId);
    await body(handle, client);
  });
}

/** Checks campaign.json; a `{{date}}` contacts file that does not exist yet is fine for a schedule. */
async function checkCampaignForSchedule(dir: string) {
  try {
    return await loadCampaign(dir);
  } catch (error) {
    if (!(error instanceof CampaignFileError)) throw error;
    const onlyTodaysExportMissing = error.issues.every((issue) => issue.datedContactsMissing !== undefined);
    if (!onlyTodaysExportMissing || error.config === undefined) {
      process.stderr.write(`${error.message}\n`);
      throw new CliError('the campaign cannot run; no schedule was created', ExitCode.usage);
    }
    console.log(`Note: ${error.issues[0]?.message}. Each run reads the file of its own date.`);
    return { config: error.config };
  }
}

function createSubcommand(): Command {
  return new Command('create')
    .description('Schedule a campaign folder on a cron spec in a time zone.')
    .argument('<campaignDir>', 'folder holding campaign.json')
    .requiredOption('--cron <expr>', 'cron expression, e.g. "0 18 * * 1-5" (18:00 on weekdays)')
    .requiredOption('--tz <zone>', 'IANA time zone of the cron spec and of {{date}}', parseTimeZone)
    .option(
      '--id <id>',
      'schedule ID, also the campaign ID prefix (default: the folder name)',
      parseScheduleId,
    )
    .option(
      '--overlap <policy>',
      `what to do when a run is due while the previous one still runs: ${OVERLAP_POLICIES.join(', ')}`,
      parseOverlap,
      'SKIP' as OverlapPolicy,
    )
    .option('--paused', 'create the schedule paused')
    .addHelpText(
      'after',
      '\nEach run is campaign "<id>-<scheduled date>", with {{date}} in the contacts path set to\n' +
        'the scheduled date in --tz. A run whose campaign ID already exists starts nothing.\n' +
        '\nExit status: 0 created; 1 the schedule ID exists; 2 bad campaign or usage; 3 Temporal unreachable.',
    )
    .action(
      async (
        campaignDir: string,
        options: { cron: string; tz: string; id?: string; overlap: OverlapPolicy; paused?: boolean },
      ) => {
        const env = loadCliEnv();
        const dir = path.resolve(campaignDir);
        const campaign = await checkCampaignForSchedule(dir);
        const scheduleId = options.id ?? parseDefaultScheduleId(dir);
        const input: ScheduledCampaignInput = {
          campaign: scheduleId,
          campaignDir: dir,
          campaignName: campaign.config.name ?? scheduleId,
          timezone: options.tz,
        };
        const memo: ScheduleMemo = {
          cron: options.cron,
          timezone: options.tz,
          campaignDir: dir,
          campaignName: input.campaignName,
        };
        await withTemporal(async ({ client }) => {
          let handle: ScheduleHandle;
          try {
            handle = await client.schedule.create({
              scheduleId,
              spec: { cronExpressions: [options.cron], timezone: options.tz },
              action: {
                type: 'startWorkflow',
                workflowType: scheduledCampaignWorkflow,
                workflowId: `schedule:${scheduleId}`,
                args: [input],
                taskQueue: env.TEMPORAL_TASK_QUEUE,
                staticSummary: `Scheduled campaign ${input.campaignName}`,
              },
              policies: { overlap: options.overlap },
              memo: { ...memo },
              state: {
                paused: options.paused ?? false,
                note: options.paused ? 'created paused' : undefined,
              },
            });
          } catch (error) {
            if (error instanceof ScheduleAlreadyRunning)
              throw new CliError(`schedule ${scheduleId} already exists`, ExitCode.failure);
            const message = error instanceof Error ? error.message : String(error);
            if (/invalid|cron|spec/i.test(message))
              throw new CliError(`schedule not created: ${message}`, ExitCode.usage);
            throw error;
          }
          const { description } = await existingSchedule(client, handle.scheduleId);
          console.log(
            `Created schedule ${scheduleId}: "${options.cron}" in ${options.tz}, overlap ${options.overlap}.`,
          );
          const next = description.info.nextActionTimes[0];
          if (next)
            console.log(
              `Next run ${next.toISOString()} as campaign ${scheduledCampaignId(scheduleId, localDateIn(next, options.tz))}.`,
            );
        });
      },
    );
}

function parseDefaultScheduleId(dir: string): string {
  const id = path
    .basename(dir)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 89);
  if (!id) throw new CliError('cannot derive a schedule ID from the folder name; pass --id', ExitCode.usage);
  return id;
}

interface ScheduleView {
  scheduleId: string;
  campaignName?: string;
  cron?: string;
  timezone?: string;
  campaignDir?: string;
  paused: boolean;
  note?: string;
  overlap?: string;
  nextRuns: string[];
  recentRuns: Array<
    { scheduledAt: string; workflowId: string; campaignId?: string } & Partial<ScheduledRunOutcome>
  >;
  runningWorkflows?: string[];
}

function listSubcommand(): Command {
  return new Command('list')
    .description('List campaign schedules.')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const views: ScheduleView[] = [];
        for await (const summary of client.schedule.list()) {
          if (
            summary.action?.type !== 'startWorkflow' ||
            summary.action.workflowType !== SCHEDULE_WORKFLOW_TYPE
          )
            continue;
          const memo = (summary.memo ?? {}) as Partial<ScheduleMemo>;
          views.push({
            scheduleId: summary.scheduleId,
            campaignName: memo.campaignName,
            cron: memo.cron,
            timezone: memo.timezone,
            campaignDir: memo.campaignDir,
            paused: summary.state.paused,
            note: summary.state.note,
            nextRuns: summary.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
            recentRuns: summary.info.recentActions.map((a) => ({
              scheduledAt: a.scheduledAt.toISOString(),
              workflowId: a.action.workflow.workflowId,
            })),
          });
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
          return;
        }
        if (views.length === 0) {
          console.log('No campaign schedules.');
          return;
        }
        for (const v of views) {
          console.log(
            `${v.scheduleId}  ${v.paused ? 'PAUSED' : 'active'}  "${v.cron ?? '?'}" ${v.timezone ?? ''}  next ${v.nextRuns[0] ?? '-'}  ${v.campaignName ?? ''}`,
          );
        }
      });
    });
}

function describeSubcommand(): Command {
  return new Command('describe')
    .description('Show one schedule: spec, state, next and recent runs.')
    .argument('<id>', 'schedule ID')
    .option('--json', 'print as JSON')
    .action(async (scheduleId: string, options: { json?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const { description: d } = await existingSchedule(client, scheduleId);
        const memo = (d.memo ?? {}) as Partial<ScheduleMemo>;
        const input =
          d.action.type === 'startWorkflow' ? (d.action.args?.[0] as ScheduledCampaignInput) : undefined;
        const view: ScheduleView = {
          scheduleId,
          campaignName: memo.campaignName ?? input?.campaignName,
          cron: memo.cron,
          timezone: memo.timezone ?? input?.timezone,
          campaignDir: memo.campaignDir ?? input?.campaignDir,
          paused: d.state.paused,
          note: d.state.note,
          overlap: d.policies.overlap,
          nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
          recentRuns: await Promise.all(
            d.info.recentActions.map(async (a) => {
              const campaignId =
                input && (memo.timezone ?? input.timezone)
                  ? scheduledCampaignId(input.campaign, localDateIn(a.scheduledAt, input.timezone))
                  : undefined;
              return {
                scheduledAt: a.scheduledAt.toISOString(),
                workflowId: a.action.workflow.workflowId,
                campaignId,
                ...(await scheduledRunOutcome(
                  client,
                  { workflowId: a.action.workflow.workflowId, runId: a.action.workflow.firstExecutionRunId },
                  campaignId,
                )),
              };
            }),
          ),
          runningWorkflows: d.info.runningActions.map((a) => a.workflow.workflowId),
        };
        if (options.json) {
          process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
          return;
        }
        console.log(`Schedule ${scheduleId}${view.campaignName ? ` ("${view.campaignName}")` : ''}`);
        console.log(`  spec      "${view.cron ?? '?'}" in ${view.timezone ?? '?'}`);
        console.log(`  campaign  ${view.campaignDir ?? '?'}`);
        console.log(`  state     ${view.paused ? 'PAUSED' : 'active'}${view.note ? ` (${view.note})` : ''}`);
        console.log(`  overlap   ${view.overlap}`);
        console.log(`  next      ${view.nextRuns.join(', ') || '-'}`);
        console.log(`  running   ${view.runningWorkflows?.join(', ') || '-'}`);
        for (const run of view.recentRuns)
          console.log(
            `  ran       ${run.scheduledAt}  ${run.workflowId}${run.campaignId ? `  campaign ${run.campaignId}` : ''}  ${run.outcome}${run.failure ? `: ${run.failure.replace(/\s*\n\s*/g, ' ')}` : ''}`,
          );
      });
    });
}

function pauseSubcommand(): Command {
  return new Command('pause')
    .description('Pause a schedule: no new runs start (a running campaign is not affected).')
    .argument('<id>', 'schedule ID')
    .option('--note <text>', 'why, shown in describe and the Temporal UI', 'paused with cmc')
    .action(async (scheduleId: string, options: { note: string }) => {
      await onSchedule(scheduleId, async (handle) => {
        await handle.pause(options.note);
        console.log(`Schedule ${scheduleId} paused.`);
      });
    });
}

function unpauseSubcommand(): Command {
  return new Command('unpause')
    .description('Unpause a schedule.')
    .argument('<id>', 'schedule ID')
    .option('--note <text>', 'why', 'unpaused with cmc')
    .action(async (scheduleId: string, options: { note: string }) => {
      await onSchedule(scheduleId, async (handle) => {
        await handle.unpause(options.note);
        console.log(`Schedule ${scheduleId} unpaused.`);
      });
    });
}

function triggerSubcommand(): Command {
  return new Command('trigger')
    .description("Start a run now (the schedule's overlap policy applies unless --overlap says otherwise).")
    .argument('<id>', 'schedule ID')
    .option('--overlap <policy>', `overlap policy for this run: ${OVERLAP_POLICIES.join(', ')}`, parseOverlap)
    .option('--wait', 'wait for the run to finish and show its result')
    .action(async (scheduleId: string, options: { overlap?: OverlapPolicy; wait?: boolean }) => {
      await withTemporal(async ({ client }) => {
        const { handle, description } = await existingSchedule(client, scheduleId);
        // The SDK's own default for trigger is ALLOW_ALL: always pass the policy explicitly.
        const overlap = options.overlap ?? description.policies.overlap ?? 'SKIP';
        const before = new Set(description.info.recentActions.map((a) => a.action.workflow.workflowId));
        await handle.trigger(overlap);
        const input =
          description.action.type === 'startWorkflow'
            ? (description.action.args?.[0] as ScheduledCampaignInput | undefined)
            : undefined;
        const campaignId = input
          ? scheduledCampaignId(input.campaign, localDateIn(new Date(), input.timezone))
          : undefined;
        console.log(
          `Triggered schedule ${scheduleId} (overlap ${overlap})${campaignId ? `: campaign ${campaignId} (${campaignWorkflowId(campaignId)})` : ''}.`,
        );
        if (!options.wait) return;
        const workflowId = await newRun(handle, before);
        if (!workflowId) {
          throw new CliError(
            `the trigger started no run (overlap ${overlap}: a previous run is still going?)`,
            ExitCode.failure,
          );
        }
        console.log(`Waiting for ${workflowId}...`);
        let result: ScheduledCampaignResult;
        try {
          result = await client.workflow.getHandle<typeof scheduledCampaignWorkflow>(workflowId).result();
        } catch (error) {
          if (error instanceof WorkflowNotFoundError)
            throw new CliError(`${workflowId} vanished`, ExitCode.failure);
          throw error;
        }
        console.log(`Run ${workflowId}: ${result.message}.`);
        if (result.started && result.result?.status !== 'completed') {
          throw new CliError(
            `campaign ${result.campaignId} ended ${result.result?.status}`,
            ExitCode.failure,
          );
        }
      });
    });
}

/** The workflow ID of the run a trigger added, once the schedule lists it (a few seconds at most). */
async function newRun(handle: ScheduleHandle, before: Set<string>): Promise<string | undefined> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const d = await handle.describe();
    const added = d.info.recentActions.map((a) => a.action.workflow.workflowId).find((id) => !before.has(id));
    if (added) return added;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return undefined;
}

function deleteSubcommand(): Command {
  return new Command('delete')
    .description('Delete a schedule (a campaign it already started keeps running).')
    .argument('<id>', 'schedule ID')
    .action(async (scheduleId: string) => {
      await onSchedule(scheduleId, async (handle) => {
        await handle.delete();
        console.log(`Schedule ${scheduleId} deleted.`);
      });
    });
}

/** `cmc schedule create|list|describe|pause|unpause|trigger|delete`, on Temporal Schedules. */
export function scheduleCommand(): Command {
  const command = new Command('schedule')
    .description('Run a campaign on a schedule (Temporal Schedules): nightly or weekday runs.')
    .addHelpText(
      'after',
      '\nExit status: 0 done; 1 failed (e.g. the ID exists); 2 bad usage or campaign;\n' +
        '3 Temporal unreachable; 4 no such schedule.',
    );
  for (const sub of [
    createSubcommand,
    listSubcommand,
    describeSubcommand,
    pauseSubcommand,
    unpauseSubcommand,
    triggerSubcommand,
    deleteSubcommand,
  ])
    command.addCommand(sub());
  return command;
}
