import type { ServerResponse } from 'node:http';
import type { CallEvents } from './callEvents.js';
import { type CallRecord, isFinal, type TranscriptLine } from './callRegistry.js';
import { HttpError } from './http.js';
import type { RouteContext } from './router.js';

const added = (line: TranscriptLine) =>
  `event: added\ndata: ${JSON.stringify({ role: line.role, text: line.text, seq: line.seq })}\n\n`;

/**
 * GET /v1/calls/:callId/transcripts/stream: Server-Sent Events. Lines said so far
 * come first, then each new one as `event: added`; `event: ping` every interval keeps
 * proxies from timing the stream out. The stream ends when the call is final.
 */
export class TranscriptStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly events: CallEvents,
    private readonly pingEveryMs: number,
  ) {}

  handle({ req, res, params, sim }: RouteContext): void {
    const call = sim.registry.get(params.callId ?? '');
    if (!call) throw new HttpError(404, 'Call not found');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    for (const line of call.transcripts) res.write(added(line));
    if (isFinal(call.status)) {
      res.end();
      return;
    }
    req.on('close', this.follow(call, res));
  }

  /** Streams the call's new lines until it is final; returns the idempotent stop function. */
  private follow(call: CallRecord, res: ServerResponse): () => void {
    const ping = setInterval(() => {
      res.write(`event: ping\ndata: ${JSON.stringify({ ts: Math.floor(Date.now() / 1000) })}\n\n`);
    }, this.pingEveryMs);
    const unsubscribe = this.events.on((event) => {
      if (event.call.sid !== call.sid) return;
      if (event.type === 'transcript') res.write(added(event.line));
      if (event.type === 'final') stop();
    });
    const stop = () => {
      if (!this.open.delete(stop)) return;
      clearInterval(ping);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    this.open.add(stop);
    return stop;
  }

  /** Ends every open stream (reset/close). */
  closeAll(): void {
    for (const stop of [...this.open]) stop();
  }
}
