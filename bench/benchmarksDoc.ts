/**
 * docs/BENCHMARKS.md from a bench/results/<date>.json written by `npm run bench`.
 *   npx tsx bench/benchmarksDoc.ts bench/results/2026-11-23.json
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: the results file is our own JSON
type Any = any;

const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
const sized = (used: number, asked: number) => (used === asked ? `${used}` : `${used} (asked ${asked})`);

export function benchmarksDoc(summary: Any, jsonPath: string): string {
  const r = summary.results;
  const rows: string[] = [];
  const env = (vars: string) => `\`${vars ? `${vars} ` : ''}npm run bench\``;
  const e = r.efficiency;
  if (e) {
    rows.push(
      `| 1. Efficiency | N=${sized(e.rows, e.rowsAsked)}, C=${e.concurrency}, D=${e.callSecondsMedian} s (median created→ended on the simulator) | ideal ⌈N/C⌉×D = ${e.idealSeconds} s, actual ${e.actualSeconds} s → **${e.efficiency}** (target ≥ 0.90: ${mark(e.efficiency >= 0.9)}). Against the 600 calls/min product cap (N/10 s + D = ${e.rateBoundIdealSeconds} s): **${e.efficiencyVsRateBound}**. Max concurrent calls ${e.maxConcurrentCalls} | ${env(`BENCH_EFF_ROWS=${e.rows}`)} |`,
    );
  }
  const p = r.plainScript;
  if (p) {
    rows.push(
      `| 2. vs plain script | N=${p.rows}, C=${p.concurrency} | runner ${p.runnerSeconds} s / script ${p.scriptSeconds} s = **${p.ratio}** (target ≤ 1.10: ${mark(p.ratio <= 1.1)}); vs the script paced at 600/min (${p.scriptPacedSeconds} s): **${p.ratioVsPacedScript}** (${mark(p.ratioVsPacedScript <= 1.1)}) | ${env(`BENCH_EFF_ROWS=${p.rows}`)} (bench/plainScript.ts) |`,
    );
  }
  const t = r.throughput;
  if (t) {
    rows.push(
      `| 3. Throughput ceiling | N=${sized(t.rows, t.rowsAsked)}, C=${t.concurrency} (asked ${t.concurrencyAsked}; schema max 100), calls ~0 s | **${t.rowsPerSecond} rows/s** end to end (${t.seconds} s); product cap 600 calls/min = ${t.productRateCapRowsPerSecond} rows/s. CPU s during the run: Temporal server ${t.cpuSeconds.temporalServer}, worker ${t.cpuSeconds.worker}, simulator+webhook receiver ${t.cpuSeconds.simulatorAndWebhookReceiver} (utilisation ${t.cpuUtilisation.temporalServer} / ${t.cpuUtilisation.worker} / ${t.cpuUtilisation.simulatorAndWebhookReceiver} of one core) | ${env(`BENCH_TPUT_ROWS=${t.rows}`)} |`,
    );
  }
  const c = r.cost;
  if (c) {
    rows.push(
      `| 4. Cost (Actions/row) | ${c.rows} rows, ${c.campaignRuns} campaign run(s) | single-attempt row **${c.perSingleAttemptRow}** (call workflow ${c.singleAttemptCallActions} + campaign share ${c.campaignActionsPerRow}); row with one re-attempt **${c.perReattemptRow}** (call workflow ${c.reattemptCallActions}). Target ≤ 6: ${mark(c.perSingleAttemptRow <= 6)} | ${env(`BENCH_COST_ROWS=${c.rows}`)} |`,
    );
  }
  const s = r.scale;
  if (s) {
    rows.push(
      `| 5. Scale | N=${sized(s.rows, s.rowsAsked)}, calls ~0 s | ${s.seconds} s; worker peak RSS **${s.workerPeakRssMiB} MiB** (target ≤ 400: ${mark(s.workerPeakRssMiB <= 400)}); largest campaign run history **${s.largestCampaignHistoryEvents} events** over ${s.campaignRuns} run(s) (target ≤ 10,000: ${mark(s.largestCampaignHistoryEvents <= 10_000)}) | ${env(`BENCH_SCALE_ROWS=${s.rows}`)} |`,
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
      `| 6. Webhook latency | ${w.sampledCalls} calls of benchmark 1 | p50 **${w.p50Ms} ms**, p95 **${w.p95Ms} ms**, max ${w.maxMs} ms (simulator sends call_completed → call workflow closed) | ${env('')} |`,
    );
  }
  return `# Benchmarks

The figures until "Campaign store" come from ONE run of \`npm run bench\` (${jsonPath}), ${summary.startedAt} – ${summary.finishedAt},
on this machine: ${summary.machine.cpus} CPUs, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}. The
machine is shared with other engineers' test runs (load average was about 3 on 2 cores during the run, and one
fault-test re-run overlapped it), so read every figure as what a busy 2-core host does, not a quiet one.
Bench env: \`${JSON.stringify(summary.env)}\`. A dedicated Temporal dev server (temp SQLite, free ports), the
simulator and the webhook receiver in the bench process, the worker in a child process (test/faults/workerProcess.ts).

| Benchmark | Size | Figure | Command |
|---|---|---|---|
${rows.join('\n')}

Reproduce one figure at another size with the env variable in its command column (\`BENCH_SKIP=1,2,...\` skips
others). Sizes actually used are in the Size column; "asked" is the size the issue asked for.

${notes(r)}
`;
}

function notes(r: Any): string {
  const out: string[] = ['## Reading the figures', ''];
  const e = r.efficiency;
  if (e)
    out.push(
      `- **1. Efficiency.** D is the simulator's whole call (1 s queued + 3 s ringing + 2 s connected, simulated at speed 3 = ${e.callSecondsMedian} s real; p95 ${e.callSecondsP95} s). The concurrency-bound ideal (${e.idealSeconds} s) is not reachable in this product: \`callsPerMinute\` is capped at 600 by the campaign schema, so ${e.rows} rows need at least ${e.rateBoundIdealSeconds} s. Against that product limit the runner reaches ${e.efficiencyVsRateBound}. The rest is the engine: the simulator saw at most ${e.maxConcurrentCalls} calls in flight out of ${e.concurrency}, because each slot is held for D plus the webhook → call-workflow-close path (benchmark 6: p50 ${r.webhookLatency?.p50Ms ?? '?'} ms on this loaded host) and grants are serialised through the one campaign workflow (a workflow task per grant/child start/signal). Target ≥ 0.90 **missed**.`,
    );
  const p = r.plainScript;
  if (p)
    out.push(
      `- **2. Plain script.** The unpaced script (no Temporal, no rate cap) took ${p.scriptSeconds} s, close to the concurrency-bound ideal; the runner is ${p.ratio}× that, mostly the 600/min cap. Paced to the same 600/min, the script took ${p.scriptPacedSeconds} s and the runner is ${p.ratioVsPacedScript}× it — that is the real orchestration overhead on this host. Target ≤ 1.10 **missed** both ways.`,
    );
  const t = r.throughput;
  if (t)
    out.push(
      `- **3. Throughput.** ${t.rowsPerSecond} rows/s with ~0 s calls, below the 10 rows/s product cap, so on this host the ceiling is the engine, not the cap. CPU per row: Temporal server ${round2((t.cpuSeconds.temporalServer * 1000) / t.rows)} ms, worker ${round2((t.cpuSeconds.worker * 1000) / t.rows)} ms, simulator + webhook receiver ${round2((t.cpuSeconds.simulatorAndWebhookReceiver * 1000) / t.rows)} ms. The Temporal dev server (SQLite) is where the time goes (about two thirds of the CPU used): each row is a child workflow with its own history (11 billable actions, benchmark 4) plus its signals into the one campaign workflow, whose workflow tasks serialise every grant. Asked N=5000, C=200: N reduced to fit the time box, C=100 because the schema caps concurrency at 100.`,
    );
  const c = r.cost;
  if (c)
    out.push(
      `- **4. Cost.** Counted from the histories with Temporal Cloud's billable-action rules (workflow started, activity scheduled + retries, timer started, signal sent, signal received, child started, search-attribute upsert, update). A single-attempt row costs ${c.perSingleAttemptRow} actions: its call workflow ${c.singleAttemptCallActions} (${fmt(c.singleAttemptCallWorkflow)}) plus its share of the campaign workflow ${c.campaignActionsPerRow} (${fmt(c.campaignActions)} over ${c.rows} rows). The five activities dominate: msUntilCallingWindow, startCall, getCallStatus (the price is not in call_completed, so it is fetched), downloadRecording, recordRowResult; then two search-attribute upserts (attempt, outcome), the webhook-wait timer, and the rowFinished signal (sent by the call, received by the campaign: 2 actions). Target ≤ 6 **missed**; getting there would need e.g. folding the window check, price fetch and result write into one activity, dropping the per-row upserts, and reporting rows in batches.`,
    );
  const s = r.scale;
  if (s)
    out.push(
      `- **5. Scale.** Ran ${s.rows} rows (asked ${s.rowsAsked}); at the product cap of 10 rows/s a 100k campaign takes at least ${s.extrapolatedSecondsAt100k} s (2.8 h), which did not fit the time box. Worker peak RSS ${s.workerPeakRssMiB} MiB; RSS samples over the run: ${JSON.stringify(s.rssSamples.map((x: Any) => x.rssMiB))} MiB. History per campaign run: ${JSON.stringify(s.historyEventsPerRun)} events (the run continues-as-new when the server suggests it, here at about 4,100 events, or at the 8,000-event default limit), so the largest run history stays below 10,000 events whatever N is. **Extrapolation to 100k, not measured:** ${rssExtrapolation(s)} By design the campaign state carried across continue-as-new is bounded by concurrency + waiting rows and rows are paged from the row store, so nothing in the worker should grow with N.`,
    );
  const w = r.webhookLatency;
  if (w)
    out.push(
      `- **6. Webhook latency.** From the simulator starting the call_completed delivery to the call workflow's close: p50 ${w.p50Ms} ms, p95 ${w.p95Ms} ms (${w.sampledCalls} calls of benchmark 1, measured while that campaign ran at full load). The close includes the signal, a getCallStatus (price), downloadRecording, recordRowResult and the rowFinished signal, each a workflow task + activity round trip on a busy dev server.`,
    );
  return out.join('\n');
}

function rssExtrapolation(s: Any): string {
  const samples = (s.rssSamples as Array<{ finished: number; rssMiB: number }>).filter((x) => x.rssMiB > 0);
  const first = samples[Math.floor(samples.length / 4)];
  const last = samples.at(-1);
  if (!first || !last || last.finished <= first.finished) return 'too few RSS samples to fit a slope.';
  const slopePer1000 = ((last.rssMiB - first.rssMiB) / (last.finished - first.finished)) * 1000;
  const line = last.rssMiB + (slopePer1000 * (100_000 - last.finished)) / 1000;
  const at100k = Math.max(s.workerPeakRssMiB, line);
  return `the peak (${s.workerPeakRssMiB} MiB) came early in the run, before the first continue-as-new, and RSS then settled; a straight line through the samples from a quarter of the run to its end (${first.rssMiB} → ${last.rssMiB} MiB over ${last.finished - first.finished} calls, ${round2(slopePer1000)} MiB per 1,000 rows) reaches about ${Math.round(line)} MiB at 100,000 rows, so the 100k peak is estimated at about ${Math.round(at100k)} MiB (target ≤ 400: ${at100k <= 400 ? 'would be met' : '**would be missed**, because the early peak already exceeds it'}); GC makes the slope noisy.`;
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
  await writeFile(join(REPO_ROOT, 'docs/BENCHMARKS.md'), benchmarksDoc(summary, file));
}
