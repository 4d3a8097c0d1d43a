import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CampaignFileError, loadCampaign } from '../../../src/campaign/loadCampaign.js';
import { type CliError, ExitCode } from '../../../src/commands/exitCodes.js';
import { campaignWith, collectRows, makeCampaignDir } from './campaignFixture.js';
import { runValidate } from './runValidate.js';

/**
 * Every file campaign.json names must be a regular file inside the campaign folder:
 * a path that escapes it (.., an absolute path, a symlink) is refused by name, and
 * nothing is read from it, so its content can never reach an error message.
 */
const CSV = 'first_name,phone_number\nAnna,070-174 06 01\n';

const outside: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(outside.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A folder next to the campaign's, holding a perfectly good contacts file. */
async function outsideFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cmc-outside-'));
  outside.push(dir);
  await writeFile(path.join(dir, 'contacts.csv'), CSV);
  await writeFile(path.join(dir, 'contacts-2026-03-04.csv'), CSV);
  return dir;
}

async function loadIssues(dir: string, options = {}) {
  const error = await loadCampaign(dir, options).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CampaignFileError);
  return (error as CampaignFileError).issues;
}

describe('campaign files stay in their folder', () => {
  it('refuses contacts "/proc/self/environ" and prints none of the environment', async () => {
    const dir = await makeCampaignDir({ config: campaignWith({ contacts: '/proc/self/environ' }) });
    const { stdout, error } = await runValidate(dir);
    expect((error as CliError).exitCode).toBe(ExitCode.failure);
    expect(stdout).toContain('contacts: "/proc/self/environ" resolves outside the campaign folder');
    expect(stdout).not.toMatch(/PATH=|HOME=/);

    const json = await runValidate(dir, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      canRun: false,
      errors: [{ path: 'contacts', message: expect.stringMatching(/resolves outside the campaign folder/) }],
    });
    expect(json.stdout).not.toMatch(/PATH=|HOME=/);
  });

  it('refuses "../../etc/passwd" as contacts or as a suppression list', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ contacts: '../../etc/passwd', suppression: ['ok.csv', '../../etc/passwd'] }),
      files: { 'ok.csv': '+46701740601\n' },
    });
    const { stdout } = await runValidate(dir);
    expect(stdout).toContain('contacts: "../../etc/passwd" resolves outside the campaign folder');
    expect(stdout).toContain('suppression[1]: "../../etc/passwd" resolves outside the campaign folder');
    expect(stdout).not.toContain('root:');
    expect((await loadIssues(dir)).map((issue) => issue.path)).toEqual(['contacts', 'suppression[1]']);
  });

  it('refuses an absolute path outside the folder, even to a good CSV', async () => {
    const elsewhere = path.join(await outsideFolder(), 'contacts.csv');
    const dir = await makeCampaignDir({ config: campaignWith({ contacts: elsewhere }) });
    expect(await loadIssues(dir)).toEqual([
      { path: 'contacts', message: `${JSON.stringify(elsewhere)} resolves outside the campaign folder` },
    ]);
  });

  it('accepts an absolute path that is inside the folder', async () => {
    const dir = await makeCampaignDir({ contacts: CSV });
    await writeFile(
      path.join(dir, 'campaign.json'),
      JSON.stringify(campaignWith({ contacts: path.join(dir, 'contacts.csv') })),
    );
    const campaign = await loadCampaign(dir);
    expect(campaign.contactsPath).toBe(path.join(dir, 'contacts.csv'));
  });

  it('refuses a symlink inside the folder that points outside it, file or folder', async () => {
    const elsewhere = await outsideFolder();
    const dir = await makeCampaignDir({
      config: campaignWith({ suppression: ['exports/contacts.csv', 'exports/not-there.csv'] }),
    });
    await symlink('/etc/passwd', path.join(dir, 'contacts.csv'));
    await symlink(elsewhere, path.join(dir, 'exports'));
    const issues = await loadIssues(dir);
    expect(issues).toEqual([
      {
        path: 'contacts',
        message: '"contacts.csv" resolves outside the campaign folder (through a symlink)',
      },
      {
        path: 'suppression[0]',
        message: '"exports/contacts.csv" resolves outside the campaign folder (through a symlink)',
      },
      // Not "file not found": that would say what does and does not exist out there.
      {
        path: 'suppression[1]',
        message: '"exports/not-there.csv" resolves outside the campaign folder (through a symlink)',
      },
    ]);
  });

  it('follows a symlink that stays inside the folder', async () => {
    const dir = await makeCampaignDir({ files: { 'data/real.csv': CSV } });
    await symlink(path.join('data', 'real.csv'), path.join(dir, 'contacts.csv'));
    const campaign = await loadCampaign(dir);
    expect(campaign.contactsPath).toBe(path.join(dir, 'data', 'real.csv'));
    expect((await collectRows(campaign)).map((row) => row.status)).toEqual(['valid']);
  });

  it('refuses a folder and a FIFO without opening them', async () => {
    const dir = await makeCampaignDir({ config: campaignWith({ suppression: ['pipe.csv'] }) });
    await mkdir(path.join(dir, 'contacts.csv'));
    // Opening a FIFO with no writer blocks forever: this test would time out.
    execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]);
    expect(await loadIssues(dir)).toEqual([
      { path: 'contacts', message: '"contacts.csv" is a folder, not a file' },
      { path: 'suppression[0]', message: '"pipe.csv" is a FIFO (named pipe), not a regular file' },
    ]);
  }, 5_000);

  it('holds campaign.json itself to the same rule', async () => {
    const elsewhere = await outsideFolder();
    await writeFile(path.join(elsewhere, 'secret.txt'), 'root:x:0:0:root:/root:/bin/bash\n');
    const linked = await makeCampaignDir();
    await rm(path.join(linked, 'campaign.json'));
    await symlink(path.join(elsewhere, 'secret.txt'), path.join(linked, 'campaign.json'));
    const { stdout } = await runValidate(linked);
    expect(stdout).toContain('campaign.json: resolves outside the campaign folder (through a symlink)');
    expect(stdout).not.toContain('root:');

    const piped = await makeCampaignDir();
    await rm(path.join(piped, 'campaign.json'));
    execFileSync('mkfifo', [path.join(piped, 'campaign.json')]);
    expect(await loadIssues(piped)).toEqual([
      { path: '', message: 'is a FIFO (named pipe), not a regular file' },
    ]);
  }, 5_000);

  it('refuses a path with a control character in it', async () => {
    const dir = await makeCampaignDir({
      config: campaignWith({ contacts: 'contacts.csv\u0000.txt' }),
      contacts: CSV,
    });
    expect(await loadIssues(dir)).toEqual([
      { path: 'contacts', message: '"contacts.csv\\u0000.txt" contains a control character' },
    ]);
  });

  it('checks a {{date}} contacts path after filling in the date, and lists nothing outside', async () => {
    const elsewhere = await outsideFolder();
    const relative = path.relative(tmpdir(), elsewhere);
    const dir = await makeCampaignDir({
      config: campaignWith({ contacts: `../${relative}/contacts-{{date}}.csv` }),
    });
    const there = await loadIssues(dir, { date: '2026-03-04' });
    expect(there).toEqual([
      {
        path: 'contacts',
        message: `"../${relative}/contacts-{{date}}.csv" (for 2026-03-04: "../${relative}/contacts-2026-03-04.csv") resolves outside the campaign folder`,
      },
    ]);
    // A date with no file out there gets the same answer, and no "files there: ..." listing.
    const missing = await loadIssues(dir, { date: '2026-03-05' });
    expect(missing[0]?.message).toMatch(/resolves outside the campaign folder$/);
    expect(missing[0]?.message).not.toContain('files there');
    // Nor may cmc schedule take it for a daily export that is not there yet.
    expect(missing[0]?.datedContactsMissing).toBeUndefined();
  });

  it('never lets a date reach the path unless it is a real YYYY-MM-DD', async () => {
    const dir = await makeCampaignDir({ config: campaignWith({ contacts: 'c-{{date}}.csv' }) });
    for (const date of ['../../etc/passwd', '2026-03-04/../../x', '2026-03-04\u0000']) {
      expect((await loadIssues(dir, { date }))[0]?.message).toMatch(/not a real date/);
    }
  });
});
