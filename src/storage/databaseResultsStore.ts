import { assertSafePathSegment } from '../results/pathSegment.js';
import { CorruptResultError, type ResultsStore } from '../results/resultsStore.js';
import type { RowResult } from '../results/rowResult.js';
import { firstIssue, rowResultSchema } from '../results/rowResultSchema.js';
import type { CampaignDb, OpenDatabase } from './database.js';
import type { StoreWrites } from './groupCommit.js';

/** A result refused before writing, so it can never become a record nobody can read. */
export class InvalidResultError extends Error {
  override readonly name = 'InvalidResultError';
}

const LIST_PAGE = 1_000;

/**
 * Row results in `row_results`, one per (campaign, row). The upsert keeps the stored
 * record unless the incoming one has at least as many attempts, in one statement, so
 * two workers or a stale retried activity can never move a row back.
 */
export class DatabaseResultsStore implements ResultsStore {
  private readonly db: CampaignDb;
  private readonly writes: StoreWrites;

  constructor(database: Pick<OpenDatabase, 'db' | 'writes'>) {
    this.db = database.db;
    this.writes = database.writes;
  }

  async record(result: RowResult): Promise<void> {
    // Row keys also name recording files and workflow IDs: the same rule everywhere.
    assertSafePathSegment('campaign id', result.campaignId);
    assertSafePathSegment('row key', result.rowKey);
    const checked = rowResultSchema.safeParse(result);
    if (!checked.success) {
      throw new InvalidResultError(
        `result of row ${result.rowKey} is not valid (${firstIssue(checked.error)})`,
      );
    }
    const values = {
      campaign_id: result.campaignId,
      row_key: result.rowKey,
      line: result.line,
      outcome: result.outcome,
      attempt_count: result.attempts.length,
      result: JSON.stringify(result),
      recorded_at: result.recordedAt,
    };
    await this.writes.run(
      this.db
        .insertInto('row_results')
        .values(values)
        .onConflict((conflict) =>
          conflict
            .columns(['campaign_id', 'row_key'])
            .doUpdateSet((eb) => ({
              line: eb.ref('excluded.line'),
              outcome: eb.ref('excluded.outcome'),
              attempt_count: eb.ref('excluded.attempt_count'),
              result: eb.ref('excluded.result'),
              recorded_at: eb.ref('excluded.recorded_at'),
            }))
            .where('row_results.attempt_count', '<=', (eb) => eb.ref('excluded.attempt_count')),
        )
        .compile(),
    );
  }

  async get(campaignId: string, rowKey: string): Promise<RowResult | undefined> {
    const row = await this.db
      .selectFrom('row_results')
      .select('result')
      .where('campaign_id', '=', campaignId)
      .where('row_key', '=', rowKey)
      .executeTakeFirst();
    return row === undefined ? undefined : parseStoredResult(row.result, campaignId, rowKey);
  }

  async countByOutcome(campaignId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('row_results')
      .select((eb) => ['outcome', eb.fn.countAll<number | string>().as('count')])
      .where('campaign_id', '=', campaignId)
      .groupBy('outcome')
      .orderBy('outcome')
      .execute();
    // PostgreSQL's count() is a bigint, which pg hands over as a string.
    return Object.fromEntries(rows.map((row) => [row.outcome, Number(row.count)]));
  }

  /** Every result of a campaign, a page at a time, so 100k rows never sit in memory at once. */
  async *list(campaignId: string): AsyncIterable<RowResult> {
    let after = '';
    for (;;) {
      const page = await this.db
        .selectFrom('row_results')
        .select(['row_key', 'result'])
        .where('campaign_id', '=', campaignId)
        .where('row_key', '>', after)
        .orderBy('row_key')
        .limit(LIST_PAGE)
        .execute();
      for (const row of page) yield parseStoredResult(row.result, campaignId, row.row_key);
      const last = page.at(-1);
      if (!last || page.length < LIST_PAGE) return;
      after = last.row_key;
    }
  }
}

/** A `row_results.result` document read back; CorruptResultError when it is not a RowResult. */
export function parseStoredResult(text: string, campaignId: string, rowKey: string): RowResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CorruptResultError(`result of row ${rowKey} in campaign ${campaignId} is not JSON`);
  }
  const parsed = rowResultSchema.safeParse(json);
  if (!parsed.success)
    throw new CorruptResultError(
      `result of row ${rowKey} in campaign ${campaignId} is not valid (${firstIssue(parsed.error)})`,
    );
  return parsed.data as RowResult;
}
