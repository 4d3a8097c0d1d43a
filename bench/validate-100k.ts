/**
 * How fast `cmc validate` gets through a big contacts file, and how much memory it
 * needs: generates a CSV (default 100,000 rows; pass another count as the first
 * argument) in a temp folder, validates it once, prints the time and the peak RSS.
 *
 *   npx tsx bench/validate-100k.ts          # 100k rows
 *   npx tsx bench/validate-100k.ts 400000   # memory should stay about the same
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateCampaign } from '../src/campaign/validateCampaign.js';

const rowCount = Number(process.argv[2] ?? 100_000);
const dir = await mkdtemp(path.join(tmpdir(), 'cmc-bench-'));
try {
  await writeFile(
    path.join(dir, 'campaign.json'),
    JSON.stringify({
      name: 'Benchmark',
      contacts: 'contacts.csv',
      idColumn: 'booking_id',
      defaultCountry: 'SE',
      call: {
        task: "Confirm {{first_name|there}}'s appointment on {{appointment_date}} at {{appointment_time}}",
      },
      callingWindow: { timezone: 'Europe/Stockholm', days: 'weekdays', start: '09:00', end: '18:00' },
      credits: { budget: 1_000_000 },
    }),
  );
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

/** Realistic rows: national-format Swedish mobiles, quoted names, a 1% sprinkle of bad numbers and duplicates. */
async function generateContacts(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('booking_id,first_name,phone_number,appointment_date,appointment_time,clinic\r\n');
  for (let n = 1; n <= count; n++) {
    const digits = String(1_000_000 + (n % 100 === 0 ? n - 1 : n)).slice(-7);
    const phone =
      n % 97 === 0 ? '070-12' : `070-${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;
    const name = n % 10 === 0 ? '' : `"Förnamn ${n}"`;
    await write(
      `BK-${n},${name},${phone},2026-03-${String((n % 28) + 1).padStart(2, '0')},09:${String(n % 60).padStart(2, '0')},"Demo, clinic ${n % 7}"\r\n`,
    );
  }
  out.end();
  await once(out, 'finish');
}
