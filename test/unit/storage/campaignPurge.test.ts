import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCampaignReport } from '../../../src/reports/generateCampaignReport.js';
import { UnsafePathSegmentError } from '../../../src/results/pathSegment.js';
import {
  PurgeCampaignNotFoundError,
  type PurgeOptions,
  purgeCampaigns,
  redactText,
} from '../../../src/storage/campaignPurge.js';
import { type OpenDatabase, openDatabase } from '../../../src/storage/database.js';
import { DatabaseResultsStore } from '../../../src/storage/databaseResultsStore.js';
import { PreparedCampaignStore } from '../../../src/storage/preparedCampaignStore.js';
import {
  addCampaign,
  allFileText,
  DIALLED,
  dumpFiles,
  dumpStore,
  NOW,
  OLD_PREPARED_AT,
  PERSONAL,
  RECENT_PREPARED_AT,
  RECORDING_BYTES,
} from '../../support/purgeFixture.js';

const DAY = 86_400_000;

describe('purgeCampaigns (SQLite store, real files)', () => {
  let dir: string;
  let reportsDir: string;
  let database: OpenDatabase;
  let outside: string;

  const options = (extra: Partial<PurgeOptions> = {}): PurgeOptions => ({
    olderThanMs: 30 * DAY,
    now: NOW,
    reportsDir,
    dryRun: false,
    ...extra,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-purge-'));
    reportsDir = join(dir, 'reports');
    database = await openDatabase({ kind: 'sqlite', path: join(dir, 'campaigns.db') });
    const db = database.db;
    await addCampaign(db, reportsDir, { campaignId: 'old-1', preparedAt: OLD_PREPARED_AT, finished: true });
    await addCampaign(db, reportsDir, { campaignId: 'old-2', preparedAt: OLD_PREPARED_AT, finished: true });
    await addCampaign(db, reportsDir, {
      campaignId: 'old-open',
      preparedAt: OLD_PREPARED_AT,
      finished: false,
    });
    await addCampaign(db, reportsDir, {
      campaignId: 'recent',
      preparedAt: RECENT_PREPARED_AT,
      finished: true,
    });
    // A hostile link in a recordings folder: purge removes the link, never what it points at.
    outside = join(dir, 'not-a-recording.txt');
    await writeFile(outside, 'keep me');
    await symlink(outside, join(reportsDir, 'old-1', 'recordings', 'evil-link.mp3'));
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('removes the numbers, columns, transcripts and recordings of an old finished campaign, keeping its outcomes', async () => {
    const before = await readFile(join(reportsDir, 'old-1', 'summary.json'), 'utf8');
    // The fixture really holds every personal value, in the store and in the report files.
    const storedBefore = await dumpStore(database.db, 'old-1');
    const filesBefore = await allFileText(join(reportsDir, 'old-1'));
    for (const value of PERSONAL) expect(storedBefore.includes(value), value).toBe(true);
    // The task text never reaches a report; everything else does.
    for (const value of PERSONAL.filter((v) => v !== 'Confirm the appointment'))
      expect(filesBefore.includes(value), value).toBe(true);
    expect(filesBefore.includes('keep me')).toBe(true); // through the link
    const summary = await purgeCampaigns(database.db, options({ campaignId: 'old-1' }));

    expect(summary.purged).toEqual([
      {
        campaignId: 'old-1',
        name: 'Appointment confirmation',
        preparedAt: OLD_PREPARED_AT,
        rowsScrubbed: 4,
        resultsScrubbed: 2,
        recordingsDeleted: 3, // the recording its result names, the stray temp file, the link
        recordingBytes: RECORDING_BYTES + 100 + outside.length,
        reportFilesDeleted: ['results.csv', 'results.jsonl', 'report.html', 'transcripts/0001.js'],
        summaryRedacted: true,
      },
    ]);

    // Not one personal value left anywhere in the campaign's rows and results, nor its files.
    const stored = await dumpStore(database.db, 'old-1');
    const files = await allFileText(join(reportsDir, 'old-1'));
    for (const value of PERSONAL) {
      expect(stored.includes(value), value).toBe(false);
      expect(files.includes(value), value).toBe(false);
    }
    expect(stored).not.toMatch(/transcript|"task"/);
    expect(Object.keys(await dumpFiles(join(reportsDir, 'old-1')))).toEqual(['summary.json']);
    expect(await readFile(outside, 'utf8')).toBe('keep me');

    // What the campaign amounted to is still there, and still reads as valid results.
    const results = new DatabaseResultsStore(database);
    const r1 = await results.get('old-1', 'r1');
    expect(r1).toEqual({
      campaignId: 'old-1',
      rowKey: 'r1',
      line: 2,
      outcome: 'completed',
      // The disposition stays, without the patient's captured words.
      disposition: {
        disposition: 'reschedule_requested',
        rule: "reschedule_requested[0] AI's closing sentence (en)",
        review: true,
      },
      goalCompleted: true,
      recordedAt: '2026-01-01T10:01:00.000Z',
      columns: {},
      summary: { goal_completed: true, score: 0.9 },
      attempts: [
        {
          attempt: 1,
          clientRequestId: 'old-1:r1:1',
          sid: 'CA-r1-1',
          status: 'completed',
          startedAt: '2026-01-01T10:00:00.000Z',
          endedAt: '2026-01-01T10:00:42.000Z',
          durationS: 42,
          credits: 3,
        },
      ],
      // Why the row was called stays too: it names no number and no cell.
      audit: [DIALLED],
    });
    const r2 = await results.get('old-1', 'r2');
    expect(r2?.outcome).toBe('rejected');
    expect(r2?.error).toBe('API 400: phone_number [removed] is blocked for [removed]');
    expect(r2?.attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'not_sent']]);

    const prepared = new PreparedCampaignStore(database.db);
    const rows = [];
    for await (const { row } of prepared.reportEntries('old-1')) rows.push(row);
    expect(rows).toEqual([
      { line: 2, rowKey: 'r1', status: 'valid', columns: {} },
      { line: 3, rowKey: 'r2', status: 'valid', columns: {} },
      {
        line: 4,
        rowKey: 'line-4',
        status: 'invalid',
        column: 'phone',
        columns: {},
        reason: '"…" is too short to be a phone number',
      },
      {
        line: 5,
        rowKey: 'line-5',
        status: 'duplicate',
        duplicateOf: 2,
        columns: {},
        reason: 'duplicate of line 2 (same phone number)',
      },
    ]);
    const manifest = await prepared.readManifest('old-1');
    expect(manifest?.plan.name).toBe('Appointment confirmation');
    expect((manifest as unknown as { purgedAt: string }).purgedAt).toBe(NOW.toISOString());

    // summary.json keeps every count; only the error it quotes lost the number.
    const after = JSON.parse(await readFile(join(reportsDir, 'old-1', 'summary.json'), 'utf8'));
    const original = JSON.parse(before);
    expect(after).toEqual({
      ...original,
      needsHuman: [
        { ...original.needsHuman[0], error: 'API 400: phone_number [removed] is blocked for [removed]' },
      ],
    });
    expect(after.totalRows).toBe(4);
    expect(after.outcomes.completed).toBe(1);
  });

  it('leaves a campaign whose report can still be written, with every outcome and nothing personal', async () => {
    await purgeCampaigns(database.db, options({ campaignId: 'old-1' }));
    const report = await generateCampaignReport(
      {
        prepared: new PreparedCampaignStore(database.db),
        reportsDir,
        temporalUiUrl: 'http://localhost:8233',
        namespace: 'default',
      },
      'old-1',
    );
    expect(report.summary.totalRows).toBe(4);
    expect(report.summary.outcomes).toMatchObject({ completed: 1, rejected: 1, invalid: 1, duplicate: 1 });
    expect(report.summary.credits.spent).toBe(3);
    const files = await allFileText(join(reportsDir, 'old-1'));
    for (const value of PERSONAL) expect(files.includes(value), value).toBe(false);
  });

  it('leaves a recent campaign and an unfinished one untouched, and says why', async () => {
    const recentBefore = await dumpStore(database.db, 'recent');
    const openBefore = await dumpStore(database.db, 'old-open');
    const filesBefore = {
      recent: await dumpFiles(join(reportsDir, 'recent')),
      open: await dumpFiles(join(reportsDir, 'old-open')),
    };

    const summary = await purgeCampaigns(database.db, options());

    expect(summary.purged.map((c) => c.campaignId)).toEqual(['old-1', 'old-2']);
    expect(summary.skipped).toEqual({
      recent: ['recent'],
      unfinished: [{ campaignId: 'old-open', rowsWithoutResult: 1 }],
      alreadyPurged: [],
    });
    expect(summary.cutoff).toBe(new Date(NOW.getTime() - 30 * DAY).toISOString());
    expect(await dumpStore(database.db, 'recent')).toBe(recentBefore);
    expect(await dumpStore(database.db, 'old-open')).toBe(openBefore);
    expect(await dumpFiles(join(reportsDir, 'recent'))).toEqual(filesBefore.recent);
    expect(await dumpFiles(join(reportsDir, 'old-open'))).toEqual(filesBefore.open);
    expect(await dumpStore(database.db, 'recent')).toContain('Anna Andersson');
  });

  it('with campaignId, purges only that campaign', async () => {
    const otherBefore = await dumpStore(database.db, 'old-2');
    const summary = await purgeCampaigns(database.db, options({ campaignId: 'old-1' }));
    expect(summary.purged.map((c) => c.campaignId)).toEqual(['old-1']);
    expect(summary.skipped).toEqual({ recent: [], unfinished: [], alreadyPurged: [] });
    expect(await dumpStore(database.db, 'old-2')).toBe(otherBefore);
    expect(existsSync(join(reportsDir, 'old-2', 'recordings', 'r1-1.mp3'))).toBe(true);
    expect(existsSync(join(reportsDir, 'old-2', 'report.html'))).toBe(true);
  });

  it('in a dry run reports exactly what a real run removes, and changes nothing', async () => {
    const storeBefore = await dumpStore(database.db);
    const filesBefore = await dumpFiles(reportsDir);

    const dry = await purgeCampaigns(database.db, options({ dryRun: true }));
    expect(await dumpStore(database.db)).toBe(storeBefore);
    expect(await dumpFiles(reportsDir)).toEqual(filesBefore);

    const real = await purgeCampaigns(database.db, options());
    expect({ ...dry, dryRun: false }).toEqual(real);
    expect(dry.dryRun).toBe(true);
    expect(real.totals).toEqual({
      campaigns: 2,
      rowsScrubbed: 8,
      resultsScrubbed: 4,
      recordingsDeleted: 5,
      recordingBytes: 2 * (RECORDING_BYTES + 100) + outside.length,
      reportFilesDeleted: 8,
    });
  });

  it('is a no-op the second time, and says the campaigns were purged already', async () => {
    await purgeCampaigns(database.db, options());
    const storeBefore = await dumpStore(database.db);
    const filesBefore = await dumpFiles(reportsDir);

    const again = await purgeCampaigns(database.db, options());
    expect(again.purged).toEqual([]);
    expect(again.totals).toEqual({
      campaigns: 0,
      rowsScrubbed: 0,
      resultsScrubbed: 0,
      recordingsDeleted: 0,
      recordingBytes: 0,
      reportFilesDeleted: 0,
    });
    expect(again.skipped.alreadyPurged).toEqual([
      { campaignId: 'old-1', purgedAt: NOW.toISOString() },
      { campaignId: 'old-2', purgedAt: NOW.toISOString() },
    ]);
    expect(await dumpStore(database.db)).toBe(storeBefore);
    expect(await dumpFiles(reportsDir)).toEqual(filesBefore);
  });

  it('finishes a purge that stopped before its marker, without counting anything twice', async () => {
    await purgeCampaigns(database.db, options({ campaignId: 'old-1' }));
    // As if the process died after scrubbing, before writing purgedAt.
    const row = await database.db
      .selectFrom('campaigns')
      .select('manifest')
      .where('campaign_id', '=', 'old-1')
      .executeTakeFirstOrThrow();
    const { purgedAt: _gone, ...unmarked } = JSON.parse(row.manifest);
    await database.db
      .updateTable('campaigns')
      .set({ manifest: JSON.stringify(unmarked) })
      .where('campaign_id', '=', 'old-1')
      .execute();

    const resumed = await purgeCampaigns(database.db, options({ campaignId: 'old-1' }));
    expect(resumed.purged[0]).toMatchObject({
      rowsScrubbed: 0,
      resultsScrubbed: 0,
      recordingsDeleted: 0,
      reportFilesDeleted: [],
      summaryRedacted: false,
    });
    expect(
      (await purgeCampaigns(database.db, options({ campaignId: 'old-1' }))).skipped.alreadyPurged,
    ).toHaveLength(1);
  });

  it('never deletes through a recordings folder that is a link, and keeps reporting the campaign until fixed', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'precious.mp3'), 'not ours');
    await rm(join(reportsDir, 'old-2', 'recordings'), { recursive: true });
    await symlink(elsewhere, join(reportsDir, 'old-2', 'recordings'));

    const first = await purgeCampaigns(database.db, options({ campaignId: 'old-2' }));
    expect(first.purged[0]).toMatchObject({ recordingsDeleted: 0, reportFilesDeleted: [] });
    expect(first.warnings).toEqual([
      'old-2: its reports or recordings folder is a symbolic link, its files were not touched',
      'old-2: not marked purged while its files are left; every run reports it until they are gone',
    ]);
    expect(await readFile(join(elsewhere, 'precious.mp3'), 'utf8')).toBe('not ours');
    expect(existsSync(join(reportsDir, 'old-2', 'report.html'))).toBe(true);
    // The store is scrubbed all the same; the next run reports the campaign again.
    const stored = await dumpStore(database.db, 'old-2');
    for (const value of PERSONAL) expect(stored.includes(value), value).toBe(false);
    const again = await purgeCampaigns(database.db, options({ campaignId: 'old-2' }));
    expect(again.purged.map((c) => c.campaignId)).toEqual(['old-2']);
    expect(again.skipped.alreadyPurged).toEqual([]);
  });

  it('refuses an unknown campaign and a campaign ID that could leave the reports folder', async () => {
    await expect(purgeCampaigns(database.db, options({ campaignId: 'nope' }))).rejects.toThrow(
      PurgeCampaignNotFoundError,
    );
    for (const hostile of ['../x', '..', 'a/b', '.hidden', ''])
      await expect(purgeCampaigns(database.db, options({ campaignId: hostile }))).rejects.toThrow(
        UnsafePathSegmentError,
      );
    await expect(
      purgeCampaigns(database.db, options({ olderThanMs: Number.POSITIVE_INFINITY })),
    ).rejects.toThrow(RangeError);
    expect(existsSync(join(reportsDir, 'old-1', 'report.html'))).toBe(true);
  });
});

describe('redactText', () => {
  it('blanks quoted excerpts and the row own values, longest first', () => {
    expect(redactText('"+4670 12" is not a valid number (SE)', [])).toBe('"…" is not a valid number (SE)');
    expect(
      redactText('call to 46701234567 for Anna Andersson failed', ['46701234567', 'Anna', 'Anna Andersson']),
    ).toBe('call to [removed] for [removed] failed');
    // Values too short to be personal would blank ordinary words.
    expect(redactText('busy on attempt 2', ['2', 'on'])).toBe('busy on attempt 2');
  });
});
