/**
 * docs/BENCHMARKS.md from a bench/results/<date>.json written by `npm run bench`.
 *   npx tsx bench/benchmarksDoc.ts bench/results/2026-11-23.json
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_CALLS_PER_MINUTE } from '../src/engine/campaignLimits.js';
import { extractStoreSection, upsertStoreSection } from './storeBenchDoc.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: the results file is our own JSON
type Any = any;

const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
/** "median (min–max over n runs)" of one figure, or the figure alone when it ran once. */
const spreadOf = (run: Any, key: string, unit = '') => {
  const s = run.spread?.[key];
  if (!s || s.values.length < 2) return `${run[key]}${unit}`;
  return `${s.median}${unit} (${s.min}–${s.max}${unit} over ${s.values.length} runs)`;
};
const sized = (used: number, asked: number) => (used === asked ? `${used}` : `${used} (asked ${asked})`);

export function benchmarksDoc(summary: Any, jsonPath: string): string {
  const r = summary.results;
  const rows: string[] = [];
  const env = (vars: string) => `\`${vars ? `${vars} ` : ''}npm run bench\``;
  const e = r.efficiency;
  if (e) {
    rows.push(
      `| 1. Efficiency | N=${sized(e.rows, e.rowsAsked)}, C=${e.concurrency}, D=${e.callSecondsMedian} s (median created→ended on the simulator), pacing ${summary.callsPerMinute ?? MAX_CALLS_PER_MINUTE}/min | ideal ⌈N/C⌉×D = ${e.idealSeconds} s, actual ${spreadOf(e, 'actualSeconds', ' s')} → **${spreadOf(e, 'efficiency')}** (target ≥ 0.90: ${mark(e.efficiency >= 0.9)} by the median). Max concurrent calls ${e.maxConcurrentCalls} | ${env(`BENCH_EFF_ROWS=${e.rows}`)} |`,
    );
  }
  const p = r.plainScript;
  if (p) {
    rows.push(
      `| 2. vs plain script | N=${p.rows}, C=${p.concurrency} | runner / script, each run against its own script run on the same simulator: **${spreadOf(p, 'ratio')}** (target ≤ 1.10: ${mark(p.ratio <= 1.1)} by the median); script ${spreadOf(p, 'scriptSeconds', ' s')} | ${env(`BENCH_EFF_ROWS=${p.rows}`)} (bench/plainScript.ts) |`,
    );
  }
  const t = r.throughput;
  if (t) {
    rows.push(
      `| 3. Throughput ceiling | N=${sized(t.rows, t.rowsAsked)}, C=${t.concurrency}, calls ~0 s | **${spreadOf(t, 'rowsPerSecond', ' rows/s')}** end to end (target ≥ 25: ${mark(t.rowsPerSecond >= 25)} by the median). CPU s during the median run (${t.seconds} s): Temporal server ${t.cpuSeconds.temporalServer}, worker ${t.cpuSeconds.worker}, simulator+webhook receiver ${t.cpuSeconds.simulatorAndWebhookReceiver} (utilisation ${t.cpuUtilisation.temporalServer} / ${t.cpuUtilisation.worker} / ${t.cpuUtilisation.simulatorAndWebhookReceiver} of one core) | ${env(`BENCH_TPUT_ROWS=${t.rows}`)} |`,
    );
  }
  const c = r.cost;
  if (c) {
    rows.push(
      `| 4. Cost | ${c.rows} rows, ${c.campaignRuns} campaign run(s) | single-attempt row **${c.perSingleAttemptRow} Actions** (row workflow ${c.singleAttemptCallActions} + campaign share ${c.campaignActionsPerRow}; target ≤ 5: ${mark(c.perSingleAttemptRow <= 5)}); row with one re-attempt ${c.perReattemptRow}. History **${c.historyEventsPerRow} events per row**, all the campaign's workflows counted (target ≤ 25: ${mark(c.historyEventsPerRow <= 25)}); a single-attempt row workflow ${c.singleAttemptRowHistoryEvents}${c.campaignHistoryEventsPerRow === undefined ? '' : ` + the campaign's ${c.campaignHistoryEventsPerRow} per row`} | ${env(`BENCH_COST_ROWS=${c.rows}`)} |`,
    );
  }
  for (const s of scaleRuns(r)) {
    rows.push(
      `| 5. Scale | N=${s.rows}, C=100, calls ~0 s, compiled worker (\`cmc worker\` from dist/) | ${s.seconds} s (${s.rowsPerSecond} rows/s); worker peak RSS **${s.workerPeakRssMiB} MiB** (target ≤ 300 MB = 286 MiB: ${mark(s.workerPeakRssMiB <= 300e6 / 2 ** 20)}); largest campaign run history ${s.largestCampaignHistoryEvents} events over ${s.campaignRuns} run(s) | ${env(`BENCH_SCALE_ROWS=${s.rows}`)} |`,
    );
  }
  const v = r.validate;
  if (v) {
    rows.push(
      `| 5. Validate | ${v.rows} rows | **${v.seconds} s**, peak RSS ${v.peakRssMiB} MiB | \`npx tsx bench/validate-100k.ts ${v.rows}\` |`,
    );
  }
  const w = r.webhookLatency;
  if (w) {
    rows.push(
      `| 6. Webhooks | ${w.deliveries} call_completed deliveries of benchmark 1 | delivery round trip (the simulator's \`ms\`, until the receiver answered) p50 ${w.deliveryRoundTripP50Ms} ms, p95 **${spreadOf(w, 'deliveryRoundTripP95Ms', ' ms')}** (target ≤ 100: ${mark(w.deliveryRoundTripP95Ms <= 100)}); call ended → row result stored p50 ${w.callEndedToResultStoredP50Ms} ms, p95 **${spreadOf(w, 'callEndedToResultStoredP95Ms', ' ms')}** (target ≤ 500: ${mark(w.callEndedToResultStoredP95Ms <= 500)}); delivery → row workflow closed p50 ${w.p50Ms} ms, p95 ${w.p95Ms} ms (${w.sampledCalls} sampled) | ${env('')} |`,
    );
  }
  return `# Benchmarks

The figures until "Campaign store" come from ONE run of \`npm run bench\` (${jsonPath}), ${summary.startedAt} – ${summary.finishedAt},
on this machine: ${summary.machine.cpus} CPUs, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}. Read every
figure as what this 2-core host does with the Temporal dev server, the simulator, the receiver and the worker on it.
Timed figures (1, 2, 3, 6) ran ${summary.repeat ?? 1} time(s) each on a fresh stack and worker: the median, then min–max; a row's
other figures are those of its median run. ${loadLine(summary.load)}
Bench env: \`${JSON.stringify(summary.env)}\`. A dedicated Temporal dev server (temp SQLite, free ports), the
simulator and the webhook receiver in the bench process, the worker in a child process (test/faults/workerProcess.ts).

| Benchmark | Size | Figure | Command |
|---|---|---|---|
${rows.join('\n')}

Reproduce one figure at another size with the env variable in its command column (\`BENCH_SKIP=1,2,...\` skips
others). Sizes actually used are in the Size column; "asked" is the size the issue asked for.

${notes(r)}
${slotCycleSection()}`;
}

