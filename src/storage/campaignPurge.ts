import { lstat, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import { TRANSCRIPTS_DIR } from '../reports/transcriptChunks.js';
import { writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment, isSafePathSegment } from '../results/pathSegment.js';
import type { CampaignDb } from './database.js';
import type { CampaignTables } from './databaseSchema.js';

/**
 * Retention: removes the personal data of finished campaigns prepared before a cutoff,
 * and keeps what they amounted to.
 *
 * A campaign is FINISHED when `row_results` has a result for every valid row: a rule
 * the database alone decides (no Temporal needed), and one that holds only once no
 * call can still be placed or recorded for it.
 *
 * Removed: phone numbers and the contacts file's own columns (names, dates, notes) from
 * `campaign_rows.data` and `row_results.result`; the rendered task text; transcripts;
 * the free text of call summaries (only booleans and numbers stay, e.g. goal_completed);
 * quoted cell values and the row's own values inside reasons and errors; the recording
 * files under `<reportsDir>/<id>/recordings/` (those the results name and any other
 * file left in that folder); and the report files that list rows (results.csv,
 * results.jsonl, report.html, and their leftover temp files).
 *
 * Kept: line numbers, row keys, statuses, outcomes, goalCompleted, every attempt's
 * number, client request id, call sid, status, times, duration and credits, the dial
 * audit, the attempt ledger (without the dialled number), the campaign's manifest and
 * summary.json. The deployment's suppression list is never purged: an opt-out must outlive
 * the campaign that heard it.
 *
 * Done in the order a crash can never undo: files first, then the rows page by page,
 * then the `purgedAt` marker in `campaigns.manifest` (no schema change: the manifest is
 * JSON). A purge stopped halfway is finished by the next run; a campaign with the
 * marker is skipped, so a second run removes nothing. Nothing is deleted through a
 * symbolic link to a folder: such a campaign is scrubbed in the store, left unmarked and
 * reported with a warning on every run.
 */
export interface PurgeOptions {
  /** Campaigns prepared more than this long before `now` are eligible. */
  olderThanMs: number;
  /** Only this campaign (still only if it is old enough and finished). */
  campaignId?: string;
  now: Date;
  /** CMC_REPORTS_DIR: the campaign's files are under `<reportsDir>/<campaignId>/`. */
  reportsDir: string;
  /** Count what would go, change nothing. */
  dryRun: boolean;
}

export interface PurgedCampaign {
  campaignId: string;
  name: string;
  preparedAt: string;
  /** campaign_rows whose stored document changed. */
  rowsScrubbed: number;
  /** row_results whose stored document changed. */
  resultsScrubbed: number;
  recordingsDeleted: number;
  recordingBytes: number;
  /** Names relative to `<reportsDir>/<campaignId>/`, e.g. `results.csv`. */
  reportFilesDeleted: string[];
  /** summary.json stays; true when an error it quotes had to lose a number or a cell value. */
  summaryRedacted: boolean;
}

export interface PurgeSummary {
  dryRun: boolean;
  /** Campaigns prepared before this instant were eligible. */
  cutoff: string;
  campaignId?: string;
  purged: PurgedCampaign[];
  totals: {
    campaigns: number;
    rowsScrubbed: number;
    resultsScrubbed: number;
    recordingsDeleted: number;
    recordingBytes: number;
    reportFilesDeleted: number;
  };
  skipped: {
    /** Prepared after the cutoff. */
    recent: string[];
    /** Old enough, but some valid rows have no result yet. */
    unfinished: Array<{ campaignId: string; rowsWithoutResult: number }>;
    /** Purged by an earlier run. */
    alreadyPurged: Array<{ campaignId: string; purgedAt: string }>;
  };
  /** Things left alone on purpose, for a person to look at (never personal data). */
  warnings: string[];
}

export class PurgeCampaignNotFoundError extends Error {
  override readonly name = 'PurgeCampaignNotFoundError';
}

/** The longest retention period: ten years; anything longer is a typo. */
export const MAX_RETENTION = { ms: 3650 * 86_400_000, text: '3650d' };

/** The report files that list rows with their columns, numbers and transcripts. */
export const PERSONAL_REPORT_FILES = ['results.csv', 'results.jsonl', 'report.html'] as const;
const REPORT_TEMP_FILE = /^\.(results\.csv|results\.jsonl|report\.html)\..+\.tmp$/;
const RECORDINGS_FOLDER = 'recordings';
const PAGE = 500;

export async function purgeCampaigns(db: CampaignDb, options: PurgeOptions): Promise<PurgeSummary> {
  if (!Number.isSafeInteger(options.olderThanMs) || options.olderThanMs < 0)
    throw new RangeError('olderThanMs must be a whole number of milliseconds, 0 or more');
  if (options.campaignId !== undefined) assertSafePathSegment('campaign id', options.campaignId);
  const cutoffMs = options.now.getTime() - options.olderThanMs;
  const summary: PurgeSummary = {
    dryRun: options.dryRun,
    cutoff: new Date(cutoffMs).toISOString(),
    ...(options.campaignId === undefined ? {} : { campaignId: options.campaignId }),
    purged: [],
    totals: {
      campaigns: 0,
      rowsScrubbed: 0,
      resultsScrubbed: 0,
      recordingsDeleted: 0,
      recordingBytes: 0,
      reportFilesDeleted: 0,
    },
    skipped: { recent: [], unfinished: [], alreadyPurged: [] },
    warnings: [],
  };

  let query = db
    .selectFrom('campaigns')
    .select(['campaign_id', 'name', 'prepared_at', 'manifest'])
    .orderBy('prepared_at')
    .orderBy('campaign_id');
  if (options.campaignId !== undefined) query = query.where('campaign_id', '=', options.campaignId);
  const campaigns = await query.execute();
  if (options.campaignId !== undefined && campaigns.length === 0)
    throw new PurgeCampaignNotFoundError(`no campaign ${options.campaignId} in the campaign store`);

  for (const campaign of campaigns) {
    const id = campaign.campaign_id;
    // Compared as instants, not as text: the same answer in SQLite and PostgreSQL.
    const preparedMs = Date.parse(campaign.prepared_at);
    if (Number.isNaN(preparedMs)) {
      summary.warnings.push(`${id}: prepared_at is not a date; left alone`);
      continue;
    }
    if (!(preparedMs < cutoffMs)) {
      summary.skipped.recent.push(id);
      continue;
    }
    const manifest = parseObject(campaign.manifest);
    if (typeof manifest?.purgedAt === 'string') {
      summary.skipped.alreadyPurged.push({ campaignId: id, purgedAt: manifest.purgedAt });
      continue;
    }
    const missing = await rowsWithoutResult(db, id);
    if (missing > 0) {
      summary.skipped.unfinished.push({ campaignId: id, rowsWithoutResult: missing });
      continue;
    }
    const purged = await purgeOne(db, campaign, manifest, options, summary.warnings);
    summary.purged.push(purged);
    summary.totals.campaigns += 1;
    summary.totals.rowsScrubbed += purged.rowsScrubbed;
    summary.totals.resultsScrubbed += purged.resultsScrubbed;
    summary.totals.recordingsDeleted += purged.recordingsDeleted;
    summary.totals.recordingBytes += purged.recordingBytes;
    summary.totals.reportFilesDeleted += purged.reportFilesDeleted.length;
  }
  return summary;
}

/** Valid rows of the campaign that have no row result yet (0 = finished). */
async function rowsWithoutResult(db: CampaignDb, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('campaign_rows as cr')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('missing'))
    .where('cr.campaign_id', '=', campaignId)
    .where('cr.valid_index', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('row_results as rr')
            .select('rr.row_key')
            .whereRef('rr.campaign_id', '=', 'cr.campaign_id')
            .whereRef('rr.row_key', '=', 'cr.row_key'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(row?.missing ?? 0);
}

async function purgeOne(
  db: CampaignDb,
  campaign: { campaign_id: string; name: string; prepared_at: string; manifest: string },
  manifest: Record<string, unknown> | undefined,
  options: PurgeOptions,
  warnings: string[],
): Promise<PurgedCampaign> {
  const id = campaign.campaign_id;
  const purged: PurgedCampaign = {
    campaignId: id,
    name: campaign.name,
    preparedAt: campaign.prepared_at,
    rowsScrubbed: 0,
    resultsScrubbed: 0,
    recordingsDeleted: 0,
    recordingBytes: 0,
    reportFilesDeleted: [],
    summaryRedacted: false,
  };

  // 1. Files, while the results still name the recordings.
  const campaignDir = join(options.reportsDir, id);
  const recordingsDir = join(campaignDir, RECORDINGS_FOLDER);
  let filesLeft = true;
  if (!isSafePathSegment(id)) {
    warnings.push(`${JSON.stringify(id.slice(0, 80))}: not a safe folder name, its files were not touched`);
  } else if (
    (await isLink(campaignDir)) ||
    (await isLink(recordingsDir)) ||
    (await isLink(join(campaignDir, TRANSCRIPTS_DIR)))
  ) {
    // The runner makes real folders; a link could point anywhere, so nothing is deleted through one.
    warnings.push(`${id}: its reports or recordings folder is a symbolic link, its files were not touched`);
  } else {
    filesLeft = false;
    const recordingNames = await referencedRecordings(db, id, warnings);
    await deleteRecordings(recordingsDir, recordingNames, options.dryRun, purged);
    await deleteReportFiles(campaignDir, options.dryRun, purged);
    purged.summaryRedacted = await redactSummaryFile(
      db,
      id,
      join(campaignDir, 'summary.json'),
      options.dryRun,
    );
  }

  // 2. Rows and results, a page per transaction, so a worker writing to the same store is never held up long.
  purged.rowsScrubbed = await scrubTable({
    db,
    dryRun: options.dryRun,
    first: 0,
    page: (after) =>
      db
        .selectFrom('campaign_rows')
        .select(['line', 'row_key', 'status', 'data'])
        .where('campaign_id', '=', id)
        .where('line', '>', after)
        .orderBy('line')
        .limit(PAGE)
        .execute(),
    keyOf: (row) => row.line,
    scrub: (row) => ({ before: row.data, after: scrubRowDocument(row.data, row) }),
    write: (tx, row, data) =>
      tx
        .updateTable('campaign_rows')
        .set({ data })
        .where('campaign_id', '=', id)
        .where('line', '=', row.line)
        .execute(),
  });
  purged.resultsScrubbed = await scrubTable({
    db,
    dryRun: options.dryRun,
    first: '',
    page: (after) =>
      db
        .selectFrom('row_results')
        .select(['row_key', 'line', 'outcome', 'result', 'recorded_at'])
        .where('campaign_id', '=', id)
        .where('row_key', '>', after)
        .orderBy('row_key')
        .limit(PAGE)
        .execute(),
    keyOf: (row) => row.row_key,
    scrub: (row) => ({
      before: row.result,
      after: scrubResultDocument(row.result, { campaignId: id, ...row }),
    }),
    write: (tx, row, result) =>
      tx
        .updateTable('row_results')
        .set({ result })
        .where('campaign_id', '=', id)
        .where('row_key', '=', row.row_key)
        .execute(),
  });

  // Settled result webhook events: their bodies carry the clinic's ids and captured words.
  // Pending ones stay, so a purge never loses an event the clinic has not had yet.
  if (!options.dryRun) {
    await db
      .deleteFrom('result_events')
      .where('campaign_id', '=', id)
      .where('state', '!=', 'pending')
      .execute();
  }

  // The ledger's copy of each dialled number (kept for frequency caps, which never look
  // back further than a purge's retention period should).
  if (!options.dryRun) {
    await db.updateTable('attempts').set({ phone_e164: null }).where('campaign_id', '=', id).execute();
  }

  // Operators' live-call actions: an updated task or a transfer number can name the patient.
  if (!options.dryRun) {
    await db.deleteFrom('call_actions').where('campaign_id', '=', id).execute();
  }

  // 3. The marker, last: only a campaign whose data is all gone is ever skipped.
  if (!options.dryRun) {
    if (filesLeft) {
      warnings.push(
        `${id}: not marked purged while its files are left; every run reports it until they are gone`,
      );
    } else if (manifest === undefined) {
      warnings.push(
        `${id}: its manifest is not JSON, so it is not marked purged (the next run checks it again)`,
      );
    } else {
      await db
        .updateTable('campaigns')
        .set({ manifest: JSON.stringify({ ...manifest, purgedAt: options.now.toISOString() }) })
        .where('campaign_id', '=', id)
        .execute();
    }
  }
  return purged;
}

/** Pages through one table by key; rewrites each document whose scrubbed form differs. */
async function scrubTable<Row, Key>(table: {
  db: CampaignDb;
  dryRun: boolean;
  first: Key;
  page: (after: Key) => Promise<Row[]>;
  keyOf: (row: Row) => Key;
  scrub: (row: Row) => { before: string; after: string };
  write: (tx: Transaction<CampaignTables>, row: Row, document: string) => Promise<unknown>;
}): Promise<number> {
  let changed = 0;
  let after = table.first;
  for (;;) {
    const rows = await table.page(after);
    const updates = rows
      .map((row) => ({ row, ...table.scrub(row) }))
      .filter((update) => update.after !== update.before);
    changed += updates.length;
    if (!table.dryRun && updates.length > 0) {
      await table.db.transaction().execute(async (tx) => {
        for (const update of updates) await table.write(tx, update.row, update.after);
      });
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return changed;
    after = table.keyOf(last);
  }
}

/** File names (inside recordings/) that the campaign's results point at. */
async function referencedRecordings(
  db: CampaignDb,
  campaignId: string,
  warnings: string[],
): Promise<Set<string>> {
  const names = new Set<string>();
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('row_results')
      .select(['row_key', 'result'])
      .where('campaign_id', '=', campaignId)
      .where('row_key', '>', after)
      .orderBy('row_key')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const recording = parseObject(row.result)?.recording;
      if (typeof recording !== 'string') continue;
      const name = recording.startsWith(`${RECORDINGS_FOLDER}/`)
        ? recording.slice(RECORDINGS_FOLDER.length + 1)
        : '';
      // The downloader only ever writes recordings/<safe name>; anything else is not ours to delete.
      if (isSafePathSegment(name)) names.add(name);
      else
        warnings.push(
          `${campaignId}: row ${row.row_key} names a recording outside ${RECORDINGS_FOLDER}/; not deleted`,
        );
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return names;
    after = last.row_key;
  }
}

/**
 * Deletes the recordings the results name, and every other file left in the folder
 * (a download's temp file, a recording whose result was never written): the folder
 * holds this campaign's calls and nothing else. A symlink is removed, never followed.
 */
async function deleteRecordings(
  folder: string,
  referenced: Set<string>,
  dryRun: boolean,
  purged: PurgedCampaign,
): Promise<void> {
  const names = new Set(referenced);
  for (const entry of await readdir(folder, { withFileTypes: true }).catch(ifMissing([]))) {
    if (entry.isFile() || entry.isSymbolicLink()) names.add(entry.name);
  }
  for (const name of [...names].sort()) {
    const size = await removeFile(join(folder, name), dryRun);
    if (size === undefined) continue;
    purged.recordingsDeleted += 1;
    purged.recordingBytes += size;
  }
  if (!dryRun) await rmdir(folder).catch(() => undefined); // only when empty; fine if not
}

async function deleteReportFiles(
  campaignDir: string,
  dryRun: boolean,
  purged: PurgedCampaign,
): Promise<void> {
  const entries = await readdir(campaignDir).catch(ifMissing([] as string[]));
  // report.html's transcripts live in chunk files beside it (src/reports/transcriptChunks.ts).
  const chunks = await readdir(join(campaignDir, TRANSCRIPTS_DIR), { withFileTypes: true }).catch(
    ifMissing([]),
  );
  const names = [
    ...PERSONAL_REPORT_FILES.filter((name) => entries.includes(name)),
    ...entries.filter((name) => REPORT_TEMP_FILE.test(name)).sort(),
    ...chunks
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => join(TRANSCRIPTS_DIR, entry.name))
      .sort(),
  ];
  for (const name of names) {
    if ((await removeFile(join(campaignDir, name), dryRun)) !== undefined)
      purged.reportFilesDeleted.push(name);
  }
  if (!dryRun) await rmdir(join(campaignDir, TRANSCRIPTS_DIR)).catch(() => undefined);
}

/**
 * summary.json keeps the campaign's numbers, and for the rows that need a person, their
 * line, key, outcome and error. That error can be an API message that echoes the
 * number: it gets the same redaction as the stored results.
 */
async function redactSummaryFile(
  db: CampaignDb,
  campaignId: string,
  path: string,
  dryRun: boolean,
): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(ifMissing(undefined));
  const summary = text === undefined ? undefined : parseObject(text);
  const needsHuman = summary?.needsHuman;
  if (summary === undefined || !Array.isArray(needsHuman)) return false;
  let changed = false;
  for (const entry of needsHuman as Array<Record<string, unknown>>) {
    if (entry === null || typeof entry !== 'object' || typeof entry.error !== 'string') continue;
    const personal: string[] = [];
    if (typeof entry.rowKey === 'string') {
      const stored = await db
        .selectFrom('row_results')
        .select('result')
        .where('campaign_id', '=', campaignId)
        .where('row_key', '=', entry.rowKey)
        .executeTakeFirst();
      const doc = stored === undefined ? undefined : parseObject(stored.result);
      if (doc !== undefined) personal.push(...personalValues(doc));
    }
    const redacted = redactText(entry.error, personal);
    if (redacted !== entry.error) {
      entry.error = redacted;
      changed = true;
    }
  }
  if (changed && !dryRun) await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
  return changed;
}

