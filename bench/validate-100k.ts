/**
 * How fast `cmc validate` gets through a big contacts file, and how much memory it
 * needs: generates a CSV (default 100,000 rows; pass another count as the first
 * argument) in a temp folder, validates it once, prints the time and the peak RSS.
 *
 *   npx tsx bench/validate-100k.ts          # 100k rows
 *   npx tsx bench/validate-100k.ts 400000   # memory should stay about the same
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateCampaign } from '../src/campaign/validateCampaign.js';
import { BENCH_CAMPAIGN, generateContacts } from './contactsCsv.js';

const rowCount = Number(process.argv[2] ?? 100_000);
const dir = await mkdtemp(path.join(tmpdir(), 'cmc-bench-'));
try {
  await writeFile(path.join(dir, 'campaign.json'), JSON.stringify(BENCH_CAMPAIGN));
  const contacts = path.join(dir, 'contacts.csv');
  await generateContacts(contacts, rowCount);
  const { size } = await stat(contacts);

  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const result = await validateCampaign(dir, { rowKeySecret: 'bench-secret' });
  const seconds = (performance.now() - started) / 1000;
  // maxRSS is the peak for the whole process (KiB), generation included.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  console.log(
    `rows:        ${result.rows.toLocaleString('en-US')} (${(size / 1024 / 1024).toFixed(1)} MiB CSV)`,
  );
  console.log(
    `valid:       ${result.valid}, invalid ${result.invalid.length}, duplicates ${result.duplicates.length}`,
  );
  console.log(
    `time:        ${seconds.toFixed(2)} s (${Math.round(result.rows / seconds).toLocaleString('en-US')} rows/s)`,
  );
  console.log(`RSS before:  ${(rssBefore / 1024 / 1024).toFixed(0)} MiB`);
  console.log(`peak RSS:    ${peakRssMiB.toFixed(0)} MiB`);
  if (!result.canRun) console.log('errors:', result.errors);
} finally {
  await rm(dir, { recursive: true, force: true });
}
