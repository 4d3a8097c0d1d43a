import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  type SignalDefinition,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { CallActivities } from '../activities/callActivities.js';
import { AttemptEvents } from '../engine/attemptEvents.js';
import { type CallSnapshot, isFinalCallStatus } from '../engine/callEvent.js';
import type { CallRow, CampaignPlan } from '../engine/campaignPlan.js';
import { clientRequestId } from '../engine/ids.js';
import { outcomeOfCallStatus } from '../engine/outcomes.js';
import {
  type InsufficientCreditsDetails,
  type NotDialled,
  StartCallFailure,
  type StartCallResult,
} from '../engine/startCallResult.js';
import type { AttemptRecord, FinalOutcome } from '../results/rowResult.js';
import { CallAttemptKey, CallOutcomeKey } from '../temporal/searchAttributes.js';
import {
  type CallWorkflowState,
  callEventSignal,
  callStateQuery,
  campaignCancelledSignal,
  slotDeniedSignal,
  slotGrantedSignal,
} from './callMessages.js';
import {
  attemptEndedSignal,
  creditsExhaustedSignal,
  fatalErrorSignal,
  requestSlotSignal,
  rowFinishedSignal,
} from './campaignMessages.js';

export interface CallWorkflowInput {
  plan: CampaignPlan;
  row: CallRow;
  /** The row's place among the valid rows, sent back with its outcome so it counts once. */
  rowIndex?: number;
  /** The campaign workflow to report to (by ID, so reports reach it across continue-as-new). */
  campaignWorkflowId: string;
}

export interface CallWorkflowResult {
  rowKey: string;
  outcome: FinalOutcome;
  attempts: number;
  credits: number;
}

/**
 * The activity itself never re-sends after anything but a definite refusal (its
 * ledger claim); the finite retry count is the second guard, should that ever fail.
 */
const START_CALL_MAX_TRIES = 25;

const { startCall } = proxyActivities<CallActivities>({
  startToCloseTimeout: '1 minute',
  // 429s arrive here as retryable failures carrying the API's Retry-After as nextRetryDelay.
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: START_CALL_MAX_TRIES,
    nonRetryableErrorTypes: Object.values(StartCallFailure),
  },
});

const {
  msUntilCallingWindow,
  confirmCallForAttempt,
  getCallStatus,
  endCall,
  downloadRecording,
  recordRowResult,
} = proxyActivities<CallActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Patch: confirm each sid named while a start is uncertain, instead of believing the first. */
const CONFIRM_UNCERTAIN_SID = 'confirm-uncertain-sid';

/** Longest single timer while waiting for a calling window: re-check so clock/zone changes are noticed. */
const MAX_WINDOW_SLEEP_MS = 60 * 60 * 1000;
/** How long to wait for the late price_updated webhook before asking the API for the price. */
const PRICE_GRACE_MS = 15 * 1000;

/**
 * One contact row: waits for its calling window, places the call (at most once per
 * attempt), waits for the signed webhook or polls, re-attempts what `retryOn` allows,
 * then records the row's result and reports to the campaign.
 */
export async function callWorkflow(input: CallWorkflowInput): Promise<CallWorkflowResult> {
  return await new CallRun(input).run();
}

interface AttemptResult {
  outcome: FinalOutcome;
  error?: string;
  /** No further attempt, whatever retryOn says. */
  final?: boolean;
  /** A further attempt even if retryOn does not list the outcome. */
  forceRetry?: boolean;
}

class CallRun {
  private readonly plan: CampaignPlan;
  private readonly row: CallRow;
  private readonly rowIndex: number | undefined;
  private readonly campaign;
  private readonly state: CallWorkflowState;
  private readonly attempts: AttemptRecord[] = [];
  /** Webhook events for the current attempt, bounded and bound to its call. */
  private events = new AttemptEvents();
  private grant: { attempt: number } | undefined;
  private denial: 'not_called_budget' | 'cancelled' | undefined;
  private cancelled: { hangup: boolean } | undefined;
  private holdingSlot = true; // the campaign grants the first attempt's slot when it starts us
  private creditsSpent = 0;
  private lastSnapshot: CallSnapshot | undefined;
  private recording: string | undefined;

  constructor(input: CallWorkflowInput) {
    this.plan = input.plan;
    this.row = input.row;
    this.rowIndex = input.rowIndex;
    this.campaign = getExternalWorkflowHandle(input.campaignWorkflowId);
    this.state = { rowKey: this.row.rowKey, line: this.row.line, attempt: 1, phase: 'waiting_for_window' };

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
  }

