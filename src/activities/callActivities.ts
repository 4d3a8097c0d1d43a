import { ApplicationFailure, CompleteAsyncError, Context } from '@temporalio/activity';
import { isDefiniteRefusal } from '../callmycall/definiteRefusal.js';
import {
  AuthError,
  InsufficientCreditsError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../callmycall/errors.js';
import type { GetCallResponse, StartCallRequest } from '../callmycall/schemas.js';
import { regionalFrequencyCap } from '../compliance/callingRules.js';
import {
  budgetCheck,
  capCheck,
  consentCheck,
  type DialPolicy,
  suppressionCheck,
  windowCheck,
} from '../compliance/dialCheckDetails.js';
import type { DialCheck } from '../compliance/dialChecks.js';
import type { FrequencyCap } from '../compliance/frequencyCap.js';
import { type CallEnd, type CallSnapshot, callEndOf, isFinalCallStatus } from '../engine/callEvent.js';
import type { CallingWindowPlan } from '../engine/campaignPlan.js';
import { attemptWebhookPath, clientRequestId } from '../engine/ids.js';
import {
  type NotDialled,
  type PlaceCallResult,
  RATE_LIMITED_FAILURE,
  type RateLimitedDetails,
  StartCallFailure,
  type StartCallResult,
} from '../engine/startCallResult.js';
import { downloadRecording } from '../results/recordingDownloader.js';
import type { AttemptRecord, FinalOutcome, RowResult } from '../results/rowResult.js';
import type { AttemptKey } from '../storage/attemptLedger.js';
import type { PreparedManifest } from '../storage/preparedCampaignStore.js';
import type { ActivityDeps } from './activityDeps.js';
import { fullJitterBackoffMs } from './backoff.js';
import { createRowCallingWindow } from './rowCallingWindow.js';
import { createRowResultRecorder } from './rowResultRecorder.js';

/** Clock difference allowed between this worker and the API when comparing a call's created_at. */
const CREATED_AT_SKEW_MS = 5 * 60_000;

/** A row's result as the call workflow knows it; the activity adds the row's columns and number. */
export type RecordRowResultInput = Omit<RowResult, 'columns' | 'phoneE164' | 'recordedAt'>;

/** What the row workflow asks of the post-call step. */
export interface FinishAttemptInput {
  campaignId: string;
  rowKey: string;
  line: number;
  attempt: number;
  /** The call this attempt ended with (absent when no call was placed). */
  call?: CallEnd;
  recordingFormat?: 'mp3' | 'wav';
  /** Present when this attempt is the row's last: the row's result is written too. */
  result?: { outcome: FinalOutcome; error?: string; attempts: AttemptRecord[] };
}

/** What the post-call step learned: the call's cost and length, or that the call is not this attempt's. */
export type FinishAttemptResult =
  | { kind: 'foreign' }
  | {
      kind: 'settled';
      credits?: number;
      durationS?: number;
      endedAt?: string;
      goalCompleted?: boolean;
      recording?: string;
    };

/**
 * The user-on-call fields of a start-call: the operator phone the attempt's slot holds.
 * A user-on-call campaign's attempt without one (started by a build that did not
 * assign operators) must not ring an operator who may be on another call.
 */
function operatorLeg(
  manifest: PreparedManifest,
  operator: number | undefined,
  key: AttemptKey,
): { userOnCall?: true; userPhone?: string } {
  const phones = manifest.operatorPhones;
  if (phones === undefined) return {};
  const userPhone = operator === undefined ? undefined : phones[operator];
  if (userPhone === undefined) {
    throw ApplicationFailure.nonRetryable(
      `row ${key.rowKey} of user-on-call campaign ${key.campaignId} has no operator phone for attempt ${key.attempt}`,
      'NoOperatorPhone',
    );
  }
  return { userOnCall: true, userPhone };
}

/** How a 429 reaches the workflow: as a retry of the activity (call workflow), or as a failure it paces on (row workflow). */
type RateLimitHandling = 'retry' | 'surface';

/** The activities of the call and row workflows. Each one is safe to run twice. */
export function createCallActivities(deps: ActivityDeps) {
  const { callmycall, ledger, prepared, logger, suppressions, dialChecks } = deps;
  const recordFinalResult = createRowResultRecorder(deps);
  const msUntilRowMayBeCalled = createRowCallingWindow(prepared);

  /** What an earlier execution of this attempt's start already led to, if anything. */
  async function settledStart(key: AttemptKey): Promise<StartCallResult | undefined> {
    const entry = await ledger.get(key);
    if (!entry) return undefined;
    if (entry.state === 'placed' && entry.sid) return { kind: 'placed', sid: entry.sid, startedAt: entry.at };
    return {
      kind: 'uncertain',
      reason: entry.reason ?? 'a previous try may have sent the request',
      startedAt: entry.at,
    };
  }

  /** The frequency caps a dial to this campaign's rows must stay under. */
  function capsOf(manifest: PreparedManifest, region: string | undefined): FrequencyCap[] {
    const own = manifest.compliance?.frequencyCap;
    const caps = own
      ? [{ ...own, source: 'campaign' }]
      : deps.defaultFrequencyCap
        ? [deps.defaultFrequencyCap]
        : [];
    // A regional rule's cap (us-tcpa: Florida, Oklahoma) holds whatever the campaign says.
    // The manifest is stored data: a plan without a window (a hand-made one) has no rules.
    const regional = regionalFrequencyCap(manifest.plan.callingWindow?.callingRules, region);
    return regional ? [...caps, regional] : caps;
  }

  /**
   * Sends the attempt's start-call unless a dial-time check says no: the number was put
   * on the suppression list, or a frequency cap is full (counted and claimed in one
   * atomic step). Every decision is written to the attempt's audit. `windowPassed` is
   * the calling window's check, made by the caller just before.
   */
  async function placeAttempt(
    key: AttemptKey,
    rateLimit: RateLimitHandling,
    windowPassed?: DialCheck,
    operator?: number,
  ): Promise<StartCallResult> {
    const known = await settledStart(key);
    if (known) return known;

    const row = await prepared.get(key.campaignId, key.rowKey);
    const manifest = await prepared.readManifest(key.campaignId);
    if (!row || !manifest) {
      throw ApplicationFailure.nonRetryable(
        `row ${key.rowKey} of campaign ${key.campaignId} is not prepared`,
        'RowMissing',
      );
    }
    const request: StartCallRequest = {
      ...manifest.callOptions,
      ...row.overrides,
      phone_number: row.phoneE164,
      task: row.task,
      ...additionalPrompt(row.additionalPrompt, manifest.closingPrompt),
      ...operatorLeg(manifest, operator, key),
      webhook: `${deps.webhookPublicUrl}${attemptWebhookPath(key.campaignId, key.rowKey, key.attempt)}`,
      metadata: {
        client_request_id: clientRequestId(key.campaignId, key.rowKey, key.attempt),
        campaign_id: key.campaignId,
        row_key: key.rowKey,
      },
    } as StartCallRequest;

    const startedAt = new Date().toISOString();
    const policy: DialPolicy = {
      ...(manifest.plan.budget === undefined ? {} : { budget: manifest.plan.budget }),
      ...(manifest.compliance?.consent ? { consent: manifest.compliance.consent } : {}),
      purpose: manifest.compliance?.purpose ?? 'informational',
    };
    const checks: DialCheck[] = [consentCheck(policy), budgetCheck(policy)];
    if (windowPassed) checks.push(windowPassed);
    const listed = await suppressions.find(row.phoneE164);
    checks.push(suppressionCheck(listed));
    if (listed) {
      await dialChecks.record(key, 'suppressed', checks, startedAt);
      return { kind: 'not_dialled', outcome: 'suppressed', reason: checks[checks.length - 1].detail };
    }
    const caps = capsOf(manifest, row.region);
    const claim = await ledger.claimWithinCaps(key, startedAt, row.phoneE164, caps);
    if (claim === 'capped') {
      checks.push(capCheck(caps, true));
      await dialChecks.record(key, 'capped', checks, startedAt);
      return {
        kind: 'not_dialled',
        outcome: 'capped',
        reason: `frequency cap ${checks[checks.length - 1].detail}`,
      };
    }
    if (claim === 'taken') {
      // Another execution claimed it first (a second worker, a racing retry).
      return (
        (await settledStart(key)) ?? {
          kind: 'uncertain',
          reason: 'another execution claimed this attempt',
          startedAt,
        }
      );
    }
    checks.push(capCheck(caps, false));
    await dialChecks.record(key, 'dialled', checks, startedAt);
    const context = { campaignId: key.campaignId, rowKey: key.rowKey, attempt: key.attempt };
    let sid: string;
    try {
      sid = (await callmycall.startCall(request)).sid;
    } catch (error) {
      if (isDefiniteRefusal(error)) {
        await ledger.release(key);
        throw startCallFailure(error, rateLimit);
      }
      const reason = error instanceof Error ? error.message : String(error);
      await ledger.settle(key, { state: 'uncertain', reason, at: startedAt });
      logger.warn({ ...context, reason }, 'start-call outcome unknown');
      return { kind: 'uncertain', reason, startedAt };
    }
    await ledger.settle(key, { state: 'placed', sid, at: startedAt });
    logger.info({ ...context, sid }, 'call placed');
    return { kind: 'placed', sid, startedAt };
  }

  /**
   * Why call `sid` cannot be this attempt's call (undefined: it is): the API must know it,
   * it must ring this row's number, echo no other client_request_id, and not be older
   * than the attempt. When it passes, the ledger learns the sid.
   */
  async function confirmAttemptCall(key: AttemptKey, sid: string): Promise<boolean> {
    const row = await prepared.get(key.campaignId, key.rowKey);
    if (!row) return false;
    let call: GetCallResponse['call'];
    try {
      ({ call } = await callmycall.getCall(sid));
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
    const entry = await ledger.get(key);
    const echoedId = (call.metadata as Record<string, unknown> | undefined)?.client_request_id;
    const refusal =
      echoedId !== undefined && echoedId !== clientRequestId(key.campaignId, key.rowKey, key.attempt)
        ? 'it carries another client_request_id'
        : call.to !== row.phoneE164
          ? "it rings another number than this row's"
          : entry && Date.parse(call.created_at) < Date.parse(entry.at) - CREATED_AT_SKEW_MS
            ? 'it was created before this attempt'
            : undefined;
    if (refusal) {
      logger.warn(
        { ...key, sid, refusal },
        'a webhook named a call that is not this attempt of this row: ignored',
      );
      return false;
    }
    await ledger.settle(key, { state: 'placed', sid, at: entry?.at ?? new Date().toISOString() });
    return true;
  }

  async function callSnapshot(sid: string): Promise<CallSnapshot> {
    const { call, transcripts } = await callmycall.getCall(sid);
    const summary =
      call.summary && typeof call.summary === 'object'
        ? (call.summary as Record<string, unknown>)
        : undefined;
    return {
      sid,
      status: call.status,
      final: isFinalCallStatus(call.status),
      goalCompleted: typeof summary?.goal_completed === 'boolean' ? summary.goal_completed : undefined,
      summary,
      transcript: transcripts.map((line) => ({ role: line.role, text: line.text, seq: line.seq })),
      credits: call.credits ?? undefined,
      durationS: call.duration ?? undefined,
      endedAt: call.ended_at ?? undefined,
    };
  }

  async function fetchRecording(
    key: AttemptKey,
    sid: string,
    format: 'mp3' | 'wav',
  ): Promise<string | undefined> {
    try {
      return await downloadRecording({
        ...key,
        sid,
        format,
        client: callmycall,
        reportsDir: deps.reportsDir,
        logger,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return undefined; // the call has no recording
      throw error;
    }
  }

  return {
    async msUntilCallingWindow(input: {
      window: CallingWindowPlan;
      timezones: string[];
    }): Promise<number | null> {
      return await msUntilRowMayBeCalled(input, Date.now());
    },

    /**
     * Places one attempt's call, at most once. The attempt is claimed in the ledger
     * before the request, atomically, so only one execution can ever send it; only a
     * definite refusal (nothing was created) gives the claim back for a later try.
     * Anything else the API may have acted on is `uncertain` and never re-sent.
     */
    async startCall(key: AttemptKey): Promise<Exclude<StartCallResult, NotDialled>> {
      const started = await placeAttempt(key, 'retry');
      if (started.kind !== 'not_dialled') return started;
      // The call workflow of older campaigns knows no such result: a refusal ends its row, uncalled.
      throw ApplicationFailure.create({
        type: StartCallFailure.rejected,
        message: `not dialled (${started.outcome}): ${started.reason}`,
        nonRetryable: true,
      });
    },

    /**
     * The row workflow's one step from "may I call now?" to "the call is over": checks
     * the calling window, places the attempt's call at most once (as startCall), then
     * completes asynchronously: the webhook receiver completes it with the call's end.
     * Its timeout is the poll fallback: a later try finds the call in the ledger and asks
     * the API, returning the end if the call is over and waiting again if not.
     */
    async placeCall(
      input: AttemptKey & { window: CallingWindowPlan; timezones: string[]; operator?: number },
    ): Promise<PlaceCallResult> {
      const { window, timezones, operator, ...key } = input;
      let started = await settledStart(key);
      if (!started) {
        const waitMs = await msUntilRowMayBeCalled({ window, timezones, row: key }, Date.now());
        const windowOpen = windowCheck(window, timezones, waitMs);
        if (waitMs !== 0) await dialChecks.record(key, 'waiting', [windowOpen], new Date().toISOString());
        if (waitMs === null) return { kind: 'never_in_window' };
        if (waitMs > 0) return { kind: 'window_closed', waitMs };
        started = await placeAttempt(key, 'surface', windowOpen, operator);
        if (started.kind === 'placed') throw new CompleteAsyncError();
      }
      if (started.kind === 'uncertain' || started.kind === 'not_dialled') return started;
      // A later try (or a re-run after a foreign webhook): the call may be over already.
      const snapshot = await callSnapshot(started.sid);
      if (snapshot.final)
        return { kind: 'ended', end: callEndOf(snapshot, 'poll'), startedAt: started.startedAt };
      throw new CompleteAsyncError();
    },

    /**
     * Whether call `sid`, named by a webhook while this attempt's start is uncertain, is
     * the call that start created. A captured webhook of another call replayed to this
     * attempt's URL fails this.
     */
    async confirmCallForAttempt(input: AttemptKey & { sid: string }): Promise<boolean> {
      const { sid, ...key } = input;
      return await confirmAttemptCall(key, sid);
    },

    async getCallStatus(input: { sid: string }): Promise<CallSnapshot> {
      return await callSnapshot(input.sid);
    },

    async endCall(input: { sid: string }): Promise<void> {
      try {
        await callmycall.endCall(input.sid);
      } catch (error) {
        if (error instanceof NotFoundError) return; // already over
        throw error;
      }
    },

    /**
     * Ends the attempt's call (a campaign cancelled with hang-up) and returns how it
     * ended, once the API says it is over; undefined when the attempt placed no call.
     */
    async hangUp(key: AttemptKey): Promise<CallEnd | undefined> {
      const entry = await ledger.get(key);
      // A start request in flight (the waiting activity was cancelled mid-way): ask again once it settles.
      if (entry?.state === 'dialing') throw new Error('the start-call request is still in flight');
      const sid = entry?.sid;
      if (!sid) return undefined;
      try {
        await callmycall.endCall(sid);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error; // already over
      }
      const snapshot = await callSnapshot(sid);
      // Not over yet: the activity's retry asks again.
      if (!snapshot.final) throw new Error(`call ${sid} is still ${snapshot.status} after end-call`);
      return callEndOf(snapshot, 'poll');
    },

    async downloadRecording(
      input: AttemptKey & { sid: string; format: 'mp3' | 'wav' },
    ): Promise<string | undefined> {
      const { sid, format, ...key } = input;
      return await fetchRecording(key, sid, format);
    },

    async recordRowResult(input: RecordRowResultInput): Promise<void> {
      const row = await prepared.get(input.campaignId, input.rowKey);
      await recordFinalResult({
        ...input,
        columns: row?.columns ?? {},
        phoneE164: row?.phoneE164,
        recordedAt: new Date().toISOString(),
      });
    },

    /**
     * The row workflow's one post-call step. Checks the call is this attempt's own (a
     * signed webhook of another call can be replayed to this attempt's URL), fills what
     * the webhook lacked from the API (cost, length, transcript, summary), downloads the
     * recording, and on the row's last attempt writes the row's result. Transcripts go
     * from the API to the store without passing through workflow history.
     */
    async finishAttempt(input: FinishAttemptInput): Promise<FinishAttemptResult> {
      const key = { campaignId: input.campaignId, rowKey: input.rowKey, attempt: input.attempt };
      let details: CallSnapshot | undefined;
      let recording: string | undefined;
      const call = input.call;
      if (call) {
        const entry = await ledger.get(key);
        const own = entry?.sid === call.sid || (!entry?.sid && (await confirmAttemptCall(key, call.sid)));
        if (!own) return { kind: 'foreign' };
        // The webhook carries no transcript into history: the API has it, with what else the
        // webhook lacked. Both requests at once: this step holds the row's slot.
        const format = call.status === 'completed' ? input.recordingFormat : undefined;
        [details, recording] = await Promise.all([
          input.result || call.credits === undefined || call.durationS === undefined
            ? callSnapshot(call.sid)
            : undefined,
          format ? fetchRecording(key, call.sid, format) : undefined,
        ]);
      }
      const settled = {
        credits: call?.credits ?? details?.credits,
        durationS: call?.durationS ?? details?.durationS,
        endedAt: call?.endedAt ?? details?.endedAt,
        goalCompleted: call?.goalCompleted ?? details?.goalCompleted,
      };
      if (input.result) {
        const attempts = input.result.attempts.map((attempt) =>
          attempt.attempt === input.attempt && call
            ? {
                ...attempt,
                credits: attempt.credits ?? settled.credits,
                durationS: attempt.durationS ?? settled.durationS,
                endedAt: attempt.endedAt ?? settled.endedAt,
              }
            : attempt,
        );
        const row = await prepared.get(input.campaignId, input.rowKey);
        await recordFinalResult({
          campaignId: input.campaignId,
          rowKey: input.rowKey,
          line: input.line,
          outcome: input.result.outcome,
          ...(input.result.error === undefined ? {} : { error: input.result.error }),
          goalCompleted: settled.goalCompleted,
          summary: details?.summary,
          transcript: details?.transcript,
          attempts,
          recording,
          columns: row?.columns ?? {},
          phoneE164: row?.phoneE164,
          recordedAt: new Date().toISOString(),
        });
      }
      return { kind: 'settled', ...settled, ...(recording === undefined ? {} : { recording }) };
    },
  };
}

export type CallActivities = ReturnType<typeof createCallActivities>;

/** The row's own extra instructions, then the closing sentences the default dispositions read (also `cmc call test`). */
export function additionalPrompt(
  own: string | undefined,
  closing: string | undefined,
): { additionalPrompt?: string } {
  const parts = [own, closing].filter((part): part is string => part !== undefined && part !== '');
  return parts.length === 0 ? {} : { additionalPrompt: parts.join('\n\n') };
}

/** Turns an API refusal into the ApplicationFailure the call and row workflows branch on. */
function startCallFailure(error: unknown, rateLimit: RateLimitHandling): Error {
  if (error instanceof InsufficientCreditsError) {
    return ApplicationFailure.create({
      type: StartCallFailure.insufficientCredits,
      message: error.message,
      nonRetryable: true,
      details: [{ creditsBalance: error.creditsBalance, minimumRequired: error.minimumRequired }],
    });
  }
  if (error instanceof ValidationError || error instanceof NotFoundError) {
    // 400, a request our own schema refused, or 404 (the route or the account's
    // resource does not exist): the same request would be refused again.
    return ApplicationFailure.create({
      type: StartCallFailure.rejected,
      message: error.message,
      nonRetryable: true,
    });
  }
  if (error instanceof AuthError) {
    return ApplicationFailure.create({
      type: StartCallFailure.unauthorized,
      message: error.message,
      nonRetryable: true,
    });
  }
  if (error instanceof RateLimitedError) {
    // Honour Retry-After; without it, exponential backoff with full jitter.
    const delayMs = error.retryAfterMs ?? fullJitterBackoffMs(Context.current().info.attempt);
    if (rateLimit === 'surface') {
      // The row workflow waits and tells its campaign, which owns the pacing.
      const details: RateLimitedDetails = { delayMs, retryAfterMs: error.retryAfterMs };
      return ApplicationFailure.create({
        type: RATE_LIMITED_FAILURE,
        message: error.message,
        nonRetryable: true,
        details: [details],
      });
    }
    return ApplicationFailure.create({
      type: RATE_LIMITED_FAILURE,
      message: error.message,
      nextRetryDelay: delayMs,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
