import { FINAL_OUTCOMES, type FinalOutcome, NEEDS_HUMAN } from '../results/rowResult.js';
import type { ResultEventCounts } from '../storage/resultEventStore.js';
import { type CallsOverTime, callsOverTime } from './callsOverTime.js';
import { type ReportOutcome, type ReportRecord, recordFigures } from './reportRecord.js';

/** summary.json: the campaign's numbers, built from the report records one at a time. */
export interface CampaignSummary {
  campaignId: string;
  campaignName: string;
  generatedAt: string;
  /** Given by the caller, else the earliest attempt's start. */
  startedAt: string | null;
  /** Given by the caller, else the latest attempt's end. */
  endedAt: string | null;
  wallTimeS: number | null;
  totalRows: number;
  /** Every final outcome (zeros included); `pending` only while the campaign runs. */
  outcomes: Record<FinalOutcome, number> & { pending?: number };
  /**
   * Rows by disposition: every name the campaign's rules can give (zeros included), then
   * any other name a stored result carries. Pending rows have none yet.
   */
  dispositions: Record<string, number>;
  /** Rows a person must act on (their disposition's `review`): report.html's review queue. */
  reviewQueue: number;
  /** Start-call attempts that got a call SID. */
  callsPlaced: number;
  completed: number;
  goalCompleted: number;
  /** goalCompleted / completed; null when nothing completed. */
  goalCompletionRate: number | null;
  attempts: {
    total: number;
    /** Valid rows by how many attempts they had: `{ "1": 40, "2": 3 }`. */
    perRow: Record<string, number>;
  };
  credits: {
    spent: number;
    budget: number | null;
    remaining: number | null;
    /** spent / budget; null without a budget. */
    fractionOfBudget: number | null;
  };
  /** Durations of connected calls (attempts with a duration above zero), in seconds. */
  callDurationsS: {
    count: number;
    total: number;
    p50: number | null;
    p90: number | null;
    p95: number | null;
    max: number | null;
  };
  callsOverTime: CallsOverTime | null;
  needsHuman: Array<{ line: number; rowKey: string; outcome: FinalOutcome; error: string | null }>;
  /** Result webhook events by state when the report was written; absent without a resultWebhook. */
  resultWebhooks?: ResultEventCounts;
}

export interface SummaryContext {
  campaignId: string;
  campaignName: string;
  budget?: number;
  startedAt?: string;
  endedAt?: string;
  resultWebhooks?: ResultEventCounts;
  now?: () => Date;
}

/**
 * Nearest-rank percentile of an ascending list: the smallest value with at least p%
 * of the values at or below it. Always one of the values, never interpolated.
 */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1] as number;
}

