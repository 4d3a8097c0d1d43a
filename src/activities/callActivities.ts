import { ApplicationFailure, Context } from '@temporalio/activity';
import { isDefiniteRefusal } from '../callmycall/definiteRefusal.js';
import {
  AuthError,
  InsufficientCreditsError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from '../callmycall/errors.js';
import type { GetCallResponse, StartCallRequest } from '../callmycall/schemas.js';
import { type CallSnapshot, isFinalCallStatus } from '../engine/callEvent.js';
import { msUntilWindowOpens } from '../engine/callingWindow.js';
import type { CallingWindowPlan } from '../engine/campaignPlan.js';
import { attemptWebhookPath, campaignWorkflowId, clientRequestId } from '../engine/ids.js';
import { StartCallFailure, type StartCallResult } from '../engine/startCallResult.js';
import { downloadRecording } from '../results/recordingDownloader.js';
import type { RowResult } from '../results/rowResult.js';
import type { AttemptKey } from '../storage/attemptLedger.js';
import { rateLimitedSignal } from '../workflows/campaignMessages.js';
import type { ActivityDeps } from './activityDeps.js';
import { fullJitterBackoffMs } from './backoff.js';

/** Clock difference allowed between this worker and the API when comparing a call's created_at. */
const CREATED_AT_SKEW_MS = 5 * 60_000;

/** A row's result as the call workflow knows it; the activity adds the row's columns and number. */
export type RecordRowResultInput = Omit<RowResult, 'columns' | 'phoneE164' | 'recordedAt'>;

/** The activities of a call workflow. Each one is safe to run twice. */
export function createCallActivities(deps: ActivityDeps) {
  const { callmycall, ledger, prepared, results, logger } = deps;

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

  return {
    async msUntilCallingWindow(input: {
      window: CallingWindowPlan;
      timezones: string[];
    }): Promise<number | null> {
      return msUntilWindowOpens(input.window, input.timezones, Date.now());
    },

    /**
     * Places one attempt's call, at most once. The attempt is claimed in the ledger
     * before the request, atomically, so only one execution can ever send it; only a
     * definite refusal (nothing was created) gives the claim back for a later try.
     * Anything else the API may have acted on is `uncertain` and never re-sent.
     */
    async startCall(key: AttemptKey): Promise<StartCallResult> {
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
        ...(row.additionalPrompt ? { additionalPrompt: row.additionalPrompt } : {}),
        webhook: `${deps.webhookPublicUrl}${attemptWebhookPath(key.campaignId, key.rowKey, key.attempt)}`,
        metadata: {
          client_request_id: clientRequestId(key.campaignId, key.rowKey, key.attempt),
          campaign_id: key.campaignId,
          row_key: key.rowKey,
        },
      } as StartCallRequest;

      const startedAt = new Date().toISOString();
      if (!(await ledger.claim(key, startedAt))) {
        // Another execution claimed it first (a second worker, a racing retry).
        return (
          (await settledStart(key)) ?? {
            kind: 'uncertain',
            reason: 'another execution claimed this attempt',
            startedAt,
          }
        );
      }
      const context = { campaignId: key.campaignId, rowKey: key.rowKey, attempt: key.attempt };
      let sid: string;
      try {
        sid = (await callmycall.startCall(request)).sid;
      } catch (error) {
        if (isDefiniteRefusal(error)) {
          await ledger.release(key);
          throw await startCallFailure(error, key, deps);
        }
        const reason = error instanceof Error ? error.message : String(error);
        await ledger.settle(key, { state: 'uncertain', reason, at: startedAt });
        logger.warn({ ...context, reason }, 'start-call outcome unknown');
        return { kind: 'uncertain', reason, startedAt };
      }
      await ledger.settle(key, { state: 'placed', sid, at: startedAt });
      logger.info({ ...context, sid }, 'call placed');
      return { kind: 'placed', sid, startedAt };
    },

    /**
     * Whether call `sid`, named by a webhook while this attempt's start is uncertain, is
     * the call that start created: the API knows it, it rings this row's number, it
     * echoes no other client_request_id, and it is not older than the attempt. A
     * captured webhook of another call replayed to this attempt's URL fails this. When
     * it passes, the ledger learns the sid.
     */
    async confirmCallForAttempt(input: AttemptKey & { sid: string }): Promise<boolean> {
      const { sid, ...key } = input;
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
    },

    async getCallStatus(input: { sid: string }): Promise<CallSnapshot> {
      const { call, transcripts } = await callmycall.getCall(input.sid);
      const summary =
        call.summary && typeof call.summary === 'object'
          ? (call.summary as Record<string, unknown>)
          : undefined;
      return {
        sid: input.sid,
        status: call.status,
        final: isFinalCallStatus(call.status),
        goalCompleted: typeof summary?.goal_completed === 'boolean' ? summary.goal_completed : undefined,
        summary,
        transcript: transcripts.map((line) => ({ role: line.role, text: line.text, seq: line.seq })),
        credits: call.credits ?? undefined,
        durationS: call.duration ?? undefined,
        endedAt: call.ended_at ?? undefined,
      };
    },

    async endCall(input: { sid: string }): Promise<void> {
      try {
        await callmycall.endCall(input.sid);
      } catch (error) {
        if (error instanceof NotFoundError) return; // already over
        throw error;
      }
    },

    async downloadRecording(input: {
      campaignId: string;
      rowKey: string;
      attempt: number;
      sid: string;
      format: 'mp3' | 'wav';
    }): Promise<string | undefined> {
      try {
        return await downloadRecording({ ...input, client: callmycall, reportsDir: deps.reportsDir, logger });
      } catch (error) {
        if (error instanceof NotFoundError) return undefined; // the call has no recording
        throw error;
      }
    },

    async recordRowResult(input: RecordRowResultInput): Promise<void> {
      const row = await prepared.get(input.campaignId, input.rowKey);
      await results.record({
        ...input,
        columns: row?.columns ?? {},
        phoneE164: row?.phoneE164,
        recordedAt: new Date().toISOString(),
      });
    },
  };
}

export type CallActivities = ReturnType<typeof createCallActivities>;

/** Turns an API refusal into the ApplicationFailure the call workflow branches on. */
async function startCallFailure(error: unknown, key: AttemptKey, deps: ActivityDeps): Promise<Error> {
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
    // Honour Retry-After; without it, exponential backoff with full jitter. Either way
    // the whole campaign slows down, not only this row.
    const attempt = Context.current().info.attempt;
    const delayMs = error.retryAfterMs ?? fullJitterBackoffMs(attempt);
    await deps.temporal.workflow
      .getHandle(campaignWorkflowId(key.campaignId))
      .signal(rateLimitedSignal, { retryAfterMs: error.retryAfterMs })
      .catch((signalError: unknown) =>
        deps.logger.warn({ err: signalError }, 'could not tell the campaign about a 429'),
      );
    return ApplicationFailure.create({
      type: 'RateLimited',
      message: error.message,
      nextRetryDelay: delayMs,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
