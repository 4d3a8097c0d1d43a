/**
 * The "Campaign store (issue 12)" section of docs/BENCHMARKS.md, from a
 * bench/results/store-<date>.json written by bench/storeBench.ts. It sits between
 * markers so `npm run bench` (which rewrites the rest of the file) keeps it:
 *
 *   npx tsx bench/storeBenchDoc.ts bench/results/store-2026-11-24.json
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const STORE_SECTION_START = '<!-- store-bench:start (bench/storeBench.ts writes this section) -->';
export const STORE_SECTION_END = '<!-- store-bench:end -->';

// biome-ignore lint/suspicious/noExplicitAny: the results file is our own JSON
type Any = any;

/** 1 MB = 10^6 bytes; the figures are MiB. */
const MB_IN_MIB = 1e6 / 2 ** 20;
const mark = (ok: boolean) => (ok ? 'met' : '**MISSED**');
/** Enough digits to read, no more: 0.75, 4.27, 35.1, 1246. */
const num = (n: number) =>
  Math.abs(n) >= 100
    ? Math.round(n)
    : Math.abs(n) >= 10
      ? Math.round(n * 10) / 10
      : Math.round(n * 100) / 100;
const spread = (f: Any, unit: string) => `${num(f.min)}–${num(f.max)}${unit}`;

/** Replaces the store section in `doc`, or appends it. */
export function upsertStoreSection(doc: string, section: string): string {
  const start = doc.indexOf(STORE_SECTION_START);
  const end = doc.indexOf(STORE_SECTION_END);
  if (start >= 0 && end > start) {
    return `${doc.slice(0, start)}${section}${doc.slice(end + STORE_SECTION_END.length)}`;
  }
  return `${doc.trimEnd()}\n\n${section}\n`;
}

/** The store section of `doc`, markers included, or undefined. */
export function extractStoreSection(doc: string): string | undefined {
  const start = doc.indexOf(STORE_SECTION_START);
  const end = doc.indexOf(STORE_SECTION_END);
  return start >= 0 && end > start ? doc.slice(start, end + STORE_SECTION_END.length) : undefined;
}