/** Removes a file or symlink (never a folder); returns its size, or undefined when there was none. */
async function removeFile(path: string, dryRun: boolean): Promise<number | undefined> {
  const stats = await lstat(path).catch(ifMissing(undefined));
  if (stats === undefined || stats.isDirectory()) return undefined;
  if (!dryRun) {
    const gone = await unlink(path).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (!gone) return undefined;
  }
  return stats.size;
}

async function isLink(path: string): Promise<boolean> {
  const stats = await lstat(path).catch(ifMissing(undefined));
  return stats?.isSymbolicLink() === true;
}

function ifMissing<T>(fallback: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return fallback;
    throw error;
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// What a purged document keeps. Allow-lists, so a field added later is removed by default.

const REMOVED = '[removed]';
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/**
 * A reason or an error without personal data: every quoted excerpt (how the runner
 * quotes a cell, src/campaign/quotedExcerpt.ts) becomes `"…"`, and the row's own phone
 * number and cell values, wherever they appear (an API error may echo them), become
 * `[removed]`.
 */
export function redactText(text: string, personal: readonly string[]): string {
  let out = text.replace(QUOTED, '"…"');
  const values = [...new Set(personal.filter((value) => value.trim().length >= 3))].sort(
    (a, b) => b.length - a.length,
  );
  for (const value of values) out = out.split(value).join(REMOVED);
  return out;
}

function personalValues(doc: Record<string, unknown>): string[] {
  const values: string[] = [];
  const phone = doc.phoneE164;
  if (typeof phone === 'string' && phone !== '') values.push(phone, phone.replace(/^\+/, ''));
  const columns = doc.columns;
  if (columns !== null && typeof columns === 'object')
    for (const value of Object.values(columns)) if (typeof value === 'string') values.push(value.trim());
  return values;
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

const ROW_KEPT = ['line', 'rowKey', 'status', 'column', 'duplicateOf'] as const;

/** A campaign_rows document after purge: where the row was and what became of it, nothing of what it said. */
export function scrubRowDocument(
  text: string,
  row: { line: number; row_key: string; status: string },
): string {
  const doc = parseObject(text);
  if (doc === undefined)
    return JSON.stringify({ line: row.line, rowKey: row.row_key, status: row.status, columns: {} });
  const out: Record<string, unknown> = { ...pick(doc, ROW_KEPT), columns: {} };
  if (typeof doc.reason === 'string') out.reason = redactText(doc.reason, personalValues(doc));
  return JSON.stringify(out);
}

// The dial audit stays: it holds no number or cell, and says why each row was (not) called.
const RESULT_KEPT = [
  'campaignId',
  'rowKey',
  'line',
  'outcome',
  'goalCompleted',
  'audit',
  'recordedAt',
] as const;
const ATTEMPT_KEPT = [
  'attempt',
  'clientRequestId',
  'sid',
  'status',
  'startedAt',
  'endedAt',
  'durationS',
  'credits',
] as const;

/** A row_results document after purge: still a valid RowResult, with its outcome and attempts. */
export function scrubResultDocument(
  text: string,
  row: { campaignId: string; row_key: string; line: number; outcome: string; recorded_at: string },
): string {
  const doc = parseObject(text);
  if (doc === undefined)
    return JSON.stringify({
      campaignId: row.campaignId,
      rowKey: row.row_key,
      line: row.line,
      columns: {},
      outcome: row.outcome,
      attempts: [],
      recordedAt: row.recorded_at,
    });
  const personal = personalValues(doc);
  const out: Record<string, unknown> = { ...pick(doc, RESULT_KEPT), columns: {} };
  const summary = doc.summary;
  if (summary !== null && typeof summary === 'object' && !Array.isArray(summary)) {
    // Free text goes; flags and figures (goal_completed, scores) stay.
    const kept = Object.fromEntries(
      Object.entries(summary).filter(([, value]) => typeof value === 'boolean' || typeof value === 'number'),
    );
    out.summary = kept;
  }
  out.attempts = (Array.isArray(doc.attempts) ? doc.attempts : []).map((attempt: unknown) => {
    const source =
      attempt !== null && typeof attempt === 'object' ? (attempt as Record<string, unknown>) : {};
    const kept = pick(source, ATTEMPT_KEPT);
    if (typeof source.error === 'string') kept.error = redactText(source.error, personal);
    return kept;
  });
  if (typeof doc.error === 'string') out.error = redactText(doc.error, personal);
  const disposition = doc.disposition;
  if (disposition !== null && typeof disposition === 'object' && !Array.isArray(disposition)) {
    // The disposition stays (a report after purge must not turn a confirmed row into
    // needs_review); its captured values go, they are the patient's own words.
    const { captured: _captured, ...kept } = disposition as Record<string, unknown>;
    out.disposition = kept;
  }
  return JSON.stringify(out);
}
