import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DialAudit } from '../../src/compliance/dialChecks.js';
import type { CampaignPlan } from '../../src/engine/campaignPlan.js';
import { generateCampaignReport } from '../../src/reports/generateCampaignReport.js';
import type { RowResult } from '../../src/results/rowResult.js';
import { DatabaseAttemptLedger } from '../../src/storage/attemptLedger.js';
import type { CampaignDb } from '../../src/storage/database.js';
import { DatabaseResultsStore } from '../../src/storage/databaseResultsStore.js';
import { directWrites } from '../../src/storage/groupCommit.js';
import {
  PreparedCampaignStore,
  type PreparedManifest,
  type StoredRow,
} from '../../src/storage/preparedCampaignStore.js';

/**
 * Campaigns in a real store for the purge tests, filled the way the runner fills it:
 * rows through PreparedCampaignStore.write, results through DatabaseResultsStore.record,
 * real recording files, and a real report from generateCampaignReport.
 *
 * Every personal value below is in PERSONAL, so a test can grep the whole store and
 * every file for it.
 */
export const PERSONAL = [
  '+46701234567',
  '46701234567',
  '+46709876543',
  '46709876543',
  'Anna Andersson',
  'Bertil Berg',
  'Cecilia Carlsson',
  '070-12',
  'Confirm the appointment',
  'I will be there',
  'Anna confirmed for Tuesday',
];

/** The clock the purge tests run at; `old` campaigns are ~60 days before it, `recent` one day. */
export const NOW = new Date('2026-03-02T12:00:00.000Z');
export const OLD_PREPARED_AT = '2026-01-01T09:00:00.000Z';
export const RECENT_PREPARED_AT = '2026-03-01T09:00:00.000Z';
export const RECORDING_BYTES = 4096;

export function plan(campaignId: string): CampaignPlan {
  return {
    campaignId,
    name: 'Appointment confirmation',
    concurrency: 2,
    callsPerMinute: 20,
    maxAttempts: 2,
    retryOn: ['busy'],
    retryDelayMs: 60_000,
    estimatePerCall: 3,
    ambiguousStart: 'unknown',
    reconcileAfterMs: 60_000,
    creditRecheckEveryMs: 60_000,
    maxCallDurationMs: 600_000,
    webhookGraceMs: 30_000,
    recordingFormat: 'mp3',
    priceWebhook: false,
    callingWindow: { timezone: 'Europe/Stockholm', days: ['mon'], startMinute: 540, endMinute: 1020 },
    totalRows: 4,
    validRows: 2,
  };
}

function rows(): StoredRow[] {
  const valid = (line: number, rowKey: string, phone: string, name: string): StoredRow => ({
    line,
    rowKey,
    status: 'valid',
    phoneE164: phone,
    columns: { name, phone, appointment: '2026-01-05 10:00' },
    call: {
      maskedPhone: '+46 70•••••67',
      timezones: ['Europe/Stockholm'],
      task: `Confirm the appointment of ${name} on 2026-01-05 10:00`,
      overrides: {},
    },
  });
  return [
    valid(2, 'r1', '+46701234567', 'Anna Andersson'),
    valid(3, 'r2', '+46709876543', 'Bertil Berg'),
    {
      line: 4,
      rowKey: 'line-4',
      status: 'invalid',
      columns: { name: 'Cecilia Carlsson', phone: '070-12', appointment: '2026-01-05 11:00' },
      column: 'phone',
      reason: '"070-12" is too short to be a phone number',
    },
    {
      line: 5,
      rowKey: 'line-5',
      status: 'duplicate',
      phoneE164: '+46701234567',
      columns: { name: 'Anna Andersson', phone: '+46701234567', appointment: '2026-01-06 10:00' },
      duplicateOf: 2,
      reason: 'duplicate of line 2 (same phone number)',
    },
  ];
}

function results(campaignId: string): RowResult[] {
  const [r1, r2] = rows() as [StoredRow, StoredRow];
  return [
    {
      campaignId,
      rowKey: 'r1',
      line: 2,
      columns: r1.columns,
      phoneE164: r1.phoneE164,
      outcome: 'completed',
      disposition: {
        disposition: 'reschedule_requested',
        rule: "reschedule_requested[0] AI's closing sentence (en)",
        captured: { proposed_time: 'when Anna Andersson is back' },
        review: true,
      },
      goalCompleted: true,
      summary: { goal_completed: true, score: 0.9, text: 'Anna confirmed for Tuesday' },
      transcript: [
        { role: 'assistant', text: 'Hello Anna Andersson, calling about your appointment', seq: 1 },
        { role: 'user', text: 'Yes, I will be there', seq: 2 },
      ],
      attempts: [
        {
          attempt: 1,
          clientRequestId: `${campaignId}:r1:1`,
          sid: 'CA-r1-1',
          status: 'completed',
          startedAt: '2026-01-01T10:00:00.000Z',
          endedAt: '2026-01-01T10:00:42.000Z',
          durationS: 42,
          credits: 3,
        },
      ],
      audit: [DIALLED],
      recording: 'recordings/r1-1.mp3',
      recordedAt: '2026-01-01T10:01:00.000Z',
    },
    {
      campaignId,
      rowKey: 'r2',
      line: 3,
      columns: r2.columns,
      phoneE164: r2.phoneE164,
      outcome: 'rejected',
      attempts: [
        {
          attempt: 1,
          clientRequestId: `${campaignId}:r2:1`,
          status: 'not_sent',
          error: 'API 400: phone_number +46709876543 is blocked for Bertil Berg',
        },
      ],
      error: 'API 400: phone_number +46709876543 is blocked for Bertil Berg',
      recordedAt: '2026-01-01T10:02:00.000Z',
    },
  ];
}