export function storeBenchSection(summary: Any, jsonPath: string): string {
  const r = summary.results;
  const s = summary.sizes;
  const cmd = (vars = '') => `\`${vars}npx tsx bench/storeBench.ts\``;
  const rowsVar = s.rows === 100_000 ? '' : `BENCH_STORE_ROWS=${s.rows} `;
  const rows: string[] = [];
  const row = (name: string, target: string, f: Any, unit: string, status: string, command = cmd(rowsVar)) =>
    rows.push(
      `| ${name} | ${target} | **${num(f.median)}${unit}** | ${spread(f, unit)} | ${status} | ${command} |`,
    );

  const vc = r.validateControl;
  if (vc)
    row(
      `control: validate the same ${vc.rows.toLocaleString('en-US')} rows, no store (CSV read + classify)`,
      '— (load gauge)',
      vc.seconds,
      ' s',
      '—',
      `\`npx tsx bench/validate-100k.ts ${vc.rows}\``,
    );
  const ps = r.prepareSqlite;
  if (ps) {
    row(
      `1. Prepare ${ps.rows.toLocaleString('en-US')} rows → SQLite, wall`,
      '< 5 s',
      ps.seconds,
      ' s',
      mark(ps.seconds.median < 5),
    );
    row(
      `1. Prepare → SQLite, peak RSS at N (vs N/4 = ${ps.quarter.rows.toLocaleString('en-US')}: ${ps.quarter.peakRssMiB.median} MiB)`,
      'flat in N: what prepare adds ≤ 1.25 × at N/4',
      ps.peakRssMiB,
      ' MiB',
      `${mark(ps.memory.flat)}: adds ${ps.memory.growthAboveOpenMiB.n} vs ${ps.memory.growthAboveOpenMiB.quarter} MiB (×${ps.memory.growthRatio}); whole peak ×${ps.memory.ratio}`,
    );
  }
  const pp = r.preparePostgres;
  if (pp) {
    row(
      `2. Prepare ${pp.rows.toLocaleString('en-US')} rows → PostgreSQL 15, wall`,
      '< 15 s',
      pp.seconds,
      ' s',
      mark(pp.seconds.median < 15),
    );
    row(
      `2. Prepare → PostgreSQL, peak RSS at N (vs N/4: ${pp.quarter.peakRssMiB.median} MiB)`,
      'flat in N (not asked; same bar)',
      pp.peakRssMiB,
      ' MiB',
      `${mark(pp.memory.flat)}: adds ${pp.memory.growthAboveOpenMiB.n} vs ${pp.memory.growthAboveOpenMiB.quarter} MiB (×${pp.memory.growthRatio}); whole peak ×${pp.memory.ratio}`,
    );
  }
  const report = (rep: Any, engine: string, n: string, comparison: boolean) => {
    const suffix = comparison ? ' (comparison, same bar)' : '';
    row(
      `${n}. Report ${rep.rows.toLocaleString('en-US')} rows from ${engine}, wall`,
      `< 10 s${suffix}`,
      rep.seconds,
      ' s',
      mark(rep.seconds.median < 10),
    );
    row(
      `${n}. Report from ${engine}, peak RSS`,
      `< 300 MB (286 MiB)${suffix}`,
      rep.peakRssMiB,
      ' MiB',
      mark(rep.peakRssMiB.median < 300 * MB_IN_MIB),
    );
    row(
      `${n}. Report from ${engine}, report.html size`,
      `< 15 MB (14.3 MiB)${suffix}`,
      rep.htmlMiB,
      ' MiB',
      mark(rep.htmlMiB.median < 15 * MB_IN_MIB),
    );
    row(`${n}. Report from ${engine}, results.jsonl size`, '— (reported)', rep.jsonlMiB, ' MiB', '—');
  };
  if (r.reportSqlite) report(r.reportSqlite, 'SQLite', '3', false);
  if (r.reportPostgres) report(r.reportPostgres, 'PostgreSQL', '3', true);
  const latency = (l: Any, engine: string, comparison: boolean) => {
    const suffix = comparison ? ' (comparison)' : '';
    const opsVar = s.ops === 2000 ? '' : `BENCH_STORE_OPS=${s.ops} `;
    for (const [key, label, targeted] of [
      ['claim', 'claim an attempt (ledger.claim)', true],
      ['record', 'record a result (results.record)', true],
      ['claimSettle', 'claim then settle an attempt (two commits)', false],
    ] as const) {
      const op = l[key];
      row(`4. ${label}, ${engine}, ${l.callers} callers, p50`, '—', op.p50, ' ms', '—', cmd(opsVar));
      row(
        `4. ${label}, ${engine}, ${l.callers} callers, p95`,
        targeted ? `< 5 ms${suffix}` : '— (reported)',
        op.p95,
        ' ms',
        targeted ? mark(op.p95.median < 5) : '—',
        cmd(opsVar),
      );
      row(`4. ${label}, ${engine}, ${l.callers} callers, p99`, '—', op.p99, ' ms', '—', cmd(opsVar));
    }
  };
  if (r.latencySqlite) latency(r.latencySqlite, 'SQLite', false);
  if (r.latencyPostgres) latency(r.latencyPostgres, 'PostgreSQL', true);

  const load = summary.loadavg;
  const fmtLoad = (l: Any) => `${l.one} / ${l.five} / ${l.fifteen}`;
  return `${STORE_SECTION_START}
## Campaign store (issue 12)

From ONE run of \`npx tsx bench/storeBench.ts\` (${jsonPath}), ${summary.startedAt} – ${summary.finishedAt},
on ${summary.machine.cpus} CPUs, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}, ${summary.machine.disk}.
**Machine load** (/proc/loadavg, 1 / 5 / 15 min): before ${fmtLoad(load.before)}, after ${fmtLoad(load.after)}, highest
1-minute figure sampled every 10 s during the run ${load.maxOneMinute}. ${loadSentence(load, summary.machine.cpus)}

Each timed figure ran ${s.repeats === 1 ? 'once' : `${s.repeats} times`}, each in a fresh child process (so a peak RSS is that run's alone);
"median" is the median of the ${s.repeats}, "spread" their min–max. Contacts: ${s.rows.toLocaleString('en-US')} rows
(${s.csvMiB} MiB CSV, bench/contactsCsv.ts: about 1% bad numbers and 1% duplicates) and ${s.quarterRows.toLocaleString('en-US')} rows for
the N/4 comparison. Env: \`${JSON.stringify(summary.env)}\`.

| Figure | Target | Median | Spread (min–max) | Status | Command |
|---|---|---|---|---|---|
${rows.join('\n')}

${storeNotes(summary)}
${timeNotes(summary)}
${STORE_SECTION_END}`;
}

