/**
 * The baseline the runner is compared with: a minimal, non-durable loop with a
 * concurrency limit doing the side effects the runner does for a row (issue 13): post
 * start-call, wait for the call_completed webhook, fetch the call (its transcript),
 * download the recording and append a result line to a file. No Temporal, no retries,
 * no report, nothing survives a crash. Optionally paced to a number of calls per
 * minute, to separate orchestration overhead from the product's callsPerMinute cap.
 */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallMyCallClient } from '../src/callmycall/client.js';

export interface PlainScriptOptions {
  baseUrl: string;
  apiKey: string;
  numbers: string[];
  concurrency: number;
  task: string;
  /** Most start-calls per minute; unlimited when omitted. */
  callsPerMinute?: number;
}

export interface PlainScriptResult {
  wallMs: number;
  completed: number;
  failed: number;
}

export async function runPlainScript(options: PlainScriptOptions): Promise<PlainScriptResult> {
  const waiters = new Map<string, () => void>();
  const early = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200).end('{}');
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event?: string; sid?: string };
        if (body.event !== 'call_completed' || !body.sid) return;
        const waiter = waiters.get(body.sid);
        if (waiter) waiter();
        else early.add(body.sid);
      } catch {
        // not JSON: ignore
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const client = new CallMyCallClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    timeoutMs: 15_000,
  });

  const outDir = await mkdtemp(join(tmpdir(), 'cmc-plain-'));
  const resultsFile = join(outDir, 'results.jsonl');
  const started = performance.now();
  const intervalMs = options.callsPerMinute ? 60_000 / options.callsPerMinute : 0;
  let nextStartAt = started;
  let index = 0;
  let completed = 0;
  let failed = 0;
  const lane = async () => {
    for (;;) {
      const number = options.numbers[index++];
      if (number === undefined) return;
      if (intervalMs > 0) {
        const at = nextStartAt;
        nextStartAt += intervalMs;
        const wait = at - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      try {
        const { sid } = await client.startCall({
          phone_number: number,
          task: options.task,
          webhook,
          language: 'en',
        });
        await new Promise<void>((resolve) => {
          if (early.delete(sid)) resolve();
          else waiters.set(sid, resolve);
        });
        waiters.delete(sid);
        const { call, transcripts } = await client.getCall(sid);
        const { recording_url } = await client.getRecordingUrl(sid, 'mp3');
        const { bytes } = await client.downloadRecording(recording_url);
        await writeFile(join(outDir, `${sid}.mp3`), bytes);
        await appendFile(resultsFile, `${JSON.stringify({ number, status: call.status, transcripts })}\n`);
        completed += 1;
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const wallMs = performance.now() - started;
  await rm(outDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { wallMs, completed, failed };
}
