import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
} from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  type SignalDefinition,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CampaignActivities } from '../activities/campaignActivities.js';
import { durationText } from '../campaign/duration.js';
import { concurrencyProblem } from '../engine/campaignLimits.js';
import type { CallRow } from '../engine/campaignPlan.js';
import { callWorkflowId, campaignWorkflowId } from '../engine/ids.js';
import { rootCauseMessage } from '../temporal/rootCause.js';
import {
  CallAttemptKey,
  CampaignIdKey,
  CampaignNameKey,
  CampaignStateKey,
} from '../temporal/searchAttributes.js';
import {
  campaignCancelledSignal,
  reportBySignalSignal,
  slotDeniedSignal,
  slotGrantedSignal,
} from './callMessages.js';
import { callWorkflow } from './callWorkflow.js';
import {
  attemptEndedSignal,
  type CampaignProgress,
  type CampaignStatus,
  cancelSignal,
  creditsExhaustedSignal,
  fatalErrorSignal,
  pauseSignal,
  progressQuery,
  rateLimitedSignal,
  requestSlotSignal,
  resumeSignal,
  rowFinishedSignal,
  setConcurrencyUpdate,
  type WaitingForContacts,
} from './campaignMessages.js';
import { type CampaignCarry, CampaignState, preparingProgress } from './campaignState.js';
import { type RowWorkflowResult, rowWorkflow } from './rowWorkflow.js';

export interface CampaignWorkflowInput {
  campaignId: string;
  /** The campaign folder (campaign.json + contacts), as the worker sees it. */
  campaignDir: string;
  /** YYYY-MM-DD for a `{{date}}` contacts path (nightly runs). */
  date?: string;
  /** Rows read per page from the row store; contact rows never travel as one payload. */
  pageSize?: number;
  /** Continue-as-new once history reaches this many events (or when the server suggests it). */
  historyEventLimit?: number;
  /** How long after a call's max duration to wait for its webhook before polling (default 60 s). */
  webhookGraceMs?: number;
  /** State handed over by the previous run (continue-as-new). */
  carry?: CampaignCarry;
  /** How often a run waiting for its dated contacts file (contactsWait) looks again (default 1 min; tests use less). */
  contactsRecheckMs?: number;
}

export interface CampaignWorkflowResult {
  campaignId: string;
  status: CampaignStatus;
  outcomes: CampaignCarry['outcomes'];
  creditsSpent: number;
  reportDir: string;
  /** How many times the run continued as new (history kept small). */
  continuedAsNew: number;
  error?: string;
}

const {
  checkDatedContacts,
  prepareCampaign,
  readRowsPage,
  recordUnstartedRows,
  storedRowOutcome,
  writeCampaignReport,
} = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvalidCampaign'],
  },
});

/** The campaign.failed webhook is written a few times at most: the run must still end, failed. */
const { reportCampaignFailed } = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

const DEFAULT_PAGE_SIZE = 200;

const DEFAULT_HISTORY_EVENT_LIMIT = 8_000;

/**
 * Patch: rows run as lean row workflows that report by completing (call workflows of
 * earlier builds, still running or replayed, report by signal and are handled as before).
 */
const ROW_WORKFLOW_PATCH = 'row-workflow';

/**
 * Patch: a fresh run first checks for its dated contacts file and, with contactsWait,
 * waits for it (an activity and timers that earlier histories do not have).
 */
const CONTACTS_WAIT_PATCH = 'contacts-wait';

/** Patch: a run a fatal API error stopped sends campaign.failed after its report (an activity older histories lack). */
const MIDRUN_FAILURE_PATCH = 'midrun-campaign-failed';

/** A nightly export is re-checked once a minute while the run waits for it. */
const DEFAULT_CONTACTS_RECHECK_MS = 60_000;

/** Workflow time: Temporal's deterministic clock inside the workflow sandbox. */
const now = (): number => Date.now();

/**
 * One campaign run, modelled on Temporal's sliding-window batch pattern: at most
 * `concurrency` call attempts hold a slot at once, new rows are read page by page,
 * each row is a call workflow of its own that reports back by signal, and the run
 * continues-as-new before its history grows large.
 */