/** Keeps sums readable in JSON (0.1 + 0.2 -> 0.3). */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export class SummaryAccumulator {
  private totalRows = 0;
  private readonly outcomes = new Map<ReportOutcome, number>();
  private readonly dispositions: Map<string, number>;
  private reviewQueue = 0;
  private callsPlaced = 0;
  private goalCompleted = 0;
  private attemptsTotal = 0;
  private readonly attemptsPerRow = new Map<number, number>();
  private credits = 0;
  private readonly durations: number[] = [];
  private readonly endedAtMs: number[] = [];
  private firstStartMs = Number.POSITIVE_INFINITY;
  private lastEndMs = Number.NEGATIVE_INFINITY;
  private readonly needsHuman: CampaignSummary['needsHuman'] = [];

  /** `dispositionNames`: the campaign's (dispositionNames.ts), counted even when no row has them. */
  constructor(dispositionNames: readonly string[]) {
    this.dispositions = new Map(dispositionNames.map((name) => [name, 0]));
  }

  add(record: ReportRecord): void {
    this.totalRows += 1;
    this.outcomes.set(record.outcome, (this.outcomes.get(record.outcome) ?? 0) + 1);
    if (record.disposition !== null) {
      const name = record.disposition.disposition;
      this.dispositions.set(name, (this.dispositions.get(name) ?? 0) + 1);
      if (record.disposition.review) this.reviewQueue += 1;
    }
    if ((NEEDS_HUMAN as readonly string[]).includes(record.outcome)) {
      this.needsHuman.push({
        line: record.line,
        rowKey: record.rowKey,
        outcome: record.outcome as FinalOutcome,
        error: record.error ?? null,
      });
    }
    if (record.row.status !== 'valid') return;

    const figures = recordFigures(record);
    this.attemptsTotal += figures.attempts;
    this.attemptsPerRow.set(figures.attempts, (this.attemptsPerRow.get(figures.attempts) ?? 0) + 1);
    this.credits += figures.credits;
    if (record.outcome === 'completed' && figures.goalCompleted === true) this.goalCompleted += 1;
    for (const attempt of record.result?.attempts ?? []) {
      if (attempt.sid !== undefined) this.callsPlaced += 1;
      if (attempt.durationS !== undefined && attempt.durationS > 0) this.durations.push(attempt.durationS);
      const started = parseTime(attempt.startedAt);
      if (started !== undefined && started < this.firstStartMs) this.firstStartMs = started;
      const ended = parseTime(attempt.endedAt);
      if (ended !== undefined) {
        if (ended > this.lastEndMs) this.lastEndMs = ended;
        if (attempt.sid !== undefined) this.endedAtMs.push(ended);
      }
    }
  }

  finish(context: SummaryContext): CampaignSummary {
    const outcomes = Object.fromEntries(
      FINAL_OUTCOMES.map((outcome) => [outcome, this.outcomes.get(outcome) ?? 0]),
    ) as CampaignSummary['outcomes'];
    const pending = this.outcomes.get('pending') ?? 0;
    if (pending > 0) outcomes.pending = pending;

    const completed = outcomes.completed;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const budget = context.budget ?? null;
    const startedAt =
      context.startedAt ??
      (Number.isFinite(this.firstStartMs) ? new Date(this.firstStartMs).toISOString() : null);
    const endedAt =
      context.endedAt ?? (Number.isFinite(this.lastEndMs) ? new Date(this.lastEndMs).toISOString() : null);
    const wallMs =
      startedAt !== null && endedAt !== null ? Date.parse(endedAt) - Date.parse(startedAt) : Number.NaN;
    const perRow = Object.fromEntries(
      [...this.attemptsPerRow.entries()].sort(([a], [b]) => a - b).map(([n, rows]) => [String(n), rows]),
    );
    const spent = round(this.credits);

    return {
      campaignId: context.campaignId,
      campaignName: context.campaignName,
      generatedAt: (context.now?.() ?? new Date()).toISOString(),
      startedAt,
      endedAt,
      wallTimeS: Number.isFinite(wallMs) ? round(wallMs / 1000) : null,
      totalRows: this.totalRows,
      outcomes,
      dispositions: Object.fromEntries(this.dispositions),
      reviewQueue: this.reviewQueue,
      callsPlaced: this.callsPlaced,
      completed,
      goalCompleted: this.goalCompleted,
      goalCompletionRate: completed > 0 ? this.goalCompleted / completed : null,
      attempts: { total: this.attemptsTotal, perRow },
      credits: {
        spent,
        budget,
        remaining: budget === null ? null : round(budget - spent),
        fractionOfBudget: budget === null || budget <= 0 ? null : spent / budget,
      },
      callDurationsS: {
        count: sorted.length,
        total: round(sorted.reduce((sum, value) => sum + value, 0)),
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p95: percentile(sorted, 95),
        max: sorted.at(-1) ?? null,
      },
      callsOverTime: callsOverTime(this.endedAtMs),
      needsHuman: this.needsHuman,
      ...(context.resultWebhooks === undefined ? {} : { resultWebhooks: context.resultWebhooks }),
    };
  }
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
