import {
  ActivityCancellationType,
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  type SignalDefinition,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CallActivities } from '../activities/callActivities.js';
import { AttemptEvents } from '../engine/attemptEvents.js';
import { callEndOf } from '../engine/callEvent.js';
import type { CallRow, CampaignPlan } from '../engine/campaignPlan.js';
import { callActivityId, clientRequestId } from '../engine/ids.js';
import { outcomeOfCallStatus } from '../engine/outcomes.js';
import {
  type InsufficientCreditsDetails,
  type PlaceCallResult,
  RATE_LIMITED_FAILURE,
  type RateLimitedDetails,
  StartCallFailure,
} from '../engine/startCallResult.js';
import type { AttemptRecord, FinalOutcome } from '../results/rowResult.js';
import { CallAttemptKey, CallOutcomeKey } from '../temporal/searchAttributes.js';
import {
  type CallWorkflowState,
  callEventSignal,
  callStateQuery,
  campaignCancelledSignal,
  reportBySignalSignal,
  type SlotGrant,
  slotDeniedSignal,
  slotGrantedSignal,
} from './callMessages.js';
import {
  attemptEndedSignal,
  creditsExhaustedSignal,
  fatalErrorSignal,
  rateLimitedSignal,
  requestSlotSignal,
  rowFinishedSignal,
} from './campaignMessages.js';

export interface RowWorkflowInput {
  plan: CampaignPlan;
  row: CallRow;
  /** The row's place among the valid rows, sent back with its outcome so it counts once. */
  rowIndex: number;
  /** The campaign workflow, by ID: a row handed over across continue-as-new reports to it by signal. */
  campaignWorkflowId: string;
  /** User-on-call campaigns: the operator phone (by index) the first attempt's slot holds. */
  operator?: number;
}

/** The row's end, read by the campaign run that started it from the child's completion. */
export interface RowWorkflowResult {
  rowKey: string;
  rowIndex: number;
  outcome: FinalOutcome;
  attempts: number;
  credits: number;
  /** Whether the last attempt still held a campaign slot, and what that attempt cost. */
  heldSlot: boolean;
  slotCredits: number;
}

/** Tries of one attempt's start on 429 before the row gives up (the campaign slows down meanwhile). */
const MAX_RATE_LIMITED_TRIES = 25;
/** A row re-waits this often for its own call after foreign webhooks completed its wait. */
const MAX_FOREIGN_ENDS = 20;
/** Longest single timer while waiting for a calling window: re-check so clock/zone changes are noticed. */
const MAX_WINDOW_SLEEP_MS = 60 * 60 * 1000;
/** Time from the start request to the call being connected, on top of its longest duration. */
const DIAL_ALLOWANCE_MS = 2 * 60 * 1000;

const { confirmCallForAttempt, hangUp } = proxyActivities<CallActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// The post-call step runs in the workflow task that learns of the call's end: no extra
// round trip through the task queue, and all of it counts as one Action.
const { finishAttempt } = proxyLocalActivities<CallActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One contact row, lean: one activity places the attempt's call and completes when the
 * call ends (the webhook receiver completes it; its timeout is the poll fallback), one
 * local activity settles the attempt and writes the result, and the campaign learns of
 * the row's end from this workflow's completion. Search attributes are set at start;
 * only the outcome is upserted. Re-attempts, 402 and 429 go through the campaign by signal.
 */
export async function rowWorkflow(input: RowWorkflowInput): Promise<RowWorkflowResult> {
  return await new RowRun(input).run();
}

interface AttemptResult {
  outcome: FinalOutcome;
  error?: string;
  /** The row's result is stored already (by the post-call step of its last call). */
  written?: boolean;
  /** No further attempt, whatever retryOn says. */
  final?: boolean;
  /** A further attempt even if retryOn does not list the outcome. */
  forceRetry?: boolean;
}

