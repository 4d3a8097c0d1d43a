import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/**
 * The store's schema, one versioned step at a time. Never edit a step that has
 * shipped: add the next one. The Migrator records what ran in `cmc_migration` and,
 * on PostgreSQL, holds an advisory lock while it runs, so a worker and `cmc` starting
 * at once migrate exactly once.
 */
const migrations: Record<string, Migration> = {
  '0001_campaign_store': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('campaigns')
        .addColumn('campaign_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('manifest', 'text', (c) => c.notNull())
        .addColumn('source_digest', 'text', (c) => c.notNull())
        .addColumn('total_rows', 'integer', (c) => c.notNull())
        .addColumn('valid_rows', 'integer', (c) => c.notNull())
        .addColumn('prepared_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('campaign_rows')
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('row_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('valid_index', 'integer')
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_rows_pk', ['campaign_id', 'line'])
        .execute();
      // A valid row is found by its key (call activities) and by its place (paging).
      await db.schema
        .createIndex('campaign_rows_valid_key')
        .on('campaign_rows')
        .columns(['campaign_id', 'row_key'])
        .unique()
        .where(sql.ref('status'), '=', 'valid')
        .execute();
      await db.schema
        .createIndex('campaign_rows_valid_index')
        .on('campaign_rows')
        .columns(['campaign_id', 'valid_index'])
        .unique()
        .where(sql.ref('valid_index'), 'is not', null)
        .execute();
      await db.schema
        .createTable('attempts')
        // The claim: exactly one execution can insert an attempt's row.
        .addColumn('client_request_id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('row_key', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('sid', 'text')
        .addColumn('reason', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('row_results')
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('row_key', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('attempt_count', 'integer', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('row_results_pk', ['campaign_id', 'row_key'])
        .execute();
    },
  },
  '0002_result_events': {
    async up(db: Kysely<unknown>) {
      // The outbox of result webhooks: an event is written once, with its body, and
      // delivered (and retried) from here, so the same event always has the same id and bytes.
      await db.schema
        .createTable('result_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('settled_at', 'text')
        .execute();
      await db.schema
        .createIndex('result_events_campaign_state')
        .on('result_events')
        .columns(['campaign_id', 'state', 'created_at'])
        .execute();
    },
  },
  '0003_compliance': {
    async up(db: Kysely<unknown>) {
      // The deployment's own do-not-call list: honoured by every campaign, at every dial.
      await db.schema
        .createTable('suppressions')
        .addColumn('phone_e164', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .execute();
      // Frequency caps count every start-call to a number in any campaign: the ledger
      // learns the number it dialled (null for attempts claimed before this step).
      await db.schema.alterTable('attempts').addColumn('phone_e164', 'text').execute();
      await db.schema.createIndex('attempts_phone_at').on('attempts').columns(['phone_e164', 'at']).execute();
      // Why each attempt was or was not dialled: every check's result, last decision wins.
      await db.schema
        .createTable('dial_checks')
        .addColumn('client_request_id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('row_key', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('first_checked_at', 'text', (c) => c.notNull())
        .addColumn('checked_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('dial_checks_row')
        .on('dial_checks')
        .columns(['campaign_id', 'row_key'])
        .execute();
    },
  },
  '0004_result_webhook_destinations': {
    async up(db: Kysely<unknown>) {
      // Where a campaign that failed before it was prepared (so has no manifest) sends
      // its campaign.failed event: the URL and the secret's variable name, never a secret.
      await db.schema
        .createTable('result_webhook_destinations')
        .addColumn('campaign_id', 'text', (c) => c.primaryKey())
        .addColumn('setting', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0005_call_actions': {
    async up(db: Kysely<unknown>) {
      // What an operator did to a live call (end, transfer, update), kept apart from the
      // dial-time audit: who was asked, with which parameters (never a secret), and the answer.
      await db.schema
        .createTable('call_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('row_key', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('sid', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('call_actions_row')
        .on('call_actions')
        .columns(['campaign_id', 'row_key'])
        .execute();
      // A call addressed by its sid is looked up in the ledger.
      await db.schema.createIndex('attempts_sid').on('attempts').column('sid').execute();
    },
  },
};

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Brings the schema up to date; safe to run from every process on every start. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'cmc_migration',
    migrationLockTableName: 'cmc_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new MigrationError(
      `database migration ${failed?.migrationName ?? ''} failed${cause ? `: ${cause}` : ''}`.trim(),
    );
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
