import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/storage/database.js';
import { addCampaign, dumpStore, PERSONAL } from '../../support/purgeFixture.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const DAY = 86_400_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('cmc purge (the CLI, as a subprocess)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  /** `npx tsx src/cli.ts purge ...args` with only the variables a user would set. */
  const purge = (...args: string[]): Promise<Run> => purgeWith({}, ...args);
  const purgeWith = (extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> =>
    new Promise((done) => {
      execFile(
        'npx',
        ['tsx', 'src/cli.ts', 'purge', ...args],
        { cwd: ROOT, env: { ...env, ...extraEnv }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          done({ code, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-purge-cli-'));
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CMC_DATA_DIR: join(dir, 'data'),
      CMC_REPORTS_DIR: join(dir, 'reports'),
      LOG_LEVEL: 'warn',
    };
    // The default store: SQLite at <CMC_DATA_DIR>/campaigns.db, as `cmc` opens it.
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'data', 'campaigns.db') });
    const old = new Date(Date.now() - 60 * DAY).toISOString();
    await addCampaign(database.db, join(dir, 'reports'), {
      campaignId: 'old-1',
      preparedAt: old,
      finished: true,
    });
    await addCampaign(database.db, join(dir, 'reports'), {
      campaignId: 'old-open',
      preparedAt: old,
      finished: false,
    });
    await database.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('purges, prints what it removed, then says there is nothing left; bad input exits 2', async () => {
    const dry = await purge('--older-than', '30d', '--dry-run', '--json');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout);
    expect(planned).toMatchObject({
      dryRun: true,
      olderThan: '30d',
      store: join(dir, 'data', 'campaigns.db'),
      totals: {
        campaigns: 1,
        rowsScrubbed: 4,
        resultsScrubbed: 2,
        recordingsDeleted: 2,
        reportFilesDeleted: 4,
      },
      skipped: { unfinished: [{ campaignId: 'old-open', rowsWithoutResult: 1 }] },
    });
    expect(existsSync(join(dir, 'reports', 'old-1', 'report.html'))).toBe(true);

    const real = await purge('--older-than', '30d');
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`in ${join(dir, 'data', 'campaigns.db')}:`);
    expect(real.stdout).toMatch(
      /old-1 \("Appointment confirmation", prepared .*\): 4 rows and 2 results scrubbed; 2 recordings \(4\.1 KiB, 4196 bytes\) deleted; 4 report files deleted \(results\.csv, results\.jsonl, report\.html, transcripts\/0001\.js\); summary\.json errors redacted/,
    );
    expect(real.stdout).toContain(
      'Purged 1 campaign: 4 rows and 2 results scrubbed, 2 recordings (4.1 KiB, 4196 bytes) and 4 report files deleted.',
    );
    expect(real.stdout).toContain('Left alone: 1 campaign not finished (old-open: 1 row without a result).');
    expect(existsSync(join(dir, 'reports', 'old-1', 'report.html'))).toBe(false);
    expect(existsSync(join(dir, 'reports', 'old-1', 'summary.json'))).toBe(true);
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'data', 'campaigns.db') });
    try {
      const stored = await dumpStore(database.db, 'old-1');
      for (const value of PERSONAL) expect(stored.includes(value), value).toBe(false);
    } finally {
      await database.close();
    }

    const again = await purge('--older-than', '30d');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to purge (already purged before)');
    expect(again.stdout).toMatch(
      /Left alone: 1 campaign already purged \(old-1 on .*\); 1 campaign not finished/,
    );

    const [hostileId, hugeAge, unknown, unfinished, noDatabase] = await Promise.all([
      purge('--older-than', '30d', '--campaign', '../x'),
      purge('--older-than', '99999999999999999d'),
      purge('--older-than', '30d', '--campaign', 'no-such-campaign'),
      purge('--older-than', '30d', '--campaign', 'old-open'),
      // Nothing listens on port 1: the store cannot be opened, and its password is never printed.
      purgeWith({ CMC_DATABASE_URL: 'postgres://cmc:s3cr%40t-pw@127.0.0.1:1/cmc' }, '--older-than', '30d'),
    ]);
    expect(hostileId).toMatchObject({ code: 2, stdout: '' });
    expect(hostileId.stderr).toBe(
      'cmc: --campaign: "../x" is not a campaign ID (letters, digits, . _ -; no "..")\n',
    );
    expect(hugeAge).toMatchObject({ code: 2, stdout: '' });
    expect(hugeAge.stderr).toBe(
      'cmc: --older-than: "99999999999999999d" is too large: a duration may be at most 3650d\n',
    );
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('cmc: no campaign no-such-campaign in the campaign store');
    expect(unfinished.code).toBe(1);
    expect(unfinished.stderr).toBe(
      'cmc: campaign old-open is not finished: 1 valid row(s) have no result yet\n',
    );
    expect(noDatabase.code).toBe(3);
    expect(noDatabase.stderr).toMatch(
      /^cmc: cannot open the campaign store \(postgres 127\.0\.0\.1:1\/cmc\): /,
    );
    expect(noDatabase.stderr + noDatabase.stdout).not.toMatch(/s3cr|postgres:\/\//);
    for (const run of [hostileId, hugeAge, unknown, unfinished, noDatabase])
      expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
