import { CompiledQuery, type Insertable } from 'kysely';
import type { DispositionDefinition } from '../dispositions/dispositionRules.js';
import type { CallRow, CampaignPlan } from '../engine/campaignPlan.js';
import type { ReportableRow, ReportEntry } from '../reports/reportRecord.js';
import { CorruptResultError } from '../results/resultsStore.js';
import type { ResultWebhookSetting } from '../resultWebhooks/resultWebhookSetting.js';
import type { CampaignDb } from './database.js';
import { parseStoredResult } from './databaseResultsStore.js';
import type { CampaignTables } from './databaseSchema.js';

/** A valid row with what the call activities need; lives in the store, never in workflow history. */
export interface PreparedRow extends CallRow {
  phoneE164: string;
  task: string;
  additionalPrompt?: string;
  /** Per-row start-call options from CSV columns (language, voice_gender, ...). */
  overrides: Record<string, string | number | boolean>;
  /** The row's original columns, for its result record. */
  columns: Record<string, string>;
  /** The recipient's own zones, for a calling rule, when the campaign window has a fixed zone. */
  localTimezones?: string[];
  /** The number's region ("US-FL"), for a calling rule; stays here, out of workflow history. */
  region?: string;
}

/** One data row of the contacts file as classified at prepare time; `call` only for valid rows. */
export interface StoredRow extends ReportableRow {
  call?: Omit<PreparedRow, keyof ReportableRow>;
}

/** What the prepare activity found, beside the rows. */
export interface PreparedManifest {
  plan: CampaignPlan;
  /** Start-call options from campaign.json, sent with every call (rows may override some). */
  callOptions: Record<string, unknown>;
  /** Where the contacts came from, and the sha256 of the file as it was read. */
  source: { campaignDir: string; date: string; contactsSha256?: string };
  /** The disposition rules, resolved (absent in campaigns prepared by older builds: the default set). */
  dispositions?: DispositionDefinition[];
  /** Appended to every call's additional_prompt: the closing sentences the default rules read. */
  closingPrompt?: string;
  /** Where row and campaign results are POSTed, if anywhere. */
  resultWebhook?: ResultWebhookSetting;
  /** The campaign's idColumn: its value identifies the row in result events. */
  idColumn?: string;
  /** User-on-call campaigns: the operator phones, indexed by the slot the campaign workflow assigns. */
  operatorPhones?: string[];
  /** What the dial-time checks need (absent in campaigns prepared by older builds: no cap, no consent). */
  compliance?: {
    purpose: 'informational' | 'marketing';
    consent?: { column: string; required: boolean };
    frequencyCap?: { calls: number; perMs: number };
  };
}

const INSERT_BATCH = 500;

/** One campaign_rows row to insert, every column present (null, not absent, for no valid_index). */
type CampaignRowValues = Required<Insertable<CampaignTables['campaign_rows']>>;

/**
 * The parameters of a multi-row insert of `rows` as Kysely compiles it: row after row, each
 * row's values in the order of its keys, as `write` builds them. `write` checks this against
 * Kysely's own compilation of the first full batch.
 */
function parametersOf(rows: CampaignRowValues[]): unknown[] {
  const parameters: unknown[] = [];
  for (const row of rows) {
    parameters.push(row.campaign_id, row.line, row.row_key, row.status, row.valid_index, row.data);
  }
  return parameters;
}