export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignWorkflowResult> {
  // Every handler first: a big contacts file takes a while to prepare, and the progress
  // query, pause, cancel and set-concurrency must answer all along.
  const run = new CampaignRun(input);
  try {
    if (!input.carry && patched(CONTACTS_WAIT_PATCH)) await run.waitForDatedContacts();
    run.begin(
      input.carry
        ? new CampaignState(input.carry)
        : CampaignState.fresh(
            await prepareCampaign({
              campaignId: input.campaignId,
              campaignDir: input.campaignDir,
              date: input.date,
              webhookGraceMs: input.webhookGraceMs,
            }),
            new Date(now()).toISOString(),
            now(),
          ),
    );
  } catch (error) {
    // The Temporal UI shows the real cause, not "Activity task failed" (details are not history events).
    setCurrentDetails(`**failed**: ${rootCauseMessage(error)}`);
    // Histories from before the patch have neither the upsert nor the webhook.
    // A cancelled run did not fail: it gets neither.
    if (!isCancellation(error) && patched(CONTACTS_WAIT_PATCH)) {
      // So `cmc list --status failed` finds it.
      upsertSearchAttributes([{ key: CampaignStateKey, value: 'failed' }]);
      await reportCampaignFailed({
        campaignId: input.campaignId,
        campaignDir: input.campaignDir,
        date: input.date,
        error: rootCauseMessage(error),
      }).catch((reportError: unknown) =>
        log.error('could not write the campaign.failed webhook', { error: String(reportError) }),
      );
    }
    throw error;
  }
  return await run.execute();
}

class CampaignRun {
  /**
   * Row workflows this run started and waits on, by row key: they report by completing,
   * which only this run sees, so they are told to signal instead before it continues as new.
   */
  private readonly awaiting = new Set<string>();
  /** Set once this run is about to continue as new: rows started from now on are handed over at once. */
  private continuing = false;
  /** Search attribute upserts are history events: only when the status changes. */
  private publishedStatus: CampaignStatus | undefined;
  /** Undefined while the contacts are being prepared. */
  private prepared: CampaignState | undefined;
  /** Set while the run waits for its dated contacts file (contactsWait). */
  private waitingForContacts: WaitingForContacts | undefined;
  /** Messages that arrived while preparing, in arrival order, applied once the state exists. */
  private readonly early: Array<(state: CampaignState) => void> = [];

  constructor(private readonly input: CampaignWorkflowInput) {
    setHandler(progressQuery, () => this.prepared?.progress(now()) ?? this.preparingProgress());
    // Pause and resume publish the new state at once: the main loop may be asleep.
    setHandler(pauseSignal, (options) =>
      this.whenPrepared(({ data }) => {
        data.pausedByOperator = true;
        data.operatorPauseReason = options?.reason;
        this.publishStatus();
      }),
    );
    setHandler(resumeSignal, () =>
      this.whenPrepared(({ data }) => {
        data.pausedByOperator = false;
        data.operatorPauseReason = undefined;
        data.pausedForCredits = undefined;
        data.creditProbe = undefined;
        this.publishStatus();
      }),
    );
    setHandler(cancelSignal, (options) =>
      this.whenPrepared(() => this.stop('cancelled', undefined, options?.hangup ?? false)),
    );
    setHandler(
      setConcurrencyUpdate,
      (concurrency) => {
        this.whenPrepared(({ data }) => {
          data.concurrency = concurrency;
        });
        return concurrency;
      },
      {
        validator: (concurrency) => {
          const problem = concurrencyProblem(concurrency);
          if (problem !== undefined) throw new Error(problem);
        },
      },
    );
    setHandler(requestSlotSignal, (request) =>
      this.whenPrepared(({ data }) => {
        if (!data.waiting.some((w) => w.rowKey === request.rowKey)) data.waiting.push(request);
      }),
    );
    setHandler(attemptEndedSignal, ({ rowKey, credits }) =>
      this.whenPrepared((state) => state.settle(rowKey, credits)),
    );
    setHandler(rowFinishedSignal, ({ rowKey, outcome, credits, heldSlot, rowIndex }) =>
      this.whenPrepared((state) => state.rowFinished(rowKey, outcome, credits, heldSlot, rowIndex)),
    );
    setHandler(creditsExhaustedSignal, ({ rowKey, creditsBalance, minimumRequired }) =>
      this.whenPrepared((state) => {
        state.creditsExhausted(rowKey, now(), creditsBalance, minimumRequired);
        this.publishStatus();
      }),
    );
    setHandler(rateLimitedSignal, ({ retryAfterMs }) =>
      this.whenPrepared((state) => state.rateLimited(now(), retryAfterMs)),
    );
    setHandler(fatalErrorSignal, ({ message }) =>
      this.whenPrepared(({ data }) => {
        data.fatalError ??= message;
        this.stop('cancelled', `campaign stopped: ${message}`, false);
      }),
    );
  }