/** bench/slotCycle.ts's last result: each step of a slot's cycle on the stock dev server and on ours. */
function slotCycleSection(): string {
  const file = join(REPO_ROOT, 'bench/results/slot-cycle.json');
  if (!existsSync(file)) return '';
  const c = JSON.parse(readFileSync(file, 'utf8'));
  const cell = (f: Any) => (f ? `${f.p50} / ${f.p95} / **${f.mean}**` : '—');
  const lines = (c.ours.steps as Any[]).map(
    (mine) =>
      `| ${mine.step} | ${cell(c.stock.steps.find((f: Any) => f.step === mine.step))} | ${cell(mine)} |`,
  );
  return `
## Where a slot's time goes

\`${c.command}\` (bench/results/slot-cycle.json, ${c.at}): one campaign of ${c.rows} two-second calls at
concurrency ${c.concurrency}, first on the Temporal CLI's stock dev server, then on ours
(src/devstack/temporalDevServer.ts), each step read from the histories and the simulator's record. Wall time
${c.stock.wallSeconds} s stock, ${c.ours.wallSeconds} s ours (ideal ${Math.ceil(c.rows / c.concurrency) * 2} s). A slot's
cycle is the call plus the "end" and "start" steps; efficiency is about 2 s over the mean cycle.

| step (ms) | stock: p50 / p95 / mean | ours: p50 / p95 / mean |
|---|---|---|
${lines.join('\n')}
`;
}

