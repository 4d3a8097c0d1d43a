/**
 * The benchmarks' contacts file: realistic rows (national-format Swedish mobiles,
 * quoted names, a 1% sprinkle of bad numbers and duplicates), and the campaign.json
 * that reads it. Shared by bench/validate-100k.ts and bench/storeBench.ts so both
 * measure the same file.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const BENCH_CAMPAIGN = {
  name: 'Benchmark',
  contacts: 'contacts.csv',
  idColumn: 'booking_id',
  defaultCountry: 'SE',
  call: {
    task: "Confirm {{first_name|there}}'s appointment on {{appointment_date}} at {{appointment_time}}",
  },
  callingWindow: { timezone: 'Europe/Stockholm', days: 'weekdays', start: '09:00', end: '18:00' },
  credits: { budget: 1_000_000 },
};

/** Writes `<dir>/campaign.json` and `<dir>/contacts.csv` with `count` data rows. */
export async function writeBenchCampaign(dir: string, count: number): Promise<void> {
  await writeFile(path.join(dir, 'campaign.json'), JSON.stringify(BENCH_CAMPAIGN));
  await generateContacts(path.join(dir, BENCH_CAMPAIGN.contacts), count);
}

export async function generateContacts(file: string, count: number): Promise<void> {
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