  /**
   * With contactsWait, a missing dated contacts file is looked for again every
   * minute (a durable timer; the look itself is an activity) until it is there or the
   * wait is over; then the run fails naming the file and how long it waited.
   */
  async waitForDatedContacts(): Promise<void> {
    const since = now();
    for (;;) {
      const check = await checkDatedContacts({ campaignDir: this.input.campaignDir, date: this.input.date });
      if (!check.missing) {
        this.waitingForContacts = undefined;
        return;
      }
      const waited = now() - since;
      const left = check.waitMs - waited;
      if (left <= 0) {
        throw ApplicationFailure.nonRetryable(
          `contacts file ${check.file} not found: waited ${durationText(waited)} (contactsWait)`,
          'ContactsNotFound',
        );
      }
      this.waitingForContacts = {
        file: check.file,
        since: new Date(since).toISOString(),
        giveUpAt: new Date(since + check.waitMs).toISOString(),
      };
      setCurrentDetails(
        `**waiting for contacts** file ${check.file} since ${this.waitingForContacts.since}, until ${this.waitingForContacts.giveUpAt}`,
      );
      await sleep(Math.min(this.input.contactsRecheckMs ?? DEFAULT_CONTACTS_RECHECK_MS, left));
    }
  }

  /** The campaign is prepared (or carried over): apply what arrived meanwhile, in order. */
  begin(state: CampaignState): void {
    this.prepared = state;
    for (const change of this.early.splice(0)) change(state);
  }

  private whenPrepared(change: (state: CampaignState) => void): void {
    if (this.prepared) change(this.prepared);
    else this.early.push(change);
  }

  private get state(): CampaignState {
    if (!this.prepared) throw new Error('the campaign is still being prepared');
    return this.prepared;
  }

  /** What the progress query says before the plan exists. */
  private preparingProgress(): CampaignProgress {
    const info = workflowInfo();
    return preparingProgress(
      this.input.campaignId,
      info.typedSearchAttributes.get(CampaignNameKey) ?? this.input.campaignId,
      info.startTime.toISOString(),
      this.waitingForContacts,
    );
  }

  private get data(): CampaignCarry {
    return this.state.data;
  }

