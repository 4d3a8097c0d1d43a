import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { SimulatorAdmin } from '../../src/simulator/adminClient.js';
import { SIMULATOR_DEFAULTS } from '../../src/simulator/options.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/server.js';

/** Shared helpers for the simulator contract tests: plain fetch, a real webhook receiver, polling. */

/** What the simulator uses when started without a key or secret. */
export const API_KEY = SIMULATOR_DEFAULTS.apiKey;
export const WEBHOOK_SECRET = SIMULATOR_DEFAULTS.webhookSecret;

export interface TestSimulator {
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  url: string;
  /** fetch against the simulator with the Bearer key (unless `auth: false`). */
  api(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  /** POST JSON with the Bearer key. */
  post(path: string, body: unknown): Promise<Response>;
  startCall(body: Record<string, unknown>): Promise<string>;
  getCall(sid: string): Promise<CallResponse>;
  waitForStatus(sid: string, statuses: string[], timeoutMs?: number): Promise<CallResponse>;
}

export interface CallResponse {
  call: {
    call_id: string;
    status: string;
    to: string;
    created_at: string;
    ended_at: string | null;
    duration: number | null;
    credits: number | null;
    summary: { goal_completed: boolean } | null;
    metadata: Record<string, unknown>;
  };
  transcripts: Array<{ role: string; text: string; seq: number }>;
}

export const silentLogger = pino({ level: 'silent' });

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const sim = await startSimulator({ port: 0, speed: 100, logger: silentLogger, ...options });
  const api = (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const { auth = true, headers, ...rest } = init;
    return fetch(`${sim.url}${path}`, {
      ...rest,
      headers: {
        ...(auth ? { authorization: `Bearer ${options.apiKey ?? API_KEY}` } : {}),
        ...(headers ?? {}),
      },
    });
  };
  const post = (path: string, body: unknown) =>
    api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const getCall = async (sid: string) => {
    const response = await api(`/v1/calls/${sid}`);
    if (response.status !== 200) throw new Error(`GET call ${sid} -> ${response.status}`);
    return (await response.json()) as CallResponse;
  };
  return {
    sim,
    admin: new SimulatorAdmin(sim.url),
    url: sim.url,
    api,
    post,
    async startCall(body) {
      const response = await post('/v1/start-call', body);
      const json = (await response.json()) as { sid?: string; error?: string };
      if (response.status !== 200 || !json.sid)
        throw new Error(`start-call -> ${response.status} ${json.error}`);
      return json.sid;
    },
    getCall,
    async waitForStatus(sid, statuses, timeoutMs = 5_000) {
      return waitFor(async () => {
        const call = await getCall(sid);
        return statuses.includes(call.call.status) ? call : undefined;
      }, timeoutMs);
    },
  };
}

/** Polls `probe` until it returns something other than undefined/false. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await delay(everyMs);
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { event: string; call_id: string; sid: string; timestamp: number; data: Record<string, unknown> };
  /** performance.now() when the request body was fully read. */
  at: number;
}

/** What the receiver does with the nth request (0-based): answer a status, or hang without answering. */
export type Reply = number | 'hang';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real node:http webhook receiver that records every request. */
export async function startReceiver(
  reply: (index: number, req: IncomingMessage) => Reply = () => 200,
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const index = requests.length;
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: JSON.parse(rawBody),
        at: performance.now(),
      });
      const answer = reply(index, req);
      if (answer === 'hang') return;
      res.writeHead(
        answer,
        answer >= 300 && answer < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : {},
      );
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/cmc`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Reads a whole SSE response into its events. */
export async function readSse(response: Response): Promise<Array<{ event: string; data: unknown }>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? 'null';
      return { event, data: JSON.parse(data) as unknown };
    });
}
