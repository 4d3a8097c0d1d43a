import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signatureHeader } from '../../src/callmycall/webhookSignature.js';
import { startTemporalDevServer } from '../../src/devstack/temporalDevServer.js';
import type { SimCall } from '../../src/simulator/adminTypes.js';
import { progressQuery } from '../../src/workflows/campaignMessages.js';
import { ResultReceiver } from '../support/resultReceiver.js';
import {
  campaignFile,
  checkInvariants,
  contacts,
  type FaultStack,
  freePort,
  type InvariantReport,
  readReport,
  sleep,
  startFaultStack,
  WEBHOOK_SECRET,
  waitUntil,
  writeCampaign,
} from './faultStack.js';
import { scenario, writeFaultSummary } from './faultSummary.js';

const ROWS = Number(process.env.FAULTS_ROWS ?? 40);
const SMALL = Math.max(12, Math.round(ROWS / 2));
const uniqueId = (name: string) => `${name}-${Date.now().toString(36)}`;
const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

afterAll(async () => {
  const file = await writeFaultSummary();
  if (file) console.log(`[faults] summary written to ${file}`);
});

async function finishedCalls(stack: FaultStack, campaignId: string): Promise<SimCall[]> {
  return (await stack.admin.calls()).filter(
    (c) => String(c.metadata.client_request_id).startsWith(`${campaignId}:`) && FINAL.includes(c.status),
  );
}

function expectInvariants(report: InvariantReport, out: { counts: Record<string, unknown> }): void {
  Object.assign(out.counts, report.counts);
  expect(report.violations).toEqual([]);
}

async function withStack<T>(
  options: Parameters<typeof startFaultStack>[0],
  body: (stack: FaultStack) => Promise<T>,
): Promise<T> {
  const stack = await startFaultStack(options);
  try {
    return await body(stack);
  } finally {
    await stack.close();
  }
}

const sharedAddress = () => inject('temporalAddress');