class RowRun {
  private readonly plan: CampaignPlan;
  private readonly row: CallRow;
  private readonly campaign;
  private readonly state: CallWorkflowState;
  private readonly attempts: AttemptRecord[] = [];
  /** Webhook events that came by signal (an uncertain start, or an end nobody waited for). */
  private events = new AttemptEvents();
  private grant: SlotGrant | undefined;
  /** The operator phone the slot we hold comes with (user-on-call campaigns). */
  private operator: number | undefined;
  private denial: 'not_called_budget' | 'cancelled' | undefined;
  private cancelled: { hangup: boolean } | undefined;
  private reportBySignal = false;
  private holdingSlot = true; // the campaign grants the first attempt's slot when it starts us
  private creditsSpent = 0;
  /** Credits of the attempt whose slot we still hold, reported with the release. */
  private slotCredits = 0;
  private readonly placeCallOptions: ActivityOptions;

  constructor(private readonly input: RowWorkflowInput) {
    this.plan = input.plan;
    this.row = input.row;
    this.campaign = getExternalWorkflowHandle(input.campaignWorkflowId);
    this.state = { rowKey: this.row.rowKey, line: this.row.line, attempt: 1, phase: 'waiting_for_window' };
    this.operator = input.operator;
    // Waits for the whole call: no heartbeat (nobody runs it meanwhile), and a timeout
    // that covers dialling, the longest call and the webhook's grace.
    this.placeCallOptions = {
      startToCloseTimeout: DIAL_ALLOWANCE_MS + this.plan.maxCallDurationMs + this.plan.webhookGraceMs,
      cancellationType: ActivityCancellationType.TRY_CANCEL,
      retry: {
        initialInterval: '2 seconds',
        backoffCoefficient: 2,
        maximumInterval: '2 minutes',
        maximumAttempts: 25,
        nonRetryableErrorTypes: [...Object.values(StartCallFailure), RATE_LIMITED_FAILURE],
      },
    };

    setHandler(callStateQuery, () => this.state);
    setHandler(callEventSignal, (event) => {
      // Events for other attempts (late or replayed webhooks) never move this attempt.
      if (event.attempt === this.state.attempt) this.events.add(event);
    });
    setHandler(slotGrantedSignal, (grant) => {
      if (grant.attempt === this.state.attempt) this.grant = grant;
    });
    setHandler(slotDeniedSignal, ({ reason }) => {
      this.denial = reason;
    });
    setHandler(campaignCancelledSignal, ({ hangup }) => {
      this.cancelled = { hangup };
    });
    setHandler(reportBySignalSignal, () => {
      this.reportBySignal = true;
    });
  }

  async run(): Promise<RowWorkflowResult> {
    const result = await this.attemptUntilFinal();
    const outcome = result.outcome;
    this.state.phase = 'finished';
    this.state.outcome = outcome;
    if (!result.written) await this.writeResult(result);
    upsertSearchAttributes([{ key: CallOutcomeKey, value: outcome }]);
    const ended: RowWorkflowResult = {
      rowKey: this.row.rowKey,
      rowIndex: this.input.rowIndex,
      outcome,
      attempts: this.attempts.length,
      credits: this.creditsSpent,
      heldSlot: this.holdingSlot,
      slotCredits: this.slotCredits,
    };
    if (this.reportBySignal) {
      await this.tellCampaign(rowFinishedSignal, {
        rowKey: ended.rowKey,
        outcome,
        credits: ended.slotCredits,
        heldSlot: ended.heldSlot,
        rowIndex: ended.rowIndex,
      });
    }
    return ended;
  }

  private async attemptUntilFinal(): Promise<AttemptResult> {
    let last: AttemptResult | undefined;
    for (let attempt = 1; attempt <= this.plan.maxAttempts; attempt++) {
      this.state.attempt = attempt;
      this.events = new AttemptEvents();
      if (attempt > 1) {
        upsertSearchAttributes([{ key: CallAttemptKey, value: attempt }]);
        this.state.phase = 'retry_delay';
        await this.sleepUnlessCancelled(this.plan.retryDelayMs);
        const granted = await this.waitForSlot(attempt);
        if (!granted) return last ?? { outcome: this.denial ?? 'cancelled' };
      }
      const result = await this.runAttempt(attempt);
      last = result;
      if (!this.wantsAnother(attempt, result)) return result;
      await this.releaseSlot();
    }
    return last ?? { outcome: 'unknown', error: 'no attempt was made' };
  }

  private wantsAnother(attempt: number, result: AttemptResult): boolean {
    if (result.final || attempt >= this.plan.maxAttempts || this.cancelled) return false;
    return result.forceRetry === true || this.plan.retryOn.includes(result.outcome);
  }