  async run(): Promise<CallWorkflowResult> {
    const outcome = await this.attemptUntilFinal();
    this.state.phase = 'finished';
    this.state.outcome = outcome.outcome;
    upsertSearchAttributes([{ key: CallOutcomeKey, value: outcome.outcome }]);

    await recordRowResult({
      campaignId: this.plan.campaignId,
      rowKey: this.row.rowKey,
      line: this.row.line,
      outcome: outcome.outcome,
      goalCompleted: this.lastSnapshot?.goalCompleted,
      summary: this.lastSnapshot?.summary,
      transcript: this.lastSnapshot?.transcript,
      attempts: this.attempts,
      recording: this.recording,
      error: outcome.error,
    });
    await this.tellCampaign(rowFinishedSignal, {
      rowKey: this.row.rowKey,
      outcome: outcome.outcome,
      credits: this.pendingCredits,
      heldSlot: this.holdingSlot,
      ...(this.rowIndex === undefined ? {} : { rowIndex: this.rowIndex }),
    });
    return {
      rowKey: this.row.rowKey,
      outcome: outcome.outcome,
      attempts: this.attempts.length,
      credits: this.creditsSpent,
    };
  }

  /** Credits of the attempt whose slot we still hold, reported with the release. */
  private pendingCredits = 0;

  private async attemptUntilFinal(): Promise<AttemptResult> {
    let last: AttemptResult | undefined;
    for (let attempt = 1; attempt <= this.plan.maxAttempts; attempt++) {
      this.state.attempt = attempt;
      this.events = new AttemptEvents();
      upsertSearchAttributes([{ key: CallAttemptKey, value: attempt }]);

      if (attempt > 1) {
        this.state.phase = 'retry_delay';
        await this.sleepUnlessCancelled(this.plan.retryDelayMs);
        const granted = await this.waitForSlot(attempt);
        if (!granted) return last ?? { outcome: this.denial ?? 'cancelled' };
      }

      const result = await this.runAttempt(attempt);
      last = result;
      const retry = !result.final && (result.forceRetry || this.plan.retryOn.includes(result.outcome));
      if (!retry || attempt === this.plan.maxAttempts || this.cancelled) return result;
      await this.releaseSlot();
    }
    return last ?? { outcome: 'unknown', error: 'no attempt was made' };
  }

