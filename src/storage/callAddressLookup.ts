import type { CampaignDb } from './database.js';

/** A call of this deployment: the ledger's attempt that placed it. */
export interface AddressedCall {
  campaignId: string;
  rowKey: string;
  line: number | undefined;
  attempt: number;
  sid: string;
}

export type CallAddressAnswer =
  | { found: AddressedCall }
  | { missing: 'campaign' | 'row' | 'call'; detail: string };

/**
 * Finds the call an operator means: by campaign and row (its key or its line in the
 * contacts file) the row's latest placed attempt, or by sid an attempt in the ledger.
 * Only sids this deployment placed are ever returned, so `cmc call end` cannot reach
 * another account's or another system's call by a typo.
 */
export class CallAddressLookup {
  constructor(private readonly db: CampaignDb) {}

  async byRow(campaignId: string, rowKeyOrLine: string): Promise<CallAddressAnswer> {
    const campaign = await this.db
      .selectFrom('campaigns')
      .select('campaign_id')
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    if (!campaign) return { missing: 'campaign', detail: `no campaign "${campaignId}" in this store` };
    const byLine = /^[0-9]+$/.test(rowKeyOrLine);
    const row = await this.db
      .selectFrom('campaign_rows')
      .select(['row_key', 'line', 'status'])
      .where('campaign_id', '=', campaignId)
      .where(byLine ? 'line' : 'row_key', '=', byLine ? Number(rowKeyOrLine) : rowKeyOrLine)
      .executeTakeFirst();
    if (!row) {
      return {
        missing: 'row',
        detail: `campaign ${campaignId} has no row ${byLine ? `on line ${rowKeyOrLine}` : `"${rowKeyOrLine}"`}`,
      };
    }
    const attempt = await this.db
      .selectFrom('attempts')
      .select(['attempt', 'sid'])
      .where('campaign_id', '=', campaignId)
      .where('row_key', '=', row.row_key)
      .where('sid', 'is not', null)
      .orderBy('attempt', 'desc')
      .executeTakeFirst();
    if (!attempt?.sid) {
      return {
        missing: 'call',
        detail: `line ${row.line} of campaign ${campaignId} has no placed call (${row.status === 'valid' ? 'not dialled yet' : `row is ${row.status}`})`,
      };
    }
    return {
      found: {
        campaignId,
        rowKey: row.row_key,
        line: Number(row.line),
        attempt: Number(attempt.attempt),
        sid: attempt.sid,
      },
    };
  }

  async bySid(sid: string): Promise<CallAddressAnswer> {
    const attempt = await this.db
      .selectFrom('attempts as a')
      .leftJoin('campaign_rows as r', (join) =>
        join
          .onRef('r.campaign_id', '=', 'a.campaign_id')
          .onRef('r.row_key', '=', 'a.row_key')
          .on('r.status', '=', 'valid'),
      )
      .select(['a.campaign_id', 'a.row_key', 'a.attempt', 'a.sid', 'r.line'])
      .where('a.sid', '=', sid)
      .executeTakeFirst();
    if (!attempt?.sid) {
      return { missing: 'call', detail: `${sid} is not a call placed by this deployment's campaigns` };
    }
    return {
      found: {
        campaignId: attempt.campaign_id,
        rowKey: attempt.row_key,
        line: attempt.line === null ? undefined : Number(attempt.line),
        attempt: Number(attempt.attempt),
        sid: attempt.sid,
      },
    };
  }
}