function loadLine(load: Any): string {
  if (!load) return '';
  return `**Machine load** (/proc/loadavg, 1 min): ${load.before} before, ${load.highest} at most during the run (sampled every 5 s), ${load.after} after; the bench's own processes are many-threaded (the Go server, node with its native threads), so it alone can keep the load above 2; what matters is whether anything else ran.`;
}

/** Benchmark 5 ran at one size (older result files) or several. */
const scaleRuns = (r: Any): Any[] =>
  r.scale === undefined ? [] : Array.isArray(r.scale) ? r.scale : [r.scale];

function notes(r: Any): string {
  const out: string[] = ['## Reading the figures', ''];
  const e = r.efficiency;
  if (e)
    out.push(
      `- **1. Efficiency.** D is the simulator's whole call (1 s queued + 3 s ringing + 2 s connected, simulated at speed 3 = ${e.callSecondsMedian} s real; p95 ${e.callSecondsP95} s). Pacing is set to the schema's maximum so that it does not bind; the ideal is concurrency-bound. What is lost is the time a slot is held beyond D: start-call, the webhook into Temporal, the post-call step, the row workflow's completion reaching the campaign and the next grant; "Where a slot's time goes" below takes one such cycle apart. The runs share one dev server, whose database keeps every earlier run's workflows (1,000 more row workflows before each run after the first): in order, the efficiency runs gave ${(e.spread?.efficiency?.values ?? [e.efficiency]).join(', ')}.`,
    );
  const t = r.throughput;
  if (t)
    out.push(
      `- **3. Throughput.** CPU per row: Temporal server ${round2((t.cpuSeconds.temporalServer * 1000) / t.rows)} ms, worker ${round2((t.cpuSeconds.worker * 1000) / t.rows)} ms, simulator + webhook receiver ${round2((t.cpuSeconds.simulatorAndWebhookReceiver * 1000) / t.rows)} ms, all on ${t.cores} cores.`,
    );
  const c = r.cost;
  if (c)
    out.push(
      `- **4. Cost.** Counted from the histories by Temporal Cloud's published rules (docs.temporal.io/cloud/actions): workflow started (a child start is 2 with the parent's command), activity scheduled + retries, the local activities of one workflow task together 1, timer, signal once where received, search-attribute upsert, update. Row workflow: ${fmt(c.singleAttemptCallWorkflow)}. Campaign over ${c.rows} rows: ${fmt(c.campaignActions)} (the re-attempt rows' slot signals are counted to them). With one workflow per row, a single-attempt row cannot cost less than 5: its start as a child (2), placeCall (1), the post-call local activity (1) and the outcome upsert (1); the campaign's own Actions (its start, prepare, one page read per 200 rows, the report, status upserts) then add their count over N, so the target is missed by that share at any N.`,
    );
  for (const s of scaleRuns(r)) {
    const samples = (s.rssSamples as Array<{ finished: number; rssMiB: number }>).filter((x) => x.rssMiB > 0);
    const quarter = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
    const at = [0.25, 0.5, 0.75, 1].map(quarter).filter(Boolean);
    out.push(
      `- **5. Scale, ${s.rows} rows.** The compiled worker with the image's memory settings (${JSON.stringify(s.workerEnv ?? {})}): ${s.idleRssMiB ?? '?'} MiB before the campaign (node, the Temporal SDK and its native core, the store's drivers, the workflow bundle loaded), peak RSS ${s.workerPeakRssMiB} MiB; RSS at a quarter, half, three quarters and the end of the run: ${at.map((x) => `${x?.rssMiB} MiB after ${x?.finished} calls`).join(', ')}.`,
    );
  }
  return out.join('\n');
}

const round2 = (n: number) => Math.round(n * 10) / 10;
const fmt = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/benchmarksDoc.ts bench/results/<date>.json');
  const summary = JSON.parse(await readFile(file, 'utf8'));
  // The campaign store's section (bench/storeBench.ts) is its own; keep it.
  const docPath = join(REPO_ROOT, 'docs/BENCHMARKS.md');
  const storeSection = extractStoreSection(await readFile(docPath, 'utf8'));
  const doc = benchmarksDoc(summary, file);
  await writeFile(docPath, storeSection ? upsertStoreSection(doc, storeSection) : doc);
}
