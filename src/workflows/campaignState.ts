import type { CallRow, CampaignPlan } from '../engine/campaignPlan.js';
import { RowSet } from '../engine/rowSet.js';
import type { FinalOutcome } from '../results/rowResult.js';
import type { CampaignProgress, CampaignStatus, WaitingForContacts } from './campaignMessages.js';

/**
 * Everything the campaign workflow must remember, as plain JSON so it can be handed
 * to the next run on continue-as-new. Bounded by `concurrency` plus the rows waiting
 * for a slot, never by the campaign's size.
 */
export interface CampaignCarry {
  plan: CampaignPlan;
  status: CampaignStatus;
  startedAt: string;
  continuedAsNew: number;
  /** Valid rows whose call workflow has been started (the next row to start is rows[started]). */
  started: number;
  finished: number;
  /**
   * The valid rows counted as finished, by index (a RowSet), so a row reported twice
   * counts once. Absent in carries from before it existed; rows reported without an
   * index (by call workflows started before it existed) are counted as they come.
   */
  finishedRows?: string;
  outcomes: Partial<Record<FinalOutcome, number>>;
  creditsSpent: number;
  /** Credits reserved per row that holds a slot (an attempt in progress). */
  reservations: Record<string, number>;
  /**
   * User-on-call campaigns: the operator phone (by index) each slot-holding row was
   * given. Absent in carries from before it existed and in other campaigns.
   */
  operatorOf?: Record<string, number>;
  /** Re-attempts waiting for a slot, in arrival order. */
  waiting: { rowKey: string; attempt: number }[];
  concurrency: number;
  currentCallsPerMinute: number;
  /** Pacing is a token bucket: grants available now, refilled at currentCallsPerMinute. */
  grantTokens: number;
  tokensUpdatedAt: number;
  /** Workflow time (ms) before which no slot is granted at all (a 429's Retry-After). */
  holdUntil: number;
  /** When the start rate was last halved (undefined: never). */
  lastSlowdownAt?: number;
  pausedByOperator: boolean;
  operatorPauseReason?: string;
  pausedForCredits?: { since: number; creditsBalance?: number; minimumRequired?: number };
  /**
   * The periodic re-check after a 402: ONE probe attempt may start while still paused
   * (not `concurrency` of them). `rowKey` is set once granted; when that attempt ends
   * without another 402, credits are back and the pause ends.
   */
  creditProbe?: { rowKey?: string };
  /** Set once the campaign stops starting new work: budget, cancel, or a fatal API error. */
  stopping?: {
    reason: 'not_called_budget' | 'cancelled';
    error?: string;
    hangup?: boolean;
    unstartedRecorded: boolean;
  };
  fatalError?: string;
}

/** The progress query's answer while the contacts file is still being read and checked. */
export function preparingProgress(
  campaignId: string,
  name: string,
  startedAt: string,
  waitingForContacts?: WaitingForContacts,
): CampaignProgress {
  return {
    campaignId,
    name,
    status: 'preparing',
    ...(waitingForContacts ? { waitingForContacts } : {}),
    credits: { spent: 0, reserved: 0 },
    rows: { total: 0, valid: 0, started: 0, finished: 0, notStarted: 0 },
    inFlight: 0,
    waitingForSlot: 0,
    concurrency: 0,
    callsPerMinute: 0,
    currentCallsPerMinute: 0,
    outcomes: {},
    startedAt,
    continuedAsNew: 0,
  };
}

/** How long 429s are counted as one burst: the start rate halves at most once per window. */
const SLOWDOWN_WINDOW_MS = 5_000;

export class CampaignState {
  /** Rows read from the row store but not started yet (dropped on continue-as-new, re-read after). */
  buffer: CallRow[] = [];
  /** Commands issued but not yet acknowledged (child starts, signals to children). */
  pendingCommands = 0;

  private readonly finishedRows: RowSet;

  constructor(readonly data: CampaignCarry) {
    this.finishedRows = RowSet.fromJSON(data.finishedRows);
  }

  /** What the next run starts from (continue-as-new). */
  carry(): CampaignCarry {
    return { ...this.data, finishedRows: this.finishedRows.toJSON() };
  }

  static fresh(plan: CampaignPlan, startedAt: string, now: number): CampaignState {
    return new CampaignState({
      plan,
      status: 'running',
      startedAt,
      continuedAsNew: 0,
      started: 0,
      finished: 0,
      outcomes: {},
      creditsSpent: 0,
      reservations: {},
      waiting: [],
      concurrency: plan.concurrency,
      currentCallsPerMinute: plan.callsPerMinute,
      grantTokens: 1,
      tokensUpdatedAt: now,
      holdUntil: now,
      pausedByOperator: false,
    });
  }