  async execute(): Promise<CampaignWorkflowResult> {
    const plan = this.state.plan;
    upsertSearchAttributes([
      { key: CampaignIdKey, value: plan.campaignId },
      { key: CampaignNameKey, value: plan.name },
    ]);

    while (!this.state.isDone()) {
      this.publishStatus();
      if (this.shouldContinueAsNew()) {
        this.handOverRows();
        await condition(
          () => this.state.pendingCommands === 0 && this.awaiting.size === 0 && allHandlersFinished(),
        );
        this.data.continuedAsNew += 1;
        await continueAsNew<typeof campaignWorkflow>({ ...this.input, carry: this.state.carry() });
      }

      if (this.data.stopping) {
        await this.finishStopping();
      } else if (!this.state.paused && !this.state.budgetAllowsAnother() && this.state.wantsSlot()) {
        // Nothing more fits the budget. While attempts are in flight their real cost may
        // free some reservation; once none are, the leftovers will never be called.
        if (this.state.inFlight === 0) this.stop('not_called_budget');
        else
          await condition(
            () => this.state.inFlight === 0 || this.state.budgetAllowsAnother() || !!this.data.stopping,
          );
        continue;
      } else if (this.state.canGrant()) {
        await this.waitForPacing();
        if (
          this.state.canGrant() &&
          this.state.budgetAllowsAnother() &&
          this.state.msUntilNextGrant(now()) === 0
        ) {
          await this.grantOneSlot();
        }
        continue;
      }
      await this.waitForSomethingToDo();
    }

    this.data.status = this.data.fatalError
      ? 'failed'
      : this.data.stopping?.reason === 'cancelled'
        ? 'cancelled'
        : 'completed';
    this.publishStatus();
    const report = await writeCampaignReport({ campaignId: plan.campaignId, startedAt: this.data.startedAt });
    if (this.data.fatalError !== undefined && patched(MIDRUN_FAILURE_PATCH)) {
      // Stopped by a fatal API error: the clinic's system hears why, as for a run that never started.
      await reportCampaignFailed({
        campaignId: plan.campaignId,
        campaignDir: this.input.campaignDir,
        date: this.input.date,
        error: this.data.fatalError,
      }).catch((reportError: unknown) =>
        log.error('could not write the campaign.failed webhook', { error: String(reportError) }),
      );
    }
    return {
      campaignId: plan.campaignId,
      status: this.data.status,
      outcomes: this.data.outcomes,
      creditsSpent: this.data.creditsSpent,
      reportDir: report.reportDir,
      continuedAsNew: this.data.continuedAsNew,
      error: this.data.fatalError,
    };
  }

  private async waitForSomethingToDo(): Promise<void> {
    const data = this.data;
    const creditPause = data.pausedForCredits;
    // Re-check only while paused for credits with no probe out yet.
    const recheck = creditPause && !data.creditProbe ? this.state.plan.creditRecheckEveryMs : undefined;
    const wake = () =>
      this.state.isDone() ||
      !!data.stopping ||
      this.shouldContinueAsNew() ||
      // A 402 that arrives while we wait must re-enter the loop, so the re-check timer is armed.
      data.pausedForCredits !== creditPause ||
      (this.state.canGrant() && (this.state.budgetAllowsAnother() || this.state.inFlight === 0));
    // A timer only when one is needed: every timer is a history event.
    if (recheck === undefined) {
      await condition(wake);
      return;
    }
    if (!(await condition(wake, recheck)) && data.pausedForCredits === creditPause) {
      // Periodic re-check after a 402: one attempt tries again; another 402 keeps us paused.
      this.state.armCreditProbe();
    }
  }

  private async waitForPacing(): Promise<void> {
    const waitMs = this.state.msUntilNextGrant(now());
    if (waitMs > 0) await condition(() => !!this.data.stopping || !this.state.canGrant(), waitMs);
  }

  /** Gives the next slot to a waiting re-attempt, or starts the next row's call workflow. */
  private async grantOneSlot(): Promise<void> {
    const request = this.data.waiting.shift();
    if (request) {
      const operator = this.state.reserve(request.rowKey);
      this.signalChild(request.rowKey, slotGrantedSignal, {
        attempt: request.attempt,
        ...(operator === undefined ? {} : { operator }),
      });
    } else {
      const row = await this.nextRow();
      if (!row) return;
      const operator = this.state.reserve(row.rowKey);
      const rowIndex = this.data.started;
      this.data.started += 1;
      this.state.buffer.shift();
      this.startCallWorkflow(row, rowIndex, operator);
    }
    this.state.tookGrant(now());
  }

  private async nextRow(): Promise<CallRow | undefined> {
    if (this.state.buffer.length === 0) {
      const page = await readRowsPage({
        campaignId: this.state.plan.campaignId,
        offset: this.data.started,
        limit: this.input.pageSize ?? DEFAULT_PAGE_SIZE,
      });
      this.state.buffer = page.rows;
    }
    return this.state.buffer[0];
  }

