import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { ContactRow } from '../../../src/campaign/contactRow.js';
import { type LoadedCampaign, loadCampaign } from '../../../src/campaign/loadCampaign.js';
import { type ReadContactsOptions, readContacts } from '../../../src/campaign/readContacts.js';

/** Builds throw-away campaign folders for tests, from inline CSV text or the files in test/fixtures. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const ROW_KEY_SECRET = 'test-row-key-secret';

export const BASE_CAMPAIGN = {
  name: 'Test campaign',
  contacts: 'contacts.csv',
  defaultCountry: 'SE',
  call: { task: 'Confirm the appointment of {{first_name|there}}.' },
  callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
  credits: { budget: 1000 },
} as const;

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export interface CampaignFiles {
  /** campaign.json content (an object is written as JSON); default BASE_CAMPAIGN. */
  config?: object | string;
  /** contacts.csv content, or { fixture: 'contacts/x.csv' } to copy one. */
  contacts?: string | Buffer | { fixture: string };
  /** Other files in the folder, by name. */
  files?: Record<string, string | Buffer | { fixture: string }>;
}

export async function makeCampaignDir(files: CampaignFiles = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cmc-campaign-'));
  made.push(dir);
  const config = files.config ?? BASE_CAMPAIGN;
  await writeFile(
    path.join(dir, 'campaign.json'),
    typeof config === 'string' ? config : JSON.stringify(config),
  );
  const all = { ...(files.contacts === undefined ? {} : { 'contacts.csv': files.contacts }), ...files.files };
  for (const [name, content] of Object.entries(all)) {
    const target = path.join(dir, name);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof content === 'object' && 'fixture' in content)
      await copyFile(path.join(FIXTURES, content.fixture), target);
    else await writeFile(target, content);
  }
  return dir;
}

export async function makeCampaign(files: CampaignFiles = {}): Promise<LoadedCampaign> {
  return loadCampaign(await makeCampaignDir(files));
}

export async function collectRows(
  campaign: LoadedCampaign,
  options: Partial<ReadContactsOptions> = {},
): Promise<ContactRow[]> {
  const rows: ContactRow[] = [];
  for await (const row of readContacts(campaign, { rowKeySecret: ROW_KEY_SECRET, ...options }))
    rows.push(row);
  return rows;
}

/** Campaign config with some keys replaced. */
export function campaignWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...BASE_CAMPAIGN, ...changes };
}
