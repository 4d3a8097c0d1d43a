import type { CampaignDb, OpenDatabase } from './database.js';
import type { StoreWrites } from './groupCommit.js';

export interface SuppressionRecord {
  phoneE164: string;
  reason?: string;
  /** Who or what added it: "cli", "import <file>", "opted out: campaign <id> line <n>". */
  source: string;
  addedAt: string;
}

/**
 * The deployment's do-not-call list, in the campaign store: one list for every campaign,
 * checked right before each dial, so a number added while a campaign runs is not called
 * again by it or any other. A number is listed once; adding it again keeps the first
 * entry (its reason and source say how it got there first).
 */
export class SuppressionStore {
  private readonly db: CampaignDb;
  private readonly writes: StoreWrites;

  constructor(database: Pick<OpenDatabase, 'db' | 'writes'>) {
    this.db = database.db;
    this.writes = database.writes;
  }

  /** Adds the numbers not listed yet; returns how many were new. */
  async add(records: readonly SuppressionRecord[]): Promise<number> {
    const results = await Promise.all(
      records.map((record) =>
        this.writes.run(
          this.db
            .insertInto('suppressions')
            .values({
              phone_e164: record.phoneE164,
              reason: record.reason ?? null,
              source: record.source,
              added_at: record.addedAt,
            })
            .onConflict((conflict) => conflict.column('phone_e164').doNothing())
            .compile(),
        ),
      ),
    );
    return results.reduce((sum, result) => sum + Number(result.numAffectedRows ?? 0), 0);
  }

  /** Removes the numbers; returns how many were listed. */
  async remove(numbers: readonly string[]): Promise<number> {
    if (numbers.length === 0) return 0;
    const result = await this.writes.run(
      this.db
        .deleteFrom('suppressions')
        .where('phone_e164', 'in', [...numbers])
        .compile(),
    );
    return Number(result.numAffectedRows ?? 0);
  }

  async find(phoneE164: string): Promise<SuppressionRecord | undefined> {
    const row = await this.db
      .selectFrom('suppressions')
      .selectAll()
      .where('phone_e164', '=', phoneE164)
      .executeTakeFirst();
    return row ? recordOf(row) : undefined;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('suppressions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Every entry in number order, a page at a time (the list can hold millions). */
  async *all(pageSize = 1_000): AsyncIterable<SuppressionRecord> {
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('suppressions')
        .selectAll()
        .where('phone_e164', '>', after)
        .orderBy('phone_e164')
        .limit(pageSize)
        .execute();
      for (const row of rows) yield recordOf(row);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].phone_e164;
    }
  }
}

function recordOf(row: {
  phone_e164: string;
  reason: string | null;
  source: string;
  added_at: string;
}): SuppressionRecord {
  return {
    phoneE164: row.phone_e164,
    ...(row.reason === null ? {} : { reason: row.reason }),
    source: row.source,
    addedAt: row.added_at,
  };
}