function timeNotes(summary: Any): string {
  const r = summary.results;
  const out: string[] = ['', '### Where the time goes', ''];
  const ps = r.prepareSqlite;
  const vc = r.validateControl;
  if (ps && vc)
    out.push(
      `- **Prepare.** Reading and classifying the CSV alone (the control row, \`cmc validate\`'s work) took ${vc.seconds.median} s of the ${ps.seconds.median} s; the rest (${Math.round((ps.seconds.median - vc.seconds.median) * 100) / 100} s) is what prepare adds: building each StoredRow, hashing the file, JSON.stringify of every row, and the batched INSERTs through Kysely and libsql. Memory: 4× the rows raised the peak by ${Math.round((ps.peakRssMiB.median - ps.quarter.peakRssMiB.median) * 10) / 10} MiB on SQLite${r.preparePostgres ? ` and ${Math.round((r.preparePostgres.peakRssMiB.median - r.preparePostgres.quarter.peakRssMiB.median) * 10) / 10} MiB on PostgreSQL` : ''}. Part of that is by design (the classifier remembers every number and id seen, for duplicates: src/campaign/rowClassifier.ts), the rest is V8 letting the heap grow under a high allocation rate${heapCapped(r.prepareHeapCapped)}; the floor under every peak is the child itself: ${r.baselineRss ? `${r.baselineRss.storeOnlyMiB} MiB for node + tsx + an open store, ${r.baselineRss.storeAndActivitiesMiB} MiB with the activities and @temporalio/testing imported` : 'see baselineRss in the JSON'}.`,
    );
  const rs = r.reportSqlite;
  if (rs)
    out.push(
      `- **Report.** One paged LEFT JOIN of campaign_rows and row_results (200 rows a query, \`PreparedCampaignStore.reportEntries\`) feeds one pass that builds each record once and streams it to results.jsonl (${rs.jsonlMiB.median} MiB: every record with its whole transcript), the transcript chunks and two small scratch files; a second pass writes report.html around the table of rows and results.csv once the summary and the columns are known. Most of the time is JSON: parsing every stored row and result (zod-checked) and stringifying every record; writes are 64 KiB each and overlap the next chunk. Before this (one \`results.get\` per row, one awaited file write per piece, results.jsonl read back for pass 2) the same report took 26–37 s (2026-12-01 run).`,
    );
  const ls = r.latencySqlite;
  if (ls)
    out.push(
      `- **Concurrency.** SQLite writes go through group commit (src/storage/groupCommit.ts): the statements that queue while one transaction commits run together in the next, one fsync for all of them, with \`synchronous = FULL\` kept (an attempt's claim survives a power cut). A caller alone sees claim + settle p95 ${ls.oneCaller.claimSettle.p95.median} ms and record p95 ${ls.oneCaller.record.p95.median} ms (${ls.oneCaller.ops} operations). With ${ls.callers} callers at once a write waits for the batch in flight and then its own, and every caller's CPU work (building and compiling the query, zod-checking a result) shares the one thread; before group commit (2026-12-01 run) claim + settle p95 was 38.9 ms and record p95 31.1 ms. A campaign placing 600 calls a minute claims 10 times a second: there the queue is empty and an activity sees the one-caller figures.`,
    );
  return out.join('\n');
}

function heapCapped(c: Any): string {
  if (!c) return '';
  const part = (engine: string, x: Any) =>
    x === undefined
      ? ''
      : x.completed
        ? `${engine} completed in ${x.seconds} s with a peak of ${x.peakRssMiB} MiB`
        : `${engine} did not complete (so its live heap needs more than that)`;
  const parts = [part('SQLite', c.sqlite), part('PostgreSQL', c.postgres)].filter(Boolean);
  return ` (with the V8 old-space heap capped, \`--max-old-space-size=${c.heapCapMiB}\`, the same prepare of N rows ${parts.join(', ')}: what completes under the cap keeps a live heap below it, and the extra peak without a cap is garbage not yet collected)`;
}

function loadSentence(load: Any, cores: number): string {
  const high = Math.max(load.maxOneMinute, load.before.one, load.after.one);
  const own =
    'The bench itself keeps about one core busy (its child process; with PostgreSQL, the server too), so about 1–2 of that is its own.';
  if (high >= cores + 1)
    return `${own} The rest, up to the ${cores} cores and beyond, is other work that was loading the machine while this ran: every figure here is a busy host's, and the latencies especially would be lower on a quiet one.`;
  if (high > cores / 2)
    return `${own} Up to ${high} runnable on ${cores} cores: little beyond the bench's own load, but the latencies (fsync on a shared virtual disk) still vary from run to run.`;
  return 'The machine was mostly quiet.';
}

