import type { DialAudit, DialCheck, DialDecision } from '../compliance/dialChecks.js';
import { clientRequestId } from '../engine/ids.js';
import type { AttemptKey } from './attemptLedger.js';
import type { CampaignDb, OpenDatabase } from './database.js';
import type { StoreWrites } from './groupCommit.js';

/**
 * The dial-time checks of each attempt (the audit behind "why did we call, or not?").
 * One row per attempt: a later check of the same attempt (the window opened, say)
 * replaces the decision and keeps when the attempt was first checked.
 */
export class DialCheckStore {
  private readonly db: CampaignDb;
  private readonly writes: StoreWrites;

  constructor(database: Pick<OpenDatabase, 'db' | 'writes'>) {
    this.db = database.db;
    this.writes = database.writes;
  }

  async record(key: AttemptKey, decision: DialDecision, checks: DialCheck[], at: string): Promise<void> {
    const json = JSON.stringify(checks);
    await this.writes.run(
      this.db
        .insertInto('dial_checks')
        .values({
          client_request_id: clientRequestId(key.campaignId, key.rowKey, key.attempt),
          campaign_id: key.campaignId,
          row_key: key.rowKey,
          attempt: key.attempt,
          decision,
          checks: json,
          first_checked_at: at,
          checked_at: at,
        })
        .onConflict((conflict) =>
          conflict.column('client_request_id').doUpdateSet({ decision, checks: json, checked_at: at }),
        )
        .compile(),
    );
  }

  /** A row's audits, first attempt first. */
  async forRow(campaignId: string, rowKey: string): Promise<DialAudit[]> {
    const rows = await this.db
      .selectFrom('dial_checks')
      .select(['attempt', 'decision', 'checks', 'first_checked_at', 'checked_at'])
      .where('campaign_id', '=', campaignId)
      .where('row_key', '=', rowKey)
      .orderBy('attempt')
      .execute();
    return rows.map((row) => ({
      attempt: Number(row.attempt),
      decision: row.decision as DialDecision,
      checks: JSON.parse(row.checks) as DialCheck[],
      firstCheckedAt: row.first_checked_at,
      checkedAt: row.checked_at,
    }));
  }
}