describe('fault scenarios on a real Temporal dev server, the simulator and worker child processes', () => {
  it('1. the worker is SIGKILLed three times, once with start-calls in flight', async () => {
    const concurrency = 5;
    await scenario(
      1,
      'Worker SIGKILLed 3x (once mid start-call)',
      { rows: ROWS, concurrency },
      async (out) => {
        await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
          await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 60_000 } });
          const { csv } = contacts(ROWS, 46701740000);
          const dir = await writeCampaign(stack.workDir, 'kill', campaignFile({ concurrency }), csv);
          const campaignId = uniqueId('kill');
          let worker = await stack.spawnWorker();
          const { handle } = await stack.start({ campaignId, campaignDir: dir });
          const done = async (n: number) => (await finishedCalls(stack, campaignId)).length >= n;

          await waitUntil('first rows', () => done(Math.ceil(ROWS / 6)));
          await worker.kill();
          worker = await stack.spawnWorker();

          // Hold the next start-call requests open, then kill the worker while they wait.
          const before = (await stack.admin.stats()).startCallRequests;
          await stack.admin.setFaults({ start_call: [{ type: 'slow', count: 3, delay_ms: 4_000 }] });
          await waitUntil(
            'a held start-call',
            async () => (await stack.admin.stats()).startCallRequests > before,
          );
          await sleep(300);
          await worker.kill();
          out.notes.push('kill 2 happened while a `slow` start-call (4 s) was held open by the simulator');
          worker = await stack.spawnWorker();

          await waitUntil('more rows', () => done(Math.ceil((ROWS * 2) / 3)), 300_000);
          await worker.kill();
          worker = await stack.spawnWorker();

          const result = await handle.result();
          out.counts.status = result.status;
          expect(result.status).toBe('completed');
          expect(result.outcomes.completed).toBe(ROWS);
          expectInvariants(await checkInvariants(stack, campaignId, { csvRows: ROWS, concurrency }), out);
        });
      },
    );
  }, 900_000);

  it('2. two workers share the task queue and one is SIGKILLed; result webhooks survive it and a receiver down for a minute', async () => {
    const concurrency = 5;
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const results = await ResultReceiver.start(secret);
    try {
      await scenario(
        2,
        'Two workers, one SIGKILLed; result receiver down 60 s',
        { rows: ROWS, concurrency },
        async (out) => {
          await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
            await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 60_000 } });
            const { csv } = contacts(ROWS, 46701741000);
            const resultWebhook = { url: results.url, secretEnv: 'CLINIC_RESULTS_SECRET' };
            const dir = await writeCampaign(
              stack.workDir,
              'two',
              campaignFile({ concurrency, resultWebhook }),
              csv,
            );
            const campaignId = uniqueId('two');
            results.downFor(60_000);
            const env = { CLINIC_RESULTS_SECRET: secret };
            const [a] = await Promise.all([stack.spawnWorker({ env }), stack.spawnWorker({ env })]);
            const { handle } = await stack.start({ campaignId, campaignDir: dir });
            await waitUntil(
              'a third of the rows',
              async () => (await finishedCalls(stack, campaignId)).length >= ROWS / 3,
            );
            await a?.kill();
            const result = await handle.result();
            out.counts.status = result.status;
            expect(result.outcomes.completed).toBe(ROWS);
            expectInvariants(await checkInvariants(stack, campaignId, { csvRows: ROWS, concurrency }), out);

            // Every row's event arrives once the receiver is back: signed, one id per row.
            await waitUntil(
              'every result webhook',
              async () => results.accepted().size === ROWS + 1,
              300_000,
            );
            const rowEvents = [...results.accepted().values()].filter((d) => d.type === 'row.finished');
            expect(new Set(rowEvents.map((d) => d.data?.row_key)).size).toBe(ROWS);
            expect(results.deliveries.every((d) => d.verified)).toBe(true);
            expect(results.deliveries.filter((d) => d.status === 503).length).toBeGreaterThan(0);
            out.counts.resultWebhookPosts = results.deliveries.length;
            out.counts.resultWebhookIds = results.accepted().size;
          });
        },
      );
    } finally {
      await results.close();
    }
  }, 900_000);

  it('3. the Temporal dev server is stopped and restarted on the same database mid-campaign', async () => {
    const concurrency = 5;
    await scenario(
      3,
      'Temporal server stopped + restarted (same SQLite)',
      { rows: ROWS, concurrency },
      async (out) => {
        const temporalPath = execFileSync('bash', ['scripts/ensure-temporal.sh'], {
          encoding: 'utf8',
        }).trim();
        const port = await freePort();
        const uiPort = await freePort();
        const dbFile = join(await import('node:os').then((os) => os.tmpdir()), `cmc-faults-${Date.now()}.db`);
        let server = await startTemporalDevServer({ temporalPath, dbFile, port, uiPort });
        try {
          await withStack({ temporalAddress: server.address, speed: 5 }, async (stack) => {
            await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 8_000 } });
            const { csv } = contacts(ROWS, 46701742000);
            const dir = await writeCampaign(
              stack.workDir,
              'restart',
              campaignFile({
                concurrency,
                call: { task: 'Confirm {{first_name}}', language: 'en', max_duration: 10 },
              }),
              csv,
            );
            const campaignId = uniqueId('restart');
            await stack.spawnWorker();
            const { handle } = await stack.start({ campaignId, campaignDir: dir, webhookGraceMs: 2_000 });
            await waitUntil(
              'a third of the rows',
              async () => (await finishedCalls(stack, campaignId)).length >= ROWS / 3,
            );
            const downAt = Date.now();
            await server.stop();
            await sleep(5_000);
            server = await startTemporalDevServer({ temporalPath, dbFile, port, uiPort });
            out.notes.push(
              `server down for ${((Date.now() - downAt) / 1000).toFixed(1)} s; workers kept running and reconnected`,
            );
            const result = await handle.result();
            out.counts.status = result.status;
            expect(result.outcomes.completed).toBe(ROWS);
            expectInvariants(await checkInvariants(stack, campaignId, { csvRows: ROWS, concurrency }), out);
          });
        } finally {
          await server.stop();
        }
      },
    );
  }, 600_000);

  it('4. the webhook receiver is down longer than the retry window: polling recovers', async () => {
    const concurrency = 5;
    await scenario(4, 'Webhook receiver down > retry window', { rows: SMALL, concurrency }, async (out) => {
      await withStack({ temporalAddress: sharedAddress(), speed: 5 }, async (stack) => {
        await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 8_000 } });
        const { csv } = contacts(SMALL, 46701743000);
        const dir = await writeCampaign(
          stack.workDir,
          'receiver',
          campaignFile({
            concurrency,
            call: { task: 'Confirm {{first_name}}', language: 'en', max_duration: 10 },
          }),
          csv,
        );
        const campaignId = uniqueId('receiver');
        await stack.spawnWorker();
        const { handle } = await stack.start({ campaignId, campaignDir: dir, webhookGraceMs: 1_000 });
        await waitUntil('first rows', async () => (await finishedCalls(stack, campaignId)).length >= 3);
        await stack.stopReceiver();
        await sleep(6_000);
        await stack.startReceiver();
        const result = await handle.result();
        const deliveries = await stack.admin.deliveries();
        const lost = new Set(
          deliveries
            .filter((d) => d.event === 'call_completed' && d.attempt === 3 && d.status === null)
            .map((d) => d.sid),
        );
        out.counts.callCompletedLostAfter3Attempts = lost.size;
        out.counts.status = result.status;
        out.notes.push(
          'receiver closed for 6 s (> 600 ms + 1200 ms retry window); webhookGraceMs 1000, max_duration 10 s',
        );
        expect(lost.size).toBeGreaterThan(0);
        expect(result.outcomes.completed).toBe(SMALL);
        expectInvariants(await checkInvariants(stack, campaignId, { csvRows: SMALL, concurrency }), out);
      });
    });
  }, 600_000);

  it('5. 500_after_create and drop_after_create on ~10% of start-calls: no second call', async () => {
    const concurrency = 5;
    await scenario(
      5,
      '500_after_create / drop_after_create on ~10%',
      { rows: ROWS, concurrency },
      async (out) => {
        await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
          await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 30_000 } });
          const faults: Array<Record<string, unknown>> = [];
          const faulty = Math.max(2, Math.round(ROWS / 10));
          for (let i = 0; i < faulty; i++) {
            faults.push({ type: 'slow', count: 4, delay_ms: 0 }); // a plain answer: spaces the faults out
            faults.push({ type: i % 2 === 0 ? '500_after_create' : 'drop_after_create', count: 1 });
          }
          await stack.admin.setFaults({ start_call: faults as never });
          const { numbers, csv } = contacts(ROWS, 46701744000);
          const dir = await writeCampaign(
            stack.workDir,
            'ambiguous',
            campaignFile({ concurrency, ambiguousStart: 'reattempt', reconcileAfter: '8s' }),
            csv,
          );
          const campaignId = uniqueId('ambiguous');
          await stack.spawnWorker();
          const { handle } = await stack.start({ campaignId, campaignDir: dir });
          const result = await handle.result();
          const calls = (await stack.admin.calls()).filter((c) =>
            String(c.metadata.client_request_id).startsWith(campaignId),
          );
          out.counts.ambiguousStarts = faulty;
          out.counts.status = result.status;
          expect(calls.map((c) => c.to).sort()).toEqual([...numbers].sort());
          expect(result.outcomes.completed).toBe(ROWS);
          expectInvariants(await checkInvariants(stack, campaignId, { csvRows: ROWS, concurrency }), out);
        });
      },
    );
  }, 600_000);

  it('6. duplicated, reordered, replayed and stale webhooks: nothing applied twice, nothing moves back', async () => {
    const concurrency = 4;
    await scenario(
      6,
      'Duplicated / reordered / replayed / stale webhooks',
      { rows: SMALL, concurrency },
      async (out) => {
        await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
          const { numbers, csv } = contacts(SMALL, 46701745000);
          const busy = numbers.slice(0, 3);
          await stack.admin.setScenario({
            default: { status: 'completed', duration_ms: 60_000 },
            byNumber: Object.fromEntries(busy.map((n) => [n, { status: 'busy' }])),
          });
          await stack.admin.setFaults({ webhooks: { duplicate: true, reorder: true, drop: 0 } });
          const dir = await writeCampaign(stack.workDir, 'webhooks', campaignFile({ concurrency }), csv);
          const campaignId = uniqueId('webhooks');
          await stack.spawnWorker();
          const { handle } = await stack.start({ campaignId, campaignDir: dir });

          const post = async (url: string, body: string, timestamp?: number) =>
            fetch(url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-callmycall-signature': signatureHeader(WEBHOOK_SECRET, body, timestamp),
              },
              body,
            });
          const forged = (call: SimCall, status: string) =>
            JSON.stringify({
              event: 'call_completed',
              call_id: call.sid,
              sid: call.sid,
              timestamp: Math.floor(Date.now() / 1000),
              data: { status, to: call.to },
            });

          // Mid-run: replay a conflicting (but correctly signed) call_completed for calls whose real one was accepted.
          let replayed = 0;
          let stale = 0;
          const replayedSids = new Set<string>();
          const deadline = Date.now() + 60_000;
          while (replayed < 6 && Date.now() < deadline) {
            const delivered = new Set(
              (await stack.admin.deliveries())
                .filter((d) => d.event === 'call_completed' && d.status === 200)
                .map((d) => d.sid),
            );
            for (const call of await finishedCalls(stack, campaignId)) {
              if (!delivered.has(call.sid) || replayedSids.has(call.sid) || !call.webhook) continue;
              replayedSids.add(call.sid);
              const response = await post(
                call.webhook,
                forged(call, call.status === 'completed' ? 'busy' : 'completed'),
              );
              expect(response.status).toBe(200);
              replayed += 1;
              // The same event signed 6 minutes ago: refused as stale, whatever it says.
              const old = await post(
                call.webhook,
                forged(call, 'failed'),
                Math.floor(Date.now() / 1000) - 360,
              );
              expect(old.status).toBe(401);
              expect(await old.text()).toContain('stale');
              stale += 1;
            }
            await sleep(300);
          }
          const result = await handle.result();
          // After the end: replay every call's completion with the opposite status.
          for (const call of await finishedCalls(stack, campaignId)) {
            if (call.webhook) await post(call.webhook, forged(call, 'failed'));
          }
          out.counts.replayedMidRun = replayed;
          out.counts.staleRefused401 = stale;
          out.counts.status = result.status;
          const records = await readReport(stack, campaignId);
          for (const record of records) {
            const phone = record.result?.phoneE164;
            expect(record.outcome).toBe(phone && busy.includes(phone) ? 'busy' : 'completed');
          }
          expect(result.outcomes).toEqual({ completed: SMALL - busy.length, busy: busy.length });
          expectInvariants(await checkInvariants(stack, campaignId, { csvRows: SMALL, concurrency }), out);
        });
      },
    );
  }, 600_000);

  it('7. a 429 storm with both Retry-After forms: no request before its Retry-After', async () => {
    const concurrency = 1;
    await scenario(
      7,
      '429 storm, Retry-After seconds + HTTP-date',
      { rows: SMALL, concurrency },
      async (out) => {
        await withStack({ temporalAddress: sharedAddress(), speed: 60 }, async (stack) => {
          await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 10_000 } });
          const storm = [
            { type: '429' as const, count: 3, retry_after: 2, retry_after_format: 'seconds' as const },
            { type: '429' as const, count: 3, retry_after: 2, retry_after_format: 'http-date' as const },
          ];
          const formats = ['seconds', 'seconds', 'seconds', 'http-date', 'http-date', 'http-date'];
          await stack.admin.setFaults({ start_call: storm });
          const { csv } = contacts(SMALL, 46701746000);
          const dir = await writeCampaign(stack.workDir, 'storm', campaignFile({ concurrency }), csv);
          const campaignId = uniqueId('storm');
          await stack.spawnWorker();
          const { handle } = await stack.start({ campaignId, campaignDir: dir });
          await waitUntil(
            'half the rows',
            async () => (await finishedCalls(stack, campaignId)).length >= SMALL / 2,
          );
          const secondStormAt = (await stack.admin.stats()).startCallRequests;
          await stack.admin.setFaults({ start_call: storm });
          const result = await handle.result();
          const { startCallTimestamps: ts } = await stack.admin.stats();
          const limited = [0, 1, 2, 3, 4, 5].flatMap((i) => [
            { index: i, format: formats[i] },
            { index: secondStormAt + i, format: formats[i] },
          ]);
          const early: string[] = [];
          let minGapMs = Number.POSITIVE_INFINITY;
          for (const { index, format } of limited) {
            const at = ts[index];
            const next = ts[index + 1];
            if (at === undefined || next === undefined) continue;
            // HTTP-date has 1 s resolution: the server's own date is the deadline.
            const notBefore = format === 'seconds' ? at + 2_000 : Math.floor((at + 2_000) / 1000) * 1000;
            minGapMs = Math.min(minGapMs, next - at);
            if (next < notBefore - 5)
              early.push(`request ${index + 1} (${format}) followed ${next - at} ms later`);
          }
          out.counts.responses429 = 12;
          out.counts.minGapAfter429Ms = minGapMs;
          out.counts.status = result.status;
          out.notes.push(
            'concurrency 1 so every request after a 429 is attributable to the campaign having seen it',
          );
          expect(early).toEqual([]);
          expect(result.outcomes.completed).toBe(SMALL);
          expectInvariants(await checkInvariants(stack, campaignId, { csvRows: SMALL, concurrency }), out);
        });
      },
    );
  }, 600_000);

  it('8. a 402 mid-campaign pauses with no failed row and completes when credits return', async () => {
    const concurrency = 3;
    await scenario(8, '402 mid-campaign: pause, then resume', { rows: SMALL, concurrency }, async (out) => {
      await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
        await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 30_000 } });
        const { csv } = contacts(SMALL, 46701747000);
        const dir = await writeCampaign(
          stack.workDir,
          'credits',
          campaignFile({ concurrency, creditRecheckEvery: '2s' }),
          csv,
        );
        const campaignId = uniqueId('credits');
        await stack.spawnWorker();
        const { handle } = await stack.start({ campaignId, campaignDir: dir });
        await waitUntil(
          'a third of the rows',
          async () => (await finishedCalls(stack, campaignId)).length >= SMALL / 3,
        );
        await stack.admin.setCredits(3);
        await waitUntil(
          'paused',
          async () => (await handle.query(progressQuery)).status === 'paused',
          60_000,
        );
        const paused = await handle.query(progressQuery);
        out.counts.finishedWhenPaused = paused.rows.finished;
        out.counts.pausedReason = paused.pausedReason;
        expect(paused.outcomes.failed ?? 0).toBe(0);
        await sleep(4_000);
        const stillPaused = await handle.query(progressQuery);
        expect(stillPaused.status).toBe('paused');
        const createdBefore = (await stack.admin.stats()).callsCreated;
        await stack.admin.setCredits(1_000_000);
        // creditRecheckEvery is 2 s: the campaign must place a new call well within a minute.
        const resumed = await waitUntil(
          'the campaign to resume after credits returned',
          async () => (await stack.admin.stats()).callsCreated > createdBefore,
          60_000,
        ).then(
          () => true,
          () => false,
        );
        out.counts.resumedWithin60s = resumed;
        if (!resumed) {
          out.notes.push(
            'the campaign did not place a call within 60 s of credits returning (creditRecheckEvery is 2 s)',
          );
          await handle.terminate('fault test 8: never resumed after credits returned');
        }
        expect(resumed).toBe(true);
        const result = await handle.result();
        out.counts.status = result.status;
        expect(result.outcomes).toEqual({ completed: SMALL });
        expectInvariants(await checkInvariants(stack, campaignId, { csvRows: SMALL, concurrency }), out);
      });
    });
  }, 600_000);

  it('9. a hostile CSV: right line numbers, neutralized export, duplicate headers refused', async () => {
    const concurrency = 3;
    await scenario(9, 'Hostile CSV', { rows: 9, concurrency }, async (out) => {
      await withStack({ temporalAddress: sharedAddress(), speed: 60 }, async (stack) => {
        await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 10_000 } });
        const hostile = [
          '\uFEFFfirst_name,phone_number,appointment_date',
          '"=HYPERLINK(""http://evil.example"",""click"")",+46701748000,2026-12-01', // line 2
          '"Multi\r\nline",+46701748001,2026-12-02', // lines 3-4
          '+SUM(A1),+46701748002,2026-12-03', // line 5
          '@cmd,+46701748003,-2+3', // line 6
          '-1,+46701748004,2026-12-05', // line 7
          'BadNumber,12abc,2026-12-06', // line 8
          'TooShort,+4670,2026-12-07', // line 9
          'Ok,+46701748005,2026-12-08', // line 10
          '',
        ].join('\r\n');
        const dir = await writeCampaign(stack.workDir, 'hostile', campaignFile({ concurrency }), hostile);
        const campaignId = uniqueId('hostile');
        await stack.spawnWorker();
        const { handle } = await stack.start({ campaignId, campaignDir: dir });
        const result = await handle.result();
        const records = await readReport(stack, campaignId);
        const lineOutcomes = Object.fromEntries(records.map((r) => [r.line, r.outcome]));
        out.counts.lineOutcomes = lineOutcomes;
        expect(lineOutcomes).toEqual({
          2: 'completed',
          3: 'completed',
          5: 'completed',
          6: 'completed',
          7: 'completed',
          8: 'invalid',
          9: 'invalid',
          10: 'completed',
        });
        const csvText = await readFile(join(stack.reportsDir, campaignId, 'results.csv'), 'utf8');
        const cells = (parse(csvText, { bom: true }) as string[][]).flat();
        const dangerous = cells.filter((cell) => /^[=+\-@]/.test(cell));
        out.counts.dangerousCellsInResultsCsv = dangerous.length;
        expect(dangerous).toEqual([]);
        expect(cells).toContain(`'=HYPERLINK("http://evil.example","click")`);
        expectInvariants(await checkInvariants(stack, campaignId, { csvRows: 8, concurrency }), out);
        out.counts.status = result.status;

        // Duplicate headers: a campaign error naming the columns, nothing called.
        const dupDir = await writeCampaign(
          stack.workDir,
          'dup',
          campaignFile({ concurrency }),
          'first_name,phone_number,first_name\r\nA,+46701748100,B\r\n',
        );
        const before = (await stack.admin.stats()).startCallRequests;
        const dup = await stack.start({ campaignId: uniqueId('dup'), campaignDir: dupDir });
        const failure = await dup.handle.result().then(
          (r) => `completed: ${JSON.stringify(r)}`,
          (error: Error) =>
            `${error.message} ${String((error.cause as Error | undefined)?.message ?? '')} ${String((error.cause as { cause?: Error } | undefined)?.cause?.message ?? '')}`,
        );
        out.counts.duplicateHeaderError = failure.slice(0, 200);
        expect(failure).toContain('duplicate column');
        expect((await stack.admin.stats()).startCallRequests).toBe(before);
      });
    });
  }, 300_000);
  it('10. undocumented start-call answers on ~25% of rows: each client_request_id sent once', async () => {
    const concurrency = 5;
    await scenario(
      10,
      'Undocumented start-call answers (2xx without success, empty 201, HTML, 3xx, 409, 503)',
      { rows: ROWS, concurrency },
      async (out) => {
        await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
          await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 30_000 } });
          const answers = [
            { status: 200, body: '{"sid":"{{sid}}"}' },
            { status: 201, body: '' },
            { status: 200, body: '<html>OK</html>', content_type: 'text/html' },
            { status: 409, body: '{"error":"conflict"}' },
            { status: 503, body: '{"error":"unavailable"}' },
            { status: 302, body: '', create: false },
          ];
          const faults: Array<Record<string, unknown>> = [];
          const faulty = Math.max(answers.length, Math.round(ROWS / 4));
          for (let i = 0; i < faulty; i++) {
            faults.push({ type: 'slow', count: 2, delay_ms: 0 }); // a plain answer: spaces the faults out
            faults.push({ type: 'answer', count: 1, ...answers[i % answers.length] });
          }
          await stack.admin.setFaults({ start_call: faults as never });
          const { numbers, csv } = contacts(ROWS, 46701749000);
          const dir = await writeCampaign(
            stack.workDir,
            'answers',
            campaignFile({ concurrency, ambiguousStart: 'reattempt', reconcileAfter: '6s' }),
            csv,
          );
          const campaignId = uniqueId('answers');
          await stack.spawnWorker();
          const { handle } = await stack.start({ campaignId, campaignDir: dir });
          const result = await handle.result();
          const requests = (await stack.admin.startCallRequests()).filter((r) =>
            r.clientRequestId?.startsWith(`${campaignId}:`),
          );
          const calls = (await stack.admin.calls()).filter((c) =>
            String(c.metadata.client_request_id).startsWith(`${campaignId}:`),
          );
          out.counts.undocumentedAnswers = faulty;
          out.counts.startCallRequests = requests.length;
          out.counts.status = result.status;
          // Calls hidden behind an odd answer were found through their webhooks; the 3xx
          // created nothing, so those rows were re-attempted with a new client_request_id.
          // Either way every number was called exactly once.
          expect(calls.map((c) => c.to).sort()).toEqual([...numbers].sort());
          expect(result.outcomes.completed).toBe(ROWS);
          expectInvariants(await checkInvariants(stack, campaignId, { csvRows: ROWS, concurrency }), out);
        });
      },
    );
  }, 600_000);

  it('11. signed webhooks replayed to other rows, other attempts and uncertain starts move nothing', async () => {
    const concurrency = 4;
    await scenario(
      11,
      'Signed webhooks replayed across rows, attempts and uncertain starts',
      { rows: SMALL, concurrency },
      async (out) => {
        await withStack({ temporalAddress: sharedAddress(), speed: 30 }, async (stack) => {
          await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 120_000 } });
          // Every 4th start-call answers 302 and creates nothing: those rows wait, uncertain,
          // for a webhook naming their call, and must end `unknown`, not adopt another call.
          const faults: Array<Record<string, unknown>> = [];
          for (let i = 0; i < Math.ceil(SMALL / 4); i++) {
            faults.push({ type: 'slow', count: 3, delay_ms: 0 });
            faults.push({ type: 'answer', count: 1, status: 302, body: '', create: false });
          }
          await stack.admin.setFaults({ start_call: faults as never });
          const { csv } = contacts(SMALL, 46701749500);
          const dir = await writeCampaign(
            stack.workDir,
            'replays',
            campaignFile({
              concurrency,
              reconcileAfter: '6s',
              retry: { maxAttempts: 1, retryOn: [], delay: '1s' },
            }),
            csv,
          );
          const campaignId = uniqueId('replays');
          await stack.spawnWorker();
          const { handle } = await stack.start({ campaignId, campaignDir: dir });

          const post = async (url: string, body: string, header: string) =>
            (
              await fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-callmycall-signature': header },
                body,
              })
            ).status;
          const failedBody = (call: SimCall) =>
            JSON.stringify({
              event: 'call_completed',
              call_id: call.sid,
              sid: call.sid,
              timestamp: Math.floor(Date.now() / 1000),
              data: { status: 'failed', to: call.to, summary: { goal_completed: false } },
            });
          const urlFor = (clientRequestId: string, attemptDelta = 0) => {
            const [campaign = '', rowKey = '', attempt = '1'] = clientRequestId.split(':');
            return `http://127.0.0.1:${stack.receiverPort}/webhooks/${campaign}/${rowKey}/${Number(attempt) + attemptDelta}`;
          };
          let replays = 0;
          let callsReplayed = 0;
          const done = new Set<string>();
          const deadline = Date.now() + 120_000;
          let finished = false;
          void handle.result().finally(() => {
            finished = true;
          });
          while (!finished && Date.now() < deadline) {
            const requests = (await stack.admin.startCallRequests()).filter((r) =>
              r.clientRequestId?.startsWith(`${campaignId}:`),
            );
            const targets = requests.map((r) => r.clientRequestId as string);
            for (const call of (await stack.admin.calls()).filter((c) =>
              String(c.metadata.client_request_id).startsWith(`${campaignId}:`),
            )) {
              if (done.has(call.sid)) continue;
              done.add(call.sid);
              const body = failedBody(call);
              const header = signatureHeader(WEBHOOK_SECRET, body);
              const own = String(call.metadata.client_request_id);
              // To every other row's URL (placed, in-call or uncertain), and to this row's next attempt.
              for (const target of [...targets.filter((t) => t !== own), own]) {
                const url = target === own ? urlFor(own, 1) : urlFor(target);
                expect(await post(url, body, header)).toBeLessThan(500);
                replays += 1;
              }
              callsReplayed += 1;
            }
            await sleep(250);
          }
          const result = await handle.result();
          const uncertainRows = (await stack.admin.startCallRequests()).filter(
            (r) => r.clientRequestId?.startsWith(`${campaignId}:`) && r.answer === 302,
          ).length;
          out.counts.replayedWebhooks = replays;
          out.counts.callsReplayed = callsReplayed;
          out.counts.uncertainRows = uncertainRows;
          out.counts.status = result.status;
          // Nothing replayed moved a row: placed rows completed with their own call,
          // uncertain rows stayed unknown.
          expect(result.outcomes).toEqual({ completed: SMALL - uncertainRows, unknown: uncertainRows });
          expectInvariants(await checkInvariants(stack, campaignId, { csvRows: SMALL, concurrency }), out);
        });
      },
    );
  }, 600_000);
});