  /** One attempt, from the calling window to the call's end, settled. Holds a slot throughout. */
  private async runAttempt(attempt: number): Promise<AttemptResult> {
    const record: AttemptRecord = {
      attempt,
      clientRequestId: clientRequestId(this.plan.campaignId, this.row.rowKey, attempt),
      status: 'not_started',
    };
    this.attempts.push(record);
    let rateLimited = 0;
    let foreignEnds = 0;
    let sid: string | undefined;
    for (;;) {
      if (this.cancelled && sid === undefined && record.status === 'not_started')
        return { outcome: 'cancelled', final: true };
      this.state.phase = sid === undefined ? 'dialing' : 'in_call';
      let placed: PlaceCallResult;
      try {
        placed = await this.waitForCall(attempt, sid);
      } catch (error) {
        const failure = error instanceof ActivityFailure ? error.cause : undefined;
        if (failure instanceof ApplicationFailure && failure.type === RATE_LIMITED_FAILURE) {
          // 429: nothing was placed. The campaign slows down; this row waits and tries again.
          const details = (failure.details?.[0] ?? {}) as Partial<RateLimitedDetails>;
          await this.tellCampaign(rateLimitedSignal, { retryAfterMs: details.retryAfterMs });
          if (++rateLimited >= MAX_RATE_LIMITED_TRIES) return this.startCallGaveUp(record, error);
          await this.sleepUnlessCancelled(details.delayMs ?? 1_000);
          continue;
        }
        if (failure instanceof ApplicationFailure && failure.type === StartCallFailure.insufficientCredits) {
          // 402: nothing was placed. Give the slot back, tell the campaign to pause, and
          // wait for a new grant; the same attempt (same client_request_id) is safe to re-send.
          const details = (failure.details?.[0] ?? {}) as InsufficientCreditsDetails;
          this.holdingSlot = false;
          this.slotCredits = 0;
          await this.campaign.signal(creditsExhaustedSignal, {
            rowKey: this.row.rowKey,
            attempt,
            ...details,
          });
          if (!(await this.waitForSlot(attempt))) {
            record.status = 'not_sent';
            return { outcome: this.denial ?? 'cancelled', final: true };
          }
          continue;
        }
        return this.startCallGaveUp(record, error);
      }

      switch (placed.kind) {
        case 'never_placed':
          return { outcome: 'cancelled', final: true };
        case 'window_closed':
          this.state.phase = 'waiting_for_window';
          await this.sleepUnlessCancelled(Math.min(placed.waitMs, MAX_WINDOW_SLEEP_MS));
          continue;
        case 'not_dialled':
          // Suppressed or capped at dial time: nothing was sent, and no later attempt may be.
          record.status = placed.outcome;
          record.error = placed.reason;
          return { outcome: placed.outcome, error: placed.reason, final: true };
        case 'never_in_window':
          record.status = 'no_calling_window';
          return {
            outcome: 'rejected',
            error:
              'the calling window never opens for this recipient (its zones, days off and calling rules leave no time)',
            final: true,
          };
        case 'uncertain': {
          // The request may have created a call. Its webhooks come to this attempt's own URL
          // (by signal, since no activity waits): wait for them, and never re-send blindly.
          record.startedAt ??= placed.startedAt;
          record.status = 'uncertain';
          this.state.phase = 'reconciling';
          sid = await this.reconcile(attempt);
          if (!sid) {
            record.error = `start-call outcome unknown (${placed.reason}); no webhook arrived within the reconciliation period`;
            // The campaign's ambiguousStart setting decides: a new attempt (new client_request_id), or `unknown`.
            return {
              outcome: 'unknown',
              error: record.error,
              forceRetry: this.plan.ambiguousStart === 'reattempt',
            };
          }
          this.events.bind(sid);
          continue; // placeCall now finds the confirmed call in the ledger and waits for its end
        }
        case 'ended': {
          const settled =
            sid === undefined || placed.end.sid === sid
              ? await this.settleCall(attempt, record, placed)
              : undefined;
          if (settled) return settled;
          // A signed webhook of another call, replayed to this attempt's URL: wait on.
          if (++foreignEnds > MAX_FOREIGN_ENDS) {
            record.status = 'uncertain';
            record.error = `more than ${MAX_FOREIGN_ENDS} webhooks of other calls reached this attempt`;
            return { outcome: 'unknown', error: record.error, final: true };
          }
          break;
        }
        default:
          // Fails the workflow task (retried after a fix), never the row.
          throw new TypeError(`placeCall answered an unknown result: ${JSON.stringify(placed)}`);
      }
    }
  }