function storeNotes(summary: Any): string {
  const r = summary.results;
  const out: string[] = ['### How each figure is measured', ''];
  const ps = r.prepareSqlite;
  if (ps)
    out.push(
      `- **1, 2. Prepare.** The real activity: \`createCampaignActivities(deps).prepareCampaign\` inside \`new MockActivityEnvironment().run(...)\`, with \`prepared/ledger/results\` from \`openCampaignStore\` (SQLite in a fresh \`CMC_DATA_DIR\`; PostgreSQL: a fresh database per run on a throwaway PostgreSQL 15 started by bench/throwawayPostgres.ts, default settings, fsync on). Wall is the activity alone (${ps.totalRows?.toLocaleString('en-US')} rows read, ${ps.validRows?.toLocaleString('en-US')} valid); opening and migrating the store is apart (SQLite median ${ps.openSeconds.median} s${r.preparePostgres ? `, PostgreSQL ${r.preparePostgres.openSeconds.median} s` : ''}). Peak RSS is the child's getrusage maxRSS (the process's whole life, tsx and module loading included; RSS sampled every 50 ms agrees to within a few MiB: SQLite sampled ${ps.sampledPeakRssMiB.median} MiB). RSS just before the activity: ${ps.rssBeforeMiB.median} MiB, so prepare itself adds about ${ps.memory.growthAboveOpenMiB.n} MiB at N and ${ps.memory.growthAboveOpenMiB.quarter} MiB at N/4.`,
    );
  const rs = r.reportSqlite;
  if (rs)
    out.push(
      `- **3. Report.** First every valid row gets a realistic RowResult through \`results.record\` (no answer on attempt 1, a 6-line transcript on attempt 2, a summary, a recording path): ${rs.resultsRecorded.toLocaleString('en-US')} results in ${rs.recordAllSeconds} s with 16 callers on SQLite (${rs.recordAllPerSecond}/s)${r.reportPostgres ? `, ${r.reportPostgres.recordAllSeconds} s on PostgreSQL (${r.reportPostgres.recordAllPerSecond}/s)` : ''}; not a target, for scale. Then \`generateCampaignReport({ prepared, reportsDir, temporalUiUrl, namespace })\` in a fresh process per run, into a fresh reports folder. results.csv was ${rs.csvMiB.median} MiB; report.html holds a short summary per row, the transcripts are in ${rs.transcriptFiles?.median ?? '?'} chunk files beside it (${rs.transcriptsMiB?.median ?? '?'} MiB).`,
    );
  const ls = r.latencySqlite;
  if (ls)
    out.push(
      `- **4. Concurrency.** ${ls.callers} async callers in one process (\`Promise.all\` over ${ls.callers} loops, like ${ls.callers} concurrent activities in one worker), ${ls.opsPerKind} operations of each kind over all of them (${Math.ceil(ls.opsPerKind / ls.callers)} per caller), on a fresh store per run, after one unmeasured warm-up operation per caller. "claim + settle" is \`ledger.claim\` then \`ledger.settle\` (a new attempt every time: every claim won, ${JSON.stringify(ls.claimedTrue)}); "record" is \`results.record\` of the RowResult above. The claims run first, then the records. A latency is the caller's own wait, so it includes queueing behind the other callers (SQLite: one connection, group commit; PostgreSQL: pg's pool of 10, one statement per write). Throughput: claim+settle ${ls.claimSettle.opsPerSecond.median}/s, record ${ls.record.opsPerSecond.median}/s on SQLite${r.latencyPostgres ? `; ${r.latencyPostgres.claimSettle.opsPerSecond.median}/s and ${r.latencyPostgres.record.opsPerSecond.median}/s on PostgreSQL` : ''}. Settle alone p95 on SQLite: ${ls.settle.p95.median} ms.`,
    );
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/storeBenchDoc.ts bench/results/store-<date>.json');
  const summary = JSON.parse(await readFile(file, 'utf8'));
  const docPath = join(REPO_ROOT, 'docs/BENCHMARKS.md');
  await writeFile(
    docPath,
    upsertStoreSection(await readFile(docPath, 'utf8'), storeBenchSection(summary, file)),
  );
}
