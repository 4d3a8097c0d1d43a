/**
 * What-if measurements for bench/storeBench.ts: the same work done the way src/ does it
 * today and one or two other ways, side by side in one child process, so a suggested
 * fix comes with a measured effect. Nothing here is the product; src/ is not changed.
 *
 * - report read path: one `results.get` per valid row (what writeReport does), the same
 *   with prepared statements cached, and one paged LEFT JOIN of rows and results by line;
 *   all three JSON-parse and zod-check every result, so only the querying differs;
 * - the attempt ledger and results.record under concurrent callers: PRAGMA synchronous
 *   FULL (today) vs NORMAL, with and without a prepared-statement cache;
 * - maskPhone (libphonenumber parse) over every valid number, which prepare and the
 *   report each pay once per row.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import Database from 'libsql';
import { maskPhone } from '../src/reports/maskPhone.js';
import type { RowResult } from '../src/results/rowResult.js';
import { rowResultSchema } from '../src/results/rowResultSchema.js';
import { DatabaseAttemptLedger } from '../src/storage/attemptLedger.js';
import { DatabaseResultsStore } from '../src/storage/databaseResultsStore.js';
import type { CampaignTables } from '../src/storage/databaseSchema.js';
import { migrateToLatest } from '../src/storage/migrations.js';
import { PreparedCampaignStore } from '../src/storage/preparedCampaignStore.js';

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** The store's SQLite settings (src/storage/database.ts), with the two knobs under test. */
function openSqlite(file: string, options: { statementCache: boolean; synchronous: 'FULL' | 'NORMAL' }) {
  const raw = new Database(file);
  raw.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous}; PRAGMA busy_timeout = 10000;`,
  );
  const statements = new Map<string, ReturnType<typeof raw.prepare>>();
  const database = options.statementCache
    ? {
        prepare(text: string) {
          let statement = statements.get(text);
          if (!statement) {
            statement = raw.prepare(text);
            statements.set(text, statement);
          }
          return statement;
        },
        close() {
          raw.close();
        },
      }
    : raw;
  return new Kysely<CampaignTables>({ dialect: new SqliteDialect({ database: database as never }) });
}

export interface WhatIfInput {
  /** A SQLite store with a prepared campaign and a result for every valid row. */
  sqliteFile: string;
  campaignId: string;
  scratchDir: string;
  callers: number;
  ops: number;
  resultOf: (
    campaignId: string,
    row: { rowKey: string; line: number; columns: Record<string, string>; phoneE164: string },
  ) => RowResult;
}

export async function runWhatIf(input: WhatIfInput) {
  const out: Record<string, unknown> = {};

  // ---- report read path
  const readPath: Record<string, { seconds: number; results: number }> = {};
  for (const variant of ['getPerRow', 'getPerRowStatementCache', 'pagedJoin'] as const) {
    const db = openSqlite(input.sqliteFile, {
      statementCache: variant === 'getPerRowStatementCache',
      synchronous: 'FULL',
    });
    const started = performance.now();
    let found = 0;
    if (variant === 'pagedJoin') {
      let after = 0;
      for (;;) {
        const page = await db
          .selectFrom('campaign_rows as r')
          .leftJoin('row_results as x', (join) =>
            join.onRef('x.campaign_id', '=', 'r.campaign_id').onRef('x.row_key', '=', 'r.row_key'),
          )
          .select(['r.line', 'r.data', 'r.status', 'x.result'])
          .where('r.campaign_id', '=', input.campaignId)
          .where('r.line', '>', after)
          .orderBy('r.line')
          .limit(1_000)
          .execute();
        for (const row of page) {
          JSON.parse(row.data);
          if (
            row.status === 'valid' &&
            row.result !== null &&
            rowResultSchema.safeParse(JSON.parse(row.result)).success
          )
            found += 1;
        }
        const last = page.at(-1);
        if (!last || page.length < 1_000) break;
        after = last.line;
      }
    } else {
      const prepared = new PreparedCampaignStore(db);
      const results = new DatabaseResultsStore(db);
      for await (const { row } of prepared.reportEntries(input.campaignId)) {
        if (row.status === 'valid' && (await results.get(input.campaignId, row.rowKey))) found += 1;
      }
    }
    readPath[variant] = { seconds: round((performance.now() - started) / 1000), results: found };
    await db.destroy();
  }
  out.reportReadPath = readPath;

  // ---- maskPhone over every valid number
  {
    const db = openSqlite(input.sqliteFile, { statementCache: false, synchronous: 'FULL' });
    const numbers: string[] = [];
    for await (const { row } of new PreparedCampaignStore(db).reportEntries(input.campaignId))
      if (row.phoneE164 && row.status === 'valid') numbers.push(row.phoneE164);
    await db.destroy();
    const started = performance.now();
    for (const number of numbers) maskPhone(number);
    out.maskPhone = { numbers: numbers.length, seconds: round((performance.now() - started) / 1000, 3) };
  }

  // ---- ledger and record latency: synchronous FULL vs NORMAL, statement cache off/on
  const latency: Array<Record<string, unknown>> = [];
  const perCaller = Math.ceil(input.ops / input.callers);
  for (const [synchronous, statementCache] of [
    ['FULL', false],
    ['FULL', true],
    ['NORMAL', false],
    ['NORMAL', true],
  ] as const) {
    const file = join(input.scratchDir, `whatif-${synchronous}-${statementCache}.db`);
    const db = openSqlite(file, { statementCache, synchronous });
    await migrateToLatest(db as Kysely<unknown>);
    const ledger = new DatabaseAttemptLedger(db);
    const results = new DatabaseResultsStore(db);
    const at = new Date().toISOString();
    for (let c = 0; c < input.callers; c++)
      await ledger.claim({ campaignId: 'warm', rowKey: `w${c}`, attempt: 1 }, at);
    const claimMs: number[] = [];
    const recordMs: number[] = [];
    const loops = async (body: (c: number, i: number) => Promise<void>) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: input.callers }, async (_, c) => {
          for (let i = 0; i < perCaller; i++) await body(c, i);
        }),
      );
      return (performance.now() - started) / 1000;
    };
    const claimS = await loops(async (c, i) => {
      const key = { campaignId: 'whatif', rowKey: `r${c}x${i}`, attempt: 1 };
      const t0 = performance.now();
      await ledger.claim(key, at);
      await ledger.settle(key, { state: 'placed', sid: `CA${c}x${i}`, at });
      claimMs.push(performance.now() - t0);
    });
    const recordS = await loops(async (c, i) => {
      const result = input.resultOf('whatif', {
        rowKey: `r${c}x${i}`,
        line: c * perCaller + i + 2,
        columns: { first_name: `Förnamn ${i}`, appointment_date: '2026-03-02', appointment_time: '09:30' },
        phoneE164: `+4670${String(c * perCaller + i).padStart(7, '0')}`,
      });
      const t0 = performance.now();
      await results.record(result);
      recordMs.push(performance.now() - t0);
    });
    const figures = (values: number[], seconds: number) => ({
      p50: round(quantile(values, 0.5), 3),
      p95: round(quantile(values, 0.95), 3),
      p99: round(quantile(values, 0.99), 3),
      opsPerSecond: round(values.length / seconds, 1),
    });
    latency.push({
      synchronous,
      statementCache,
      claimSettle: figures(claimMs, claimS),
      record: figures(recordMs, recordS),
    });
    await db.destroy();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
  out.latency = { callers: input.callers, opsPerKind: perCaller * input.callers, variants: latency };
  return out;
}