  /** What every row's child workflow starts with, whichever type it is. */
  private rowChildOptions(row: CallRow) {
    const plan = this.state.plan;
    return {
      workflowId: callWorkflowId(plan.campaignId, row.rowKey),
      // Rows outlive a continue-as-new of this run and then report back by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: CampaignIdKey, value: plan.campaignId },
        { key: CampaignNameKey, value: plan.name },
        { key: CallAttemptKey, value: 1 },
      ],
      staticSummary: `${plan.name} · line ${row.line} · ${row.maskedPhone}`,
    };
  }

  private startCallWorkflow(row: CallRow, rowIndex: number, operator: number | undefined): void {
    if (patched(ROW_WORKFLOW_PATCH)) {
      this.startRowWorkflow(row, rowIndex, operator);
      return;
    }
    const plan = this.state.plan;
    this.state.pendingCommands += 1;
    startChild(callWorkflow, {
      ...this.rowChildOptions(row),
      args: [{ plan, row, rowIndex, campaignWorkflowId: campaignWorkflowId(plan.campaignId) }],
    }).then(
      () => {
        this.state.pendingCommands -= 1;
      },
      (error: unknown) => {
        this.state.pendingCommands -= 1;
        // Already started (for example by an earlier run that crashed mid-way): it reports back on its own.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      },
    );
  }

  /**
   * Starts the row's workflow and counts the row when it completes. A row workflow that
   * exists already (a reset campaign, say; IDs are never reused) is asked to report by
   * signal, or, if it has ended, its stored result counts. A start that fails otherwise
   * ends the row as `failed` and frees its slot.
   */
  private startRowWorkflow(row: CallRow, rowIndex: number, operator: number | undefined): void {
    const plan = this.state.plan;
    this.state.pendingCommands += 1;
    startChild(rowWorkflow, {
      ...this.rowChildOptions(row),
      args: [
        {
          plan,
          row,
          rowIndex,
          campaignWorkflowId: campaignWorkflowId(plan.campaignId),
          ...(operator === undefined ? {} : { operator }),
        },
      ],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }).then(
      (child) => {
        this.state.pendingCommands -= 1;
        this.awaiting.add(row.rowKey);
        if (this.continuing) this.handOver(row.rowKey);
        child.result().then(
          (ended: RowWorkflowResult) => {
            this.awaiting.delete(row.rowKey);
            this.state.rowFinished(ended.rowKey, ended.outcome, ended.slotCredits, ended.heldSlot, rowIndex);
          },
          (error: unknown) => {
            // Terminated or failed from outside: whatever it stored, the row ends here.
            this.awaiting.delete(row.rowKey);
            log.warn('a row workflow ended without a result', { rowKey: row.rowKey, error: String(error) });
            void this.countStoredOutcome(row.rowKey, rowIndex);
          },
        );
      },
      (error: unknown) => {
        this.state.pendingCommands -= 1;
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          this.adoptExistingRow(row.rowKey, rowIndex);
          return;
        }
        log.error('could not start a row workflow', { rowKey: row.rowKey, error: String(error) });
        this.state.rowFinished(row.rowKey, 'failed', 0, false, rowIndex);
      },
    );
  }

  /** The row's workflow was started before (and may have ended): have it report, or count what it stored. */
  private adoptExistingRow(rowKey: string, rowIndex: number): void {
    this.askToReportBySignal(
      rowKey,
      () => undefined,
      () => void this.countStoredOutcome(rowKey, rowIndex),
    );
  }

  private async countStoredOutcome(rowKey: string, rowIndex: number): Promise<void> {
    this.state.pendingCommands += 1;
    try {
      const stored = await storedRowOutcome({ campaignId: this.state.plan.campaignId, rowKey });
      this.state.rowFinished(rowKey, stored?.outcome ?? 'unknown', stored?.credits ?? 0, true, rowIndex);
    } finally {
      this.state.pendingCommands -= 1;
    }
  }

  /** Before continuing as new: every row this run waits on is told to report by signal. */
  private handOverRows(): void {
    this.continuing = true;
    for (const rowKey of this.awaiting.keys()) this.handOver(rowKey);
  }

  private handOver(rowKey: string): void {
    // Reported by signal from now on; one that has ended already completes to this run instead.
    this.askToReportBySignal(
      rowKey,
      () => this.awaiting.delete(rowKey),
      () => undefined,
    );
  }

  /** Tells a row workflow to report its end by signal; `ended` when it has ended already. */
  private askToReportBySignal(rowKey: string, asked: () => void, ended: () => void): void {
    this.state.pendingCommands += 1;
    getExternalWorkflowHandle(callWorkflowId(this.state.plan.campaignId, rowKey))
      .signal(reportBySignalSignal)
      .then(
        () => {
          this.state.pendingCommands -= 1;
          asked();
        },
        () => {
          this.state.pendingCommands -= 1;
          ended();
        },
      );
  }

  private signalChild<Args extends unknown[]>(
    rowKey: string,
    signal: SignalDefinition<Args>,
    ...args: Args
  ): void {
    this.state.pendingCommands += 1;
    getExternalWorkflowHandle(callWorkflowId(this.state.plan.campaignId, rowKey))
      .signal(signal, ...args)
      .then(
        () => {
          this.state.pendingCommands -= 1;
        },
        () => {
          // The call workflow already finished: nothing to tell it.
          this.state.pendingCommands -= 1;
        },
      );
  }

  private stop(reason: 'not_called_budget' | 'cancelled', error?: string, hangup = false): void {
    if (this.data.stopping) return;
    this.data.stopping = { reason, error, hangup, unstartedRecorded: false };
    this.data.status = reason === 'cancelled' ? 'cancelling' : 'finishing';
  }

  /** Tells everyone waiting or calling that the campaign stops, and closes the rows never started. */
  private async finishStopping(): Promise<void> {
    const stopping = this.data.stopping;
    if (!stopping) return;
    for (const request of this.data.waiting.splice(0)) {
      this.signalChild(request.rowKey, slotDeniedSignal, { reason: stopping.reason });
    }
    if (!stopping.unstartedRecorded) {
      stopping.unstartedRecorded = true;
      if (stopping.reason === 'cancelled') {
        for (const rowKey of Object.keys(this.data.reservations)) {
          this.signalChild(rowKey, campaignCancelledSignal, { hangup: stopping.hangup ?? false });
        }
      }
      const closed = await recordUnstartedRows({
        campaignId: this.state.plan.campaignId,
        fromOffset: this.data.started,
        outcome: stopping.reason,
        error: stopping.error,
      });
      if (closed > 0)
        this.data.outcomes[stopping.reason] = (this.data.outcomes[stopping.reason] ?? 0) + closed;
    }
    await condition(() => this.state.isDone() || this.data.waiting.length > 0 || this.shouldContinueAsNew());
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      info.historyLength >= (this.input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT)
    );
  }

  private publishStatus(): void {
    const data = this.data;
    if (data.status === 'running' || data.status === 'paused')
      data.status = this.state.paused ? 'paused' : 'running';
    if (data.status !== this.publishedStatus) {
      this.publishedStatus = data.status;
      upsertSearchAttributes([{ key: CampaignStateKey, value: data.status }]);
    }
    const p = this.state.progress(now());
    const outcomes = Object.entries(p.outcomes)
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
    const why = p.pausedReason ?? (data.status === 'failed' ? data.fatalError : undefined);
    setCurrentDetails(
      [
        `**${p.name}**: ${p.status}${why ? ` (${why})` : ''}`,
        `rows ${p.rows.finished}/${p.rows.valid} finished, ${p.inFlight} in flight, ${p.waitingForSlot} waiting`,
        `credits spent ${p.credits.spent}, reserved ${p.credits.reserved}${p.credits.budget !== undefined ? ` of budget ${p.credits.budget}` : ''}`,
        outcomes ? `outcomes: ${outcomes}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
}