  get plan(): CampaignPlan {
    return this.data.plan;
  }
  get inFlight(): number {
    return Object.keys(this.data.reservations).length;
  }
  get reserved(): number {
    return Object.values(this.data.reservations).reduce((sum, credits) => sum + credits, 0);
  }
  get outstandingRows(): number {
    return this.data.started - this.data.finished;
  }
  get moreRowsToStart(): boolean {
    return !this.data.stopping && this.data.started < this.plan.validRows;
  }
  get paused(): boolean {
    return this.data.pausedByOperator || this.data.pausedForCredits !== undefined;
  }

  /** True when one more attempt fits the budget, counting every credit already reserved. */
  budgetAllowsAnother(): boolean {
    const budget = this.plan.budget;
    if (budget === undefined) return true;
    return this.data.creditsSpent + this.reserved + this.plan.estimatePerCall <= budget;
  }

  /** Someone could use a slot right now (ignoring pacing). */
  wantsSlot(): boolean {
    return this.data.waiting.length > 0 || this.moreRowsToStart;
  }

  /** Attempts that may hold a slot at once: `concurrency`, but never more than the operator phones. */
  get slotLimit(): number {
    return Math.min(this.data.concurrency, this.plan.operatorPhones ?? Number.POSITIVE_INFINITY);
  }

  canGrant(): boolean {
    const d = this.data;
    const creditsAllow =
      d.pausedForCredits === undefined || (d.creditProbe !== undefined && !d.creditProbe.rowKey);
    return (
      !d.stopping && !d.pausedByOperator && creditsAllow && this.inFlight < this.slotLimit && this.wantsSlot()
    );
  }

  /** A 402: pause (the row waits, its reservation is released); a probe that got it has failed. */
  creditsExhausted(rowKey: string, now: number, creditsBalance?: number, minimumRequired?: number): void {
    this.release(rowKey);
    this.data.pausedForCredits = { since: now, creditsBalance, minimumRequired };
    this.data.creditProbe = undefined;
  }

  /** The re-check timer fired: let one probe attempt start. */
  armCreditProbe(): void {
    if (this.data.pausedForCredits) this.data.creditProbe = {};
  }

  /** An attempt holding a slot ended without a 402: if it was the probe, credits are back. */
  private probeSucceeded(rowKey: string): void {
    if (this.data.creditProbe?.rowKey === rowKey) {
      this.data.creditProbe = undefined;
      this.data.pausedForCredits = undefined;
    }
  }

  /** Nothing started is still running, and nothing more will start. */
  isDone(): boolean {
    if (this.data.stopping && !this.data.stopping.unstartedRecorded) return false;
    return !this.moreRowsToStart && this.outstandingRows === 0 && this.pendingCommands === 0;
  }

  /**
   * Gives `rowKey` a slot: credits reserved and, in a user-on-call campaign, the lowest
   * operator phone no other slot holds, whose index it returns.
   */
  reserve(rowKey: string): number | undefined {
    this.data.reservations[rowKey] = this.plan.estimatePerCall;
    if (this.data.creditProbe && !this.data.creditProbe.rowKey) this.data.creditProbe.rowKey = rowKey;
    if (this.plan.operatorPhones === undefined) return undefined;
    this.data.operatorOf ??= {};
    const operatorOf = this.data.operatorOf;
    const busy = new Set(Object.values(operatorOf));
    let operator = 0;
    while (busy.has(operator)) operator += 1; // slotLimit keeps it below the number of phones
    operatorOf[rowKey] = operator;
    return operator;
  }

  /** The slot is free again: no credits reserved, its operator phone free for the next call. */
  private release(rowKey: string): void {
    delete this.data.reservations[rowKey];
    if (this.data.operatorOf) delete this.data.operatorOf[rowKey];
  }

  /** An attempt ended: its reservation becomes what it really cost. */
  settle(rowKey: string, credits: number): void {
    if (!(rowKey in this.data.reservations)) return; // duplicate report: already settled
    this.release(rowKey);
    this.data.creditsSpent += credits;
    this.probeSucceeded(rowKey);
  }

