import { randomUUID } from 'node:crypto';
import type { CallAction, CallActionName } from '../results/callAction.js';
import type { AttemptKey } from './attemptLedger.js';
import type { CampaignDb, OpenDatabase } from './database.js';
import type { StoreWrites } from './groupCommit.js';

/**
 * What operators did to a row's live calls (`cmc call end|transfer|update`), one record
 * per request, refused ones too: the row's result carries them beside the dial audit.
 */
export class CallActionStore {
  private readonly db: CampaignDb;
  private readonly writes: StoreWrites;

  constructor(database: Pick<OpenDatabase, 'db' | 'writes'>) {
    this.db = database.db;
    this.writes = database.writes;
  }

  async record(
    key: AttemptKey & { sid: string },
    action: Omit<CallAction, 'attempt' | 'sid'>,
  ): Promise<void> {
    await this.writes.run(
      this.db
        .insertInto('call_actions')
        .values({
          id: randomUUID(),
          campaign_id: key.campaignId,
          row_key: key.rowKey,
          attempt: key.attempt,
          sid: key.sid,
          action: action.action,
          parameters: JSON.stringify(action.parameters),
          outcome: action.outcome,
          at: action.at,
        })
        .compile(),
    );
  }

  /** A row's actions, oldest first. */
  async forRow(campaignId: string, rowKey: string): Promise<CallAction[]> {
    const rows = await this.db
      .selectFrom('call_actions')
      .select(['attempt', 'sid', 'action', 'parameters', 'outcome', 'at'])
      .where('campaign_id', '=', campaignId)
      .where('row_key', '=', rowKey)
      .orderBy('at')
      .execute();
    return rows.map((row) => ({
      attempt: Number(row.attempt),
      sid: row.sid,
      action: row.action as CallActionName,
      parameters: JSON.parse(row.parameters) as CallAction['parameters'],
      outcome: row.outcome,
      at: row.at,
    }));
  }
}