/** The dial-time checks of r1's call: no personal data, so a purge keeps them. */
export const DIALLED: DialAudit = {
  attempt: 1,
  decision: 'dialled',
  checks: [
    { check: 'window', passed: true, detail: 'inside mon,tue 08:00-20:00 in Europe/Stockholm' },
    { check: 'suppression', passed: true, detail: 'not on the suppression list' },
  ],
  firstCheckedAt: '2026-01-01T10:00:00.000Z',
  checkedAt: '2026-01-01T10:00:00.000Z',
};

export interface FixtureCampaign {
  campaignId: string;
  preparedAt: string;
  /** false: the last valid row (r2) has no result. */
  finished: boolean;
}

/** Writes one campaign with its rows, results, a recording, a stray file and a report. */
export async function addCampaign(
  db: CampaignDb,
  reportsDir: string,
  campaign: FixtureCampaign,
): Promise<void> {
  const { campaignId } = campaign;
  const prepared = new PreparedCampaignStore(db);
  const manifest: PreparedManifest = {
    plan: plan(campaignId),
    callOptions: { language: 'sv' },
    source: { campaignDir: '/campaigns/appointments', date: '2026-01-01', contactsSha256: 'abc' },
  };
  await prepared.write(
    campaignId,
    (async function* () {
      yield* rows();
    })(),
    () => manifest,
  );
  await db
    .updateTable('campaigns')
    .set({ prepared_at: campaign.preparedAt })
    .where('campaign_id', '=', campaignId)
    .execute();
  // The ledger's claim of r1's call, with the number it dialled (for frequency caps).
  const ledger = new DatabaseAttemptLedger({ db, writes: directWrites(db), dialect: 'sqlite' });
  const [r1] = rows() as [StoredRow];
  await ledger.claimWithinCaps(
    { campaignId, rowKey: 'r1', attempt: 1 },
    '2026-01-01T10:00:00.000Z',
    r1.phoneE164 as string,
    [],
  );
  const store = new DatabaseResultsStore({ db, writes: directWrites(db) });
  const all = results(campaignId);
  for (const result of campaign.finished ? all : all.slice(0, 1)) await store.record(result);

  const recordings = join(reportsDir, campaignId, 'recordings');
  await mkdir(recordings, { recursive: true });
  await writeFile(join(recordings, 'r1-1.mp3'), Buffer.alloc(RECORDING_BYTES, 0x49));
  // A download interrupted before its result was written: no result names it.
  await writeFile(join(recordings, '.r2-1.mp3.1234.abcdef.tmp'), Buffer.alloc(100, 0x49));
  await generateCampaignReport(
    { prepared, reportsDir, temporalUiUrl: 'http://localhost:8233', namespace: 'default' },
    campaignId,
  );
}

/** Everything the store holds, as text, for before/after comparisons and greps. */
export async function dumpStore(db: CampaignDb, campaignId?: string): Promise<string> {
  const tables = ['campaigns', 'campaign_rows', 'row_results', 'attempts'] as const;
  const out: string[] = [];
  for (const table of tables) {
    let query = db.selectFrom(table).selectAll();
    if (campaignId !== undefined) query = query.where('campaign_id', '=', campaignId);
    const found = (await query.execute()) as Array<Record<string, unknown>>;
    const lines = found.map((row) => JSON.stringify(row)).sort();
    out.push(`# ${table}`, ...lines);
  }
  return out.join('\n');
}

/** Every file under `dir`: path -> sha256 (or link target), for before/after comparisons. */
export async function dumpFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      const path = join(current, entry.name);
      const name = relative(dir, path);
      if (entry.isDirectory()) {
        out[`${name}/`] = 'dir';
        await walk(path);
      } else if (entry.isSymbolicLink()) out[name] = `-> ${await readlink(path)}`;
      else
        out[name] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

/** The text of every file under `dir`, joined (for greps). */
export async function allFileText(dir: string): Promise<string> {
  const texts: string[] = [];
  for (const name of Object.keys(await dumpFiles(dir))) {
    if (name.endsWith('/')) continue;
    texts.push(await readFile(join(dir, name), 'utf8').catch(() => ''));
  }
  return texts.join('\n');
}