function isRowArray(item: StoredRow | readonly StoredRow[]): item is readonly StoredRow[] {
  return Array.isArray(item);
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * Every row of one campaign run, written once by the prepare activity into the
 * campaign store, then read page by page by the campaign workflow, row by row by the
 * call activities, and whole by the report: nothing re-reads the CSV after prepare.
 */
export class PreparedCampaignStore {
  private readonly manifests = new Map<string, PreparedManifest>();

  constructor(private readonly db: CampaignDb) {}

  /** The manifest, or undefined when the campaign was never (completely) prepared. */
  async readManifest(campaignId: string): Promise<PreparedManifest | undefined> {
    const cached = this.manifests.get(campaignId);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('campaigns')
      .select('manifest')
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    if (!row) return undefined;
    const manifest = JSON.parse(row.manifest) as PreparedManifest;
    this.manifests.set(campaignId, manifest);
    return manifest;
  }

  /**
   * Writes every row, then the campaign (built once the rows are all read, so it can
   * count them), in one transaction: a campaign in the store means its rows are
   * complete, and a prepare retried after a crash starts from nothing. The rows come
   * one by one or in arrays (file order either way), as the reader has them.
   */
  async write(
    campaignId: string,
    rows: AsyncIterable<StoredRow | readonly StoredRow[]>,
    manifest: () => PreparedManifest,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('campaign_rows').where('campaign_id', '=', campaignId).execute();
      // Every full batch is the same statement with other values: Kysely builds and compiles
      // it once (for the first full batch), and later batches only bind new parameters.
      // (Kysely parses, visits and compiles all 3,000 values of a batch each time it builds one.)
      let fullBatchSql: string | undefined;
      let batch: CampaignRowValues[] = [];
      let total = 0;
      let valid = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        if (batch.length < INSERT_BATCH) {
          await tx.insertInto('campaign_rows').values(batch).execute();
        } else {
          const parameters = parametersOf(batch);
          if (fullBatchSql === undefined) {
            const compiled = tx.insertInto('campaign_rows').values(batch).compile();
            if (!sameValues(compiled.parameters, parameters)) {
              throw new Error(
                'campaign_rows: the insert binds its values in another order than parametersOf',
              );
            }
            fullBatchSql = compiled.sql;
          }
          await tx.executeQuery(CompiledQuery.raw(fullBatchSql, parameters));
        }
        batch = [];
      };
      for await (const item of rows) {
        for (const row of isRowArray(item) ? item : [item]) {
          total += 1;
          const isValid = row.status === 'valid' && row.call !== undefined;
          batch.push({
            campaign_id: campaignId,
            line: row.line,
            row_key: row.rowKey,
            status: row.status,
            valid_index: isValid ? valid : null,
            data: JSON.stringify(row),
          });
          if (isValid) valid += 1;
          if (batch.length >= INSERT_BATCH) await flush();
        }
      }
      await flush();
      const built = manifest();
      await tx
        .insertInto('campaigns')
        .values({
          campaign_id: campaignId,
          name: built.plan.name,
          manifest: JSON.stringify(built),
          source_digest: built.source.contactsSha256 ?? '',
          total_rows: total,
          valid_rows: valid,
          prepared_at: new Date().toISOString(),
        })
        .execute();
    });
    this.manifests.delete(campaignId);
  }

  /** Valid rows [offset, offset + limit), in file order. */
  async page(campaignId: string, offset: number, limit: number): Promise<PreparedRow[]> {
    const rows = await this.db
      .selectFrom('campaign_rows')
      .select('data')
      .where('campaign_id', '=', campaignId)
      .where('valid_index', '>=', offset)
      .where('valid_index', '<', offset + limit)
      .orderBy('valid_index')
      .execute();
    return rows.map((row) => preparedRowOf(JSON.parse(row.data) as StoredRow));
  }

  async get(campaignId: string, rowKey: string): Promise<PreparedRow | undefined> {
    const row = await this.db
      .selectFrom('campaign_rows')
      .select('data')
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'valid')
      .where('row_key', '=', rowKey)
      .executeTakeFirst();
    return row === undefined ? undefined : preparedRowOf(JSON.parse(row.data) as StoredRow);
  }

  /**
   * Every row of the contacts file, valid or not, in file order, each with its stored
   * result: one query per page of rows. Pages are small because each one outlives
   * young-generation collections while it is processed: 1,000-row pages (2 MiB of
   * text) raised a 100k-row report's peak RSS by about 80 MiB, for no speed.
   */
  async *reportEntries(campaignId: string, pageSize = 200): AsyncIterable<ReportEntry> {
    let after = 0;
    for (;;) {
      const page = await this.db
        .selectFrom('campaign_rows as r')
        .leftJoin('row_results as res', (join) =>
          join
            .onRef('res.campaign_id', '=', 'r.campaign_id')
            .onRef('res.row_key', '=', 'r.row_key')
            .on('r.status', '=', 'valid'),
        )
        .select(['r.line', 'r.data', 'res.result'])
        .where('r.campaign_id', '=', campaignId)
        .where('r.line', '>', after)
        .orderBy('r.line')
        .limit(pageSize)
        .execute();
      for (const { data, result } of page) {
        const { call: _call, ...row } = JSON.parse(data) as StoredRow;
        yield result === null ? { row } : withStoredResult(row, result, campaignId);
      }
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      after = last.line;
    }
  }
}

function withStoredResult(row: ReportableRow, text: string, campaignId: string): ReportEntry {
  try {
    return { row, result: parseStoredResult(text, campaignId, row.rowKey) };
  } catch (error) {
    // One damaged result must not cost the manager the whole report.
    if (!(error instanceof CorruptResultError)) throw error;
    return { row, unreadable: error.message };
  }
}

function preparedRowOf(row: StoredRow): PreparedRow {
  if (!row.call || row.phoneE164 === undefined) throw new Error(`row at line ${row.line} is not a valid row`);
  return { rowKey: row.rowKey, line: row.line, phoneE164: row.phoneE164, columns: row.columns, ...row.call };
}
