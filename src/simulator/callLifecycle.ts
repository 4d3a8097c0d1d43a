import { performance } from 'node:perf_hooks';
import type { CallEvents } from './callEvents.js';
import { type CallRecord, type CallRegistry, type CallStatus, isFinal } from './callRegistry.js';
import { type CreditLedger, creditsForConnectedSeconds } from './credits.js';
import { newCallSid, newRecordingSid } from './ids.js';
import type { FinalStatus, PlannedOutcome } from './scenario.js';
import type { StartCallRequest } from './startCallRequest.js';
import type { TimerRegistry } from './timers.js';

/**
 * Simulated durations of the phases before a call connects (or gives up). The
 * reference gives none; these look like a real PSTN call and scale with `speed`.
 */
export const PHASE_MS = {
  queued: 1_000,
  ringUntilAnswer: 3_000,
  ringUntilBusy: 2_000,
  ringUntilNoAnswer: 20_000,
  ringUntilCanceled: 2_000,
} as const;

/** How long the redirect of the target leg to the AI takes (ai_takeover -> active). */
const AI_TAKEOVER_MS = 1_000;

/**
 * The call state machine: queued -> ringing -> in-progress -> completed, or a final
 * busy / no-answer / failed / canceled straight from ringing (failed: from queued).
 * Every transition runs on a TimerRegistry timer in simulated time and is published
 * on CallEvents; the charge is applied when the call becomes final.
 */
export class CallLifecycle {
  constructor(
    private readonly registry: CallRegistry,
    private readonly events: CallEvents,
    private readonly timers: TimerRegistry,
    private readonly ledger: CreditLedger,
    private readonly speed: number,
  ) {}

  place(request: StartCallRequest, plan: PlannedOutcome): CallRecord {
    const call: CallRecord = {
      sid: newCallSid(),
      request,
      task: request.task,
      additionalPrompt: [],
      transferNumber: request.transferNumber,
      maxDurationSeconds: request.maxDurationSeconds,
      status: 'queued',
      createdAt: new Date(),
      connectedAt: undefined,
      connectedAtPerf: undefined,
      endedAt: undefined,
      plan,
      transcripts: [],
      goalCompleted: undefined,
      durationSeconds: undefined,
      credits: undefined,
      recordingSid: newRecordingSid(),
      transfers: [],
      userOnCall: request.userOnCall
        ? { userPhone: request.userPhone ?? '', state: 'initiated', aiActive: false, userDropped: false }
        : undefined,
    };
    this.registry.add(call);
    this.schedule(call);
    return call;
  }

  private schedule(call: CallRecord): void {
    const { status } = call.plan;
    const at = (ms: number, fn: () => void) => this.timers.afterSimulated(call.sid, ms, fn);
    if (status === 'failed') {
      at(PHASE_MS.queued, () => this.finish(call, 'failed', 0));
      return;
    }
    at(PHASE_MS.queued, () => this.setStatus(call, 'ringing'));
    const ringMs = {
      completed: PHASE_MS.ringUntilAnswer,
      busy: PHASE_MS.ringUntilBusy,
      'no-answer': PHASE_MS.ringUntilNoAnswer,
      canceled: PHASE_MS.ringUntilCanceled,
    }[status];
    at(PHASE_MS.queued + ringMs, () => {
      if (status === 'completed') this.connect(call);
      else this.finish(call, status, 0);
    });
  }

  private setStatus(call: CallRecord, status: CallStatus): void {
    if (isFinal(call.status)) return;
    call.status = status;
    this.events.emit({ type: 'status', call });
  }

  private connect(call: CallRecord): void {
    call.connectedAt = new Date();
    call.connectedAtPerf = performance.now();
    if (call.userOnCall) call.userOnCall.state = 'connected';
    this.setStatus(call, 'in-progress');
    // Spread the lines over the connected time, each said before the call ends.
    const turns = call.plan.transcript;
    turns.forEach((turn, index) => {
      const offset = (call.plan.connectedMs * (index + 0.5)) / turns.length;
      this.timers.afterSimulated(call.sid, offset, () => {
        // A user-on-call session's AI listens until /activate: its lines before that are not said.
        if (turn.role === 'assistant' && call.userOnCall && !call.userOnCall.aiActive) return;
        const line = { ...turn, seq: call.transcripts.length + 1, timestamp: new Date().toISOString() };
        call.transcripts.push(line);
        this.events.emit({ type: 'transcript', call, line });
      });
    });
    this.armEnd(call);
  }

  /** (Re)arms the natural end: the planned duration, capped by max_duration. */
  private armEnd(call: CallRecord): void {
    const endGroup = `${call.sid}:end`;
    this.timers.cancel(endGroup);
    const planned = call.plan.connectedMs;
    const cap =
      call.maxDurationSeconds === undefined ? Number.POSITIVE_INFINITY : call.maxDurationSeconds * 1000;
    const connectedMs = Math.min(planned, cap);
    const remaining = connectedMs - this.elapsedConnectedMs(call);
    this.timers.afterSimulated(endGroup, remaining, () => {
      // Cut short by max_duration, or the AI kept silent (never activated): the goal is not met.
      const goal = connectedMs < planned || !this.everythingSaid(call) ? false : call.plan.goalCompleted;
      this.finish(call, 'completed', connectedMs, goal);
    });
  }

  private everythingSaid(call: CallRecord): boolean {
    return call.transcripts.length === call.plan.transcript.length;
  }

  private elapsedConnectedMs(call: CallRecord): number {
    return call.connectedAtPerf === undefined ? 0 : (performance.now() - call.connectedAtPerf) * this.speed;
  }

  /**
   * /activate: the target leg is redirected to the AI (ai_takeover), which has it a
   * simulated second later (active).
   */
  takeOver(call: CallRecord): void {
    const session = call.userOnCall;
    if (!session) return;
    session.aiActive = true;
    session.state = 'ai_takeover';
    this.timers.afterSimulated(call.sid, AI_TAKEOVER_MS, () => {
      if (session.state === 'ai_takeover') session.state = 'active';
    });
  }

  /** PATCH max_duration: takes effect at once on a connected call, at connection otherwise. */
  updateMaxDuration(call: CallRecord, seconds: number): void {
    call.maxDurationSeconds = seconds;
    if (call.status === 'in-progress') this.armEnd(call);
  }

  /**
   * Ends a live call now (end-call). A connected call completes with what was said
   * so far and is billed for the time connected; one not yet answered is canceled.
   */
  endNow(call: CallRecord): void {
    if (isFinal(call.status)) return;
    if (call.status !== 'in-progress') {
      this.finish(call, 'canceled', 0);
      return;
    }
    const connectedMs = Math.min(this.elapsedConnectedMs(call), call.plan.connectedMs);
    this.finish(call, 'completed', connectedMs, call.plan.goalCompleted && this.everythingSaid(call));
  }

  private finish(call: CallRecord, status: FinalStatus, connectedMs: number, goalCompleted?: boolean): void {
    if (isFinal(call.status)) return;
    this.timers.cancel(call.sid);
    this.timers.cancel(`${call.sid}:end`);
    call.status = status;
    call.endedAt = new Date();
    call.goalCompleted = goalCompleted ?? call.plan.goalCompleted;
    call.durationSeconds = Math.ceil(connectedMs / 1000);
    call.credits = creditsForConnectedSeconds(call.durationSeconds);
    this.ledger.charge(call.credits);
    if (call.userOnCall) call.userOnCall.state = call.connectedAt === undefined ? 'failed' : 'completed';
    this.events.emit({ type: 'final', call });
  }
}