  /**
   * A row has its final outcome. A second report of the same row (same index) changes
   * nothing, nor does one whose index no valid row has (a hand-made signal): throwing
   * in a signal handler would fail the workflow task again and again.
   */
  rowFinished(
    rowKey: string,
    outcome: FinalOutcome,
    credits: number,
    heldSlot: boolean,
    rowIndex?: number,
  ): void {
    if (rowIndex !== undefined) {
      const known = Number.isInteger(rowIndex) && rowIndex >= 0 && rowIndex < this.plan.validRows;
      if (!known || !this.finishedRows.add(rowIndex)) return;
    }
    if (heldSlot) this.settle(rowKey, credits);
    else this.release(rowKey);
    this.data.waiting = this.data.waiting.filter((request) => request.rowKey !== rowKey);
    this.data.finished += 1;
    this.data.outcomes[outcome] = (this.data.outcomes[outcome] ?? 0) + 1;
    // Additive increase after a slowdown: each finished row earns back one call per minute.
    this.data.currentCallsPerMinute = Math.min(this.plan.callsPerMinute, this.data.currentCallsPerMinute + 1);
  }

  /** 429: halve the start rate (once per burst) and honour Retry-After for the whole campaign. */
  rateLimited(now: number, retryAfterMs: number | undefined): void {
    this.refill(now);
    if (this.data.lastSlowdownAt === undefined || now - this.data.lastSlowdownAt >= SLOWDOWN_WINDOW_MS) {
      this.data.lastSlowdownAt = now;
      this.data.currentCallsPerMinute = Math.max(1, Math.floor(this.data.currentCallsPerMinute / 2));
    }
    if (retryAfterMs !== undefined) this.data.holdUntil = Math.max(this.data.holdUntil, now + retryAfterMs);
  }

  /**
   * Tokens accrue at the current rate, up to one second's worth (at least one), so a
   * timer that fires late is made up by a short burst instead of lost throughput.
   */
  private refill(now: number): void {
    const d = this.data;
    const perMs = d.currentCallsPerMinute / 60_000;
    const burst = Math.max(1, d.currentCallsPerMinute / 60);
    d.grantTokens = Math.min(burst, d.grantTokens + Math.max(0, now - d.tokensUpdatedAt) * perMs);
    d.tokensUpdatedAt = Math.max(d.tokensUpdatedAt, now);
  }

  /** 0 when a slot may be granted now; otherwise how long pacing (or a Retry-After) asks to wait. */
  msUntilNextGrant(now: number): number {
    this.refill(now);
    const hold = Math.max(0, this.data.holdUntil - now);
    const perMs = this.data.currentCallsPerMinute / 60_000;
    const tokenWait = this.data.grantTokens >= 1 ? 0 : (1 - this.data.grantTokens) / perMs;
    return Math.ceil(Math.max(hold, tokenWait));
  }

  tookGrant(now: number): void {
    this.refill(now);
    this.data.grantTokens -= 1;
  }

  progress(now: number): CampaignProgress {
    const d = this.data;
    const elapsedS = Math.max(1, (now - Date.parse(d.startedAt)) / 1000);
    const remaining = this.plan.validRows - d.finished;
    const rate = d.finished / elapsedS;
    return {
      campaignId: this.plan.campaignId,
      name: this.plan.name,
      // Live, not the last published value: a pause shows at once, even while the loop sleeps.
      status:
        d.status === 'running' || d.status === 'paused' ? (this.paused ? 'paused' : 'running') : d.status,
      pausedReason: d.pausedForCredits
        ? `insufficient credits (balance ${d.pausedForCredits.creditsBalance ?? '?'}, minimum ${d.pausedForCredits.minimumRequired ?? '?'})`
        : d.pausedByOperator
          ? `paused by operator${d.operatorPauseReason ? `: ${d.operatorPauseReason}` : ''}`
          : undefined,
      credits: {
        spent: d.creditsSpent,
        reserved: this.reserved,
        budget: this.plan.budget,
        balance: d.pausedForCredits?.creditsBalance,
        minimumRequired: d.pausedForCredits?.minimumRequired,
      },
      rows: {
        total: this.plan.totalRows,
        valid: this.plan.validRows,
        started: d.started,
        finished: d.finished,
        notStarted: this.plan.validRows - d.started,
      },
      inFlight: this.inFlight,
      waitingForSlot: d.waiting.length,
      concurrency: this.slotLimit,
      callsPerMinute: this.plan.callsPerMinute,
      currentCallsPerMinute: d.currentCallsPerMinute,
      outcomes: { ...d.outcomes },
      etaSeconds: rate > 0 && remaining > 0 ? Math.round(remaining / rate) : remaining === 0 ? 0 : undefined,
      startedAt: d.startedAt,
      continuedAsNew: d.continuedAsNew,
    };
  }
}
