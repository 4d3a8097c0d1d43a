import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../../../src/commands/exitCodes.js';
import { type ExportOptions, exportCampaign } from '../../../src/commands/export.js';
import { APPOINTMENT_CONFIRMATION } from '../../../src/dispositions/defaultDispositions.js';
import { generateCampaignReport } from '../../../src/reports/generateCampaignReport.js';
import type { WrittenReport } from '../../../src/reports/writeReport.js';
import { type CampaignStore, openCampaignStore } from '../../../src/storage/campaignStore.js';
import type { PreparedManifest } from '../../../src/storage/preparedCampaignStore.js';
import { plan } from '../../support/purgeFixture.js';
import {
  CAMPAIGN,
  dispositionCampaign,
  HOSTILE_CAPTURED,
  ID_COLUMN,
} from '../reports/dispositionFixtures.js';
import { asyncOf } from '../reports/reportFixtures.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * `cmc export` against a real SQLite campaign store, filled as the runner fills it:
 * rows through PreparedCampaignStore.write, results through DatabaseResultsStore.record.
 */
describe('cmc export', () => {
  let dir: string;
  let store: CampaignStore;
  let report: WrittenReport;

  /** Runs the export to stdout and returns what was written there. */
  const toStdout = async (options: ExportOptions) => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const summary = await exportCampaign(store, CAMPAIGN, options, stdout);
    return { summary, text: Buffer.concat(chunks).toString('utf8') };
  };
  const refusal = async (campaignId: string, options: ExportOptions) => {
    const error = await exportCampaign(store, campaignId, options, new PassThrough()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-export-'));
    // The default store, as `cmc` opens it: SQLite at <CMC_DATA_DIR>/campaigns.db.
    store = await openCampaignStore({ CMC_DATA_DIR: join(dir, 'data') });
    const { rows, results } = dispositionCampaign();
    const manifest: PreparedManifest = {
      plan: plan(CAMPAIGN),
      callOptions: {},
      source: { campaignDir: '/campaigns/recall', date: '2026-02-14' },
      dispositions: [...APPOINTMENT_CONFIRMATION],
      idColumn: ID_COLUMN,
    };
    await store.prepared.write(CAMPAIGN, asyncOf(rows), () => manifest);
    for (const result of results) await store.results.record(result);
    report = await generateCampaignReport(
      { prepared: store.prepared, reportsDir: join(dir, 'reports'), temporalUiUrl: '', namespace: 'default' },
      CAMPAIGN,
    );
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every row exactly as results.csv and results.jsonl have them', async () => {
    const csv = await toStdout({ format: 'csv' });
    expect(csv.text).toBe(await readFile(report.files.csv, 'utf8'));
    expect(csv.summary).toMatchObject({ rows: 10, file: null, only: null });
    const jsonl = await toStdout({ format: 'jsonl' });
    expect(jsonl.text).toBe(await readFile(report.files.jsonl, 'utf8'));
  });

  it('keeps only the rows with the dispositions --only names, in file order', async () => {
    const { text, summary } = await toStdout({ format: 'csv', only: 'needs_review, reschedule_requested' });
    const [header, ...body] = parse(text, { bom: true }) as string[][];
    const column = (name: string) => (header as string[]).indexOf(name);
    expect(body.map((r) => [r[column('line')], r[column('disposition')]])).toEqual([
      ['2', 'reschedule_requested'],
      ['7', 'needs_review'],
      ['8', 'reschedule_requested'],
    ]);
    expect(body.map((r) => r[column(ID_COLUMN)])).toEqual(['B-1002', 'B-1007', 'B-1008']);
    expect(header?.slice(0, 3)).toEqual(['booking_id', 'name', 'phone']);
    expect(body[2]?.[column('proposed_time')]).toBe(`'${HOSTILE_CAPTURED}`); // still spreadsheet-safe
    expect(summary).toMatchObject({ rows: 3, only: ['needs_review', 'reschedule_requested'] });

    const never = await toStdout({ format: 'jsonl', only: 'not_called' });
    expect(
      never.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).line),
    ).toEqual([4, 5, 11]);
  });

  it('writes --out atomically and leaves no temp or scratch file', async () => {
    const outDir = join(dir, 'out');
    const summary = await exportCampaign(
      store,
      CAMPAIGN,
      { format: 'jsonl', only: 'opted_out', out: join(outDir, 'opted-out.jsonl') },
      new PassThrough(),
    );
    expect(summary).toMatchObject({ rows: 1, file: join(outDir, 'opted-out.jsonl') });
    const lines = (await readFile(join(outDir, 'opted-out.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).disposition.disposition)).toEqual(['opted_out']);
    await exportCampaign(store, CAMPAIGN, { format: 'csv', out: join(outDir, 'all.csv') }, new PassThrough());
    expect(await readFile(join(outDir, 'all.csv'), 'utf8')).toBe(await readFile(report.files.csv, 'utf8'));
    expect((await readdir(outDir)).sort()).toEqual(['all.csv', 'opted-out.jsonl']);
  });

  it('refuses a disposition the campaign does not have, listing the ones it has (exit 2)', async () => {
    const error = await refusal(CAMPAIGN, { format: 'csv', only: 'needs_review,rebook,maybe' });
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe(
      "--only has unknown disposition(s): rebook, maybe; this campaign's dispositions are: opted_out, " +
        'wrong_person, cancel_requested, reschedule_requested, confirmed, voicemail, unreachable, failed, ' +
        'not_called, needs_review',
    );
    expect((await refusal(CAMPAIGN, { format: 'csv', only: ' , ' })).exitCode).toBe(ExitCode.usage);
  });

  it('says an unknown campaign is not in the store (exit 4)', async () => {
    const error = await refusal('no-such-campaign', { format: 'csv' });
    expect(error.exitCode).toBe(ExitCode.notFound);
    expect(error.message).toContain('no campaign "no-such-campaign" in ');
    expect((await refusal('../etc', { format: 'csv' })).exitCode).toBe(ExitCode.notFound);
  });

  describe('through the CLI (npx tsx src/cli.ts export, as a subprocess)', { timeout: 60_000 }, () => {
    const cmcExport = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((done) => {
        execFile(
          'npx',
          ['tsx', 'src/cli.ts', 'export', ...args],
          {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              CMC_DATA_DIR: join(dir, 'data'),
              LOG_LEVEL: 'warn',
            },
            timeout: 60_000,
          },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
            done({ code, stdout, stderr });
          },
        );
      });

    it('writes the review rows to stdout; bad names exit 2, an unknown campaign 4, without stack traces', async () => {
      const ok = await cmcExport(CAMPAIGN, '--format', 'csv', '--only', 'opted_out');
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      const [header, ...body] = parse(ok.stdout, { bom: true }) as string[][];
      expect(body.map((r) => r[(header as string[]).indexOf('line')])).toEqual(['10']);

      const bad = await cmcExport(CAMPAIGN, '--format', 'csv', '--only', 'rebook');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('cmc: --only has unknown disposition(s): rebook;');
      expect(bad.stdout).toBe('');

      const unknown = await cmcExport('no-such-campaign', '--format', 'jsonl');
      expect(unknown.code).toBe(4);
      expect(unknown.stderr).toContain('cmc: no campaign "no-such-campaign"');

      const format = await cmcExport(CAMPAIGN, '--format', 'xlsx');
      expect(format.code).toBe(2);
      for (const run of [bad, unknown, format]) expect(run.stderr).not.toMatch(/\n\s+at /);
    });

    it('has --help with examples', async () => {
      const help = await cmcExport('--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: cmc export [options] <id>');
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toContain('--only');
    });
  });
});