  /** One attempt, from the calling window to the call's final status. Holds a slot throughout. */
  private async runAttempt(attempt: number): Promise<AttemptResult> {
    const record: AttemptRecord = {
      attempt,
      clientRequestId: clientRequestId(this.plan.campaignId, this.row.rowKey, attempt),
      status: 'not_started',
    };
    this.attempts.push(record);

    if (!(await this.waitForCallingWindow())) {
      if (this.cancelled) return { outcome: 'cancelled', final: true };
      record.status = 'no_calling_window';
      return {
        outcome: 'rejected',
        error: 'the calling window can never be satisfied for this recipient (zones do not overlap)',
        final: true,
      };
    }

    this.state.phase = 'dialing';
    let started: Exclude<StartCallResult, NotDialled>;
    for (;;) {
      try {
        started = await startCall({ campaignId: this.plan.campaignId, rowKey: this.row.rowKey, attempt });
        break;
      } catch (error) {
        const failure = error instanceof ActivityFailure ? error.cause : undefined;
        if (failure instanceof ApplicationFailure && failure.type === StartCallFailure.insufficientCredits) {
          // 402: nothing was placed. Give the slot back, tell the campaign to pause, and
          // wait for a new grant; the same attempt (same client_request_id) is safe to re-send.
          const details = (failure.details?.[0] ?? {}) as InsufficientCreditsDetails;
          this.holdingSlot = false;
          this.pendingCredits = 0;
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
        return await this.startCallGaveUp(record, error);
      }
    }
    record.startedAt = started.startedAt;

    let sid: string | undefined;
    if (started.kind === 'placed') {
      sid = started.sid;
    } else {
      // The request may have created a call. Its webhooks come to this attempt's own URL:
      // wait for them before deciding anything, and never re-send blindly.
      this.state.phase = 'reconciling';
      record.status = 'uncertain';
      sid = await this.reconcile(attempt);
      if (!sid) {
        record.error = `start-call outcome unknown (${started.reason}); no webhook arrived within the reconciliation period`;
        // The campaign's ambiguousStart setting decides: a new attempt (new client_request_id), or `unknown`.
        return {
          outcome: 'unknown',
          error: record.error,
          forceRetry: this.plan.ambiguousStart === 'reattempt',
        };
      }
    }
    this.events.bind(sid);
    record.sid = sid;
    this.state.sid = sid;
    this.state.phase = 'in_call';

    const snapshot = await this.waitForCallEnd(sid);
    this.lastSnapshot = snapshot;
    record.status = snapshot.status;
    record.endedAt = snapshot.endedAt;
    record.durationS = snapshot.durationS;
    record.credits = snapshot.credits ?? this.plan.estimatePerCall;
    this.creditsSpent += record.credits;
    this.pendingCredits = record.credits;

    if (snapshot.status === 'completed' && this.plan.recordingFormat) {
      this.recording = await downloadRecording({
        campaignId: this.plan.campaignId,
        rowKey: this.row.rowKey,
        attempt,
        sid,
        format: this.plan.recordingFormat,
      });
    }
    if (this.cancelled?.hangup) return { outcome: 'cancelled', final: true };
    return { outcome: outcomeOfCallStatus(snapshot.status) };
  }

  /**
   * After an uncertain start, the call (if one exists) announces itself through this
   * attempt's webhook URL. Each sid a webhook names is confirmed with the API before
   * it is believed, so a replayed webhook of another call cannot take the row over.
   * Returns the confirmed sid, or undefined when none came within reconcileAfter.
   */
  private async reconcile(attempt: number): Promise<string | undefined> {
    if (!patched(CONFIRM_UNCERTAIN_SID)) {
      // Histories written before the patch believed the first event.
      await condition(() => this.events.candidates.length > 0, this.plan.reconcileAfterMs);
      return this.events.candidates[0];
    }
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
        if (
          await confirmCallForAttempt({
            campaignId: this.plan.campaignId,
            rowKey: this.row.rowKey,
            attempt,
            sid,
          })
        )
          return sid;
        this.events.reject(sid);
      }
    } finally {
      deadline.cancel();
    }
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
    if (!(failure instanceof ApplicationFailure)) {
      record.status = 'uncertain';
      return { outcome: 'unknown', error: `start-call outcome unknown: ${message}`, final: true };
    }
    record.status = 'not_sent';
    if (failure.type === StartCallFailure.rejected)
      return { outcome: 'rejected', error: message, final: true };
    if (failure.type === StartCallFailure.unauthorized) {
      await this.campaign.signal(fatalErrorSignal, { message });
      return { outcome: 'failed', error: message, final: true };
    }
    return { outcome: 'failed', error: `start-call refused, gave up: ${message}`, final: true };
  }

  /** Waits for the webhook that says the call is over, then polls if it never comes. */
  private async waitForCallEnd(sid: string): Promise<CallSnapshot> {
    const completedEvent = () => this.events.completed(sid);
    let hungUp = false;
    const webhookDeadline = this.plan.maxCallDurationMs + this.plan.webhookGraceMs;
    await condition(
      () => completedEvent() !== undefined || (this.cancelled?.hangup === true && !hungUp),
      webhookDeadline,
    );
    if (!completedEvent() && this.cancelled?.hangup) {
      hungUp = true;
      await endCall({ sid });
      await condition(() => completedEvent() !== undefined, this.plan.webhookGraceMs);
    }

    let snapshot = this.snapshotFromEvents(sid);
    // The webhook never came (dropped, receiver down): ask the API until the call is final.
    let pollDelay = 2_000;
    while (!snapshot.final) {
      snapshot = await getCallStatus({ sid });
      if (snapshot.final) break;
      await sleep(pollDelay);
      pollDelay = Math.min(pollDelay * 2, 5 * 60_000);
    }

    if (snapshot.credits === undefined && this.plan.priceWebhook) {
      // price_updated may arrive after call_completed: wait a little for it.
      await condition(() => this.events.credits(sid) !== undefined, PRICE_GRACE_MS);
      snapshot.credits = this.events.credits(sid);
    }
    if (snapshot.credits === undefined || snapshot.durationS === undefined) {
      // The webhook does not carry everything the report shows: the API fills the gaps.
      const details = await getCallStatus({ sid });
      snapshot.credits ??= details.credits;
      snapshot.durationS ??= details.durationS;
      snapshot.endedAt ??= details.endedAt;
      snapshot.goalCompleted ??= details.goalCompleted;
      if (!snapshot.transcript?.length) snapshot.transcript = details.transcript;
    }
    return snapshot;
  }

  private snapshotFromEvents(sid: string): CallSnapshot {
    const completed = this.events.completed(sid);
    if (!completed) return { sid, status: 'unknown', final: false };
    return {
      sid,
      status: completed.status ?? 'completed',
      final: isFinalCallStatus(completed.status ?? 'completed'),
      goalCompleted: completed.goalCompleted,
      summary: completed.summary,
      transcript: completed.transcript,
      durationS: completed.durationS,
      credits: completed.credits ?? this.events.credits(sid),
      endedAt: completed.timestamp ? new Date(completed.timestamp * 1000).toISOString() : undefined,
    };
  }

  /** Returns false when the window can never open (or the campaign was cancelled). */
  private async waitForCallingWindow(): Promise<boolean> {
    this.state.phase = 'waiting_for_window';
    for (;;) {
      if (this.cancelled) return false;
      const waitMs = await msUntilCallingWindow({
        window: this.plan.callingWindow,
        timezones: this.row.timezones,
      });
      if (waitMs === null) return false;
      if (waitMs <= 0) return true;
      await this.sleepUnlessCancelled(Math.min(waitMs, MAX_WINDOW_SLEEP_MS));
    }
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
      credits: this.pendingCredits,
    });
    this.pendingCredits = 0;
  }

  /**
   * Reports to the campaign, which may have closed (terminated from the UI, say) while
   * this call ran: the row's result is in the store either way, so the call still
   * completes with its outcome instead of failing after the fact.
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
    return true;
  }
}