  /**
   * The post-call step for a call that ended: one local activity checks the call is
   * this attempt's own, fills what the webhook lacked, fetches the recording and, when
   * no further attempt follows, writes the row's result. Undefined when the call is not ours.
   */
  private async settleCall(
    attempt: number,
    record: AttemptRecord,
    placed: Extract<PlaceCallResult, { kind: 'ended' }>,
  ): Promise<AttemptResult | undefined> {
    const end = placed.end;
    const outcome: FinalOutcome = this.cancelled?.hangup ? 'cancelled' : outcomeOfCallStatus(end.status);
    const ended: AttemptRecord = {
      ...record,
      sid: end.sid,
      status: end.status,
      startedAt: record.startedAt ?? placed.startedAt ?? this.now(),
      ...(end.endedAt === undefined ? {} : { endedAt: end.endedAt }),
      ...(end.durationS === undefined ? {} : { durationS: end.durationS }),
    };
    const result: AttemptResult = { outcome, final: this.cancelled?.hangup === true };
    const last = !this.wantsAnother(attempt, result);
    const finished = await finishAttempt({
      campaignId: this.plan.campaignId,
      rowKey: this.row.rowKey,
      line: this.row.line,
      attempt,
      call: end,
      ...(this.plan.recordingFormat ? { recordingFormat: this.plan.recordingFormat } : {}),
      ...(last ? { result: { outcome, attempts: [...this.attempts.slice(0, -1), ended] } } : {}),
    });
    if (finished.kind === 'foreign') return undefined;
    Object.assign(record, ended, {
      credits: end.credits ?? finished.credits ?? this.plan.estimatePerCall,
      ...(record.durationS === undefined && finished.durationS !== undefined
        ? { durationS: finished.durationS }
        : {}),
    });
    this.state.sid = end.sid;
    this.creditsSpent += record.credits ?? 0;
    this.slotCredits = record.credits ?? 0;
    return { ...result, final: last, written: last };
  }

  private now(): string {
    return new Date(Date.now()).toISOString();
  }

  /**
   * Runs placeCall as activity `call-<attempt>`, the ID the webhook receiver completes,
   * and ends the call when the campaign is cancelled with hang-up while it waits.
   */
  private async waitForCall(attempt: number, knownSid: string | undefined): Promise<PlaceCallResult> {
    // An end that came by signal while no activity waited (after an uncertain start).
    const signalled = knownSid === undefined ? undefined : this.events.completed(knownSid);
    if (signalled) return { kind: 'ended', end: callEndOf(signalled, 'webhook') };
    const key = { campaignId: this.plan.campaignId, rowKey: this.row.rowKey, attempt };
    const placeCall = () =>
      proxyActivities<CallActivities>({
        ...this.placeCallOptions,
        activityId: callActivityId(attempt),
      }).placeCall({
        ...key,
        window: this.plan.callingWindow,
        timezones: this.row.timezones,
        ...(this.operator === undefined ? {} : { operator: this.operator }),
      });
    if (this.cancelled?.hangup) return await placeCall();
    const scope = new CancellationScope();
    const call = scope.run(placeCall);
    const hungUp = await Promise.race([
      call.then(
        () => false,
        () => false,
      ),
      condition(() => this.cancelled?.hangup === true).then(() => true),
    ]);
    if (!hungUp) return await call;
    scope.cancel();
    await call.catch(() => undefined);
    // The waiting activity is cancelled (it stays pending on the server until its timeout):
    // end the call and ask the API how it ended, rather than wait under a new activity ID.
    const end = await hangUp(key);
    return end ? { kind: 'ended', end } : { kind: 'never_placed' };
  }
  /**
   * After an uncertain start, the call (if one exists) announces itself through this
   * attempt's webhook URL. Each sid a webhook names is confirmed with the API before
   * it is believed. Returns the confirmed sid, or undefined when none came within reconcileAfter.
   */
  private async reconcile(attempt: number): Promise<string | undefined> {
    const checked = new Set<string>();
    const unchecked = () => this.events.candidates.find((candidate) => !checked.has(candidate));
    let expired = false;
    const deadline = new CancellationScope();
    void deadline
      .run(() => sleep(this.plan.reconcileAfterMs))
      .then(
        () => {
          expired = true;
        },
        () => undefined,
      );
    try {
      for (;;) {
        await condition(() => expired || unchecked() !== undefined);
        const sid = unchecked();
        if (sid === undefined) return undefined;
        checked.add(sid);
        const key = { campaignId: this.plan.campaignId, rowKey: this.row.rowKey, attempt };
        if (await confirmCallForAttempt({ ...key, sid })) return sid;
        this.events.reject(sid);
      }
    } finally {
      deadline.cancel();
    }
  }

  /** The row's result when its last attempt placed no call (or settled none). */
  private async writeResult(result: AttemptResult): Promise<void> {
    await finishAttempt({
      campaignId: this.plan.campaignId,
      rowKey: this.row.rowKey,
      line: this.row.line,
      attempt: Math.max(1, this.attempts.length),
      result: {
        outcome: result.outcome,
        ...(result.error ? { error: result.error } : {}),
        attempts: this.attempts,
      },
    });
  }

  /**
   * startCall failed for good. Its own refusals (an ApplicationFailure it threw after
   * giving its claim back) mean nothing was sent; anything else (every try timed out)
   * may hide a call, so the row is `unknown`, and nothing is sent again either way.
   */
  private async startCallGaveUp(record: AttemptRecord, error: unknown): Promise<AttemptResult> {
    const failure = error instanceof ActivityFailure ? error.cause : undefined;
    const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
    record.error = message;
    if (!(failure instanceof ApplicationFailure) || failure.type === RATE_LIMITED_FAILURE) {
      record.status = failure instanceof ApplicationFailure ? 'not_sent' : 'uncertain';
      if (failure instanceof ApplicationFailure)
        return { outcome: 'failed', error: `start-call rate-limited, gave up: ${message}`, final: true };
      return { outcome: 'unknown', error: `start-call outcome unknown: ${message}`, final: true };
    }
    record.status = 'not_sent';
    if (failure.type === StartCallFailure.rejected)
      return { outcome: 'rejected', error: message, final: true };
    if (failure.type === StartCallFailure.unauthorized) {
      await this.tellCampaign(fatalErrorSignal, { message });
      return { outcome: 'failed', error: message, final: true };
    }
    return { outcome: 'failed', error: `start-call refused, gave up: ${message}`, final: true };
  }

  private async sleepUnlessCancelled(ms: number): Promise<void> {
    await condition(() => this.cancelled !== undefined, ms);
  }

  private async releaseSlot(): Promise<void> {
    if (!this.holdingSlot) return;
    this.holdingSlot = false;
    await this.tellCampaign(attemptEndedSignal, {
      rowKey: this.row.rowKey,
      attempt: this.state.attempt,
      credits: this.slotCredits,
    });
    this.slotCredits = 0;
  }

  /**
   * Reports to the campaign, which may have closed (terminated from the UI, say) while
   * this row ran: the row's result is in the store either way.
   */
  private async tellCampaign<Args extends unknown[]>(
    signal: SignalDefinition<Args>,
    ...args: Args
  ): Promise<void> {
    try {
      await this.campaign.signal(signal, ...args);
    } catch (error) {
      log.warn('the campaign workflow has closed; this row is recorded and ends here', {
        rowKey: this.row.rowKey,
        workflowId: workflowInfo().workflowId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Asks the campaign for a slot and waits for its answer. */
  private async waitForSlot(attempt: number): Promise<boolean> {
    this.state.phase = 'waiting_for_slot';
    this.grant = undefined;
    await this.campaign.signal(requestSlotSignal, { rowKey: this.row.rowKey, attempt });
    await condition(() => this.grant !== undefined || this.denial !== undefined);
    if (this.denial) return false;
    this.holdingSlot = true;
    // Set by the signal handler while we waited (TypeScript still sees the reset above).
    this.operator = (this.grant as SlotGrant | undefined)?.operator;
    return true;
  }
}
