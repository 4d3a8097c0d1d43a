import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One POST the clinic's receiver got, verified with the Standard Webhooks library. */
export interface ReceivedDelivery {
  id: string;
  verified: boolean;
  status: number;
  type?: string;
  data?: Record<string, unknown>;
}

/**
 * A clinic's result webhook endpoint for tests: verifies every request's signature with
 * `standardwebhooks` (the library a receiver would use), records it, and answers what
 * the test says: 503 while "down", a fixed status for chosen rows, else 204.
 */
export class ResultReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  private downUntil = 0;
  private readonly statusByRow = new Map<string, number>();
  private statusForAll: number | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly webhook: Webhook,
  ) {}

  static async start(secret: string): Promise<ResultReceiver> {
    let receiver: ResultReceiver | undefined;
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const status = receiver?.handle(req, body) ?? 500;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new ResultReceiver(server, `http://127.0.0.1:${port}/cmc/results`, new Webhook(secret));
    return receiver;
  }

  /** Answers 503 for the next `ms` milliseconds. */
  downFor(ms: number): void {
    this.downUntil = Date.now() + ms;
  }

  /** Answers `status` to every row.finished event of `rowKey` (undefined: back to normal). */
  answerForRow(rowKey: string, status: number | undefined): void {
    if (status === undefined) this.statusByRow.delete(rowKey);
    else this.statusByRow.set(rowKey, status);
  }

  answerForAll(status: number | undefined): void {
    this.statusForAll = status;
  }

  /** Verified deliveries the receiver accepted (2xx), one per webhook-id: what a deduping receiver keeps. */
  accepted(): Map<string, ReceivedDelivery> {
    const kept = new Map<string, ReceivedDelivery>();
    for (const delivery of this.deliveries) {
      if (delivery.verified && delivery.status < 300 && !kept.has(delivery.id))
        kept.set(delivery.id, delivery);
    }
    return kept;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, body: string): number {
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let payload: { type?: string; data?: Record<string, unknown> } | undefined;
    try {
      payload = this.webhook.verify(body, headers) as typeof payload;
    } catch {
      payload = undefined;
    }
    const rowKey = typeof payload?.data?.row_key === 'string' ? payload.data.row_key : undefined;
    let status = 204;
    if (!payload) status = 401;
    else if (Date.now() < this.downUntil) status = 503;
    else if (this.statusForAll !== undefined) status = this.statusForAll;
    else if (rowKey !== undefined && this.statusByRow.has(rowKey))
      status = this.statusByRow.get(rowKey) ?? 204;
    this.deliveries.push({
      id: headers['webhook-id'],
      verified: payload !== undefined,
      status,
      ...(payload?.type === undefined ? {} : { type: payload.type }),
      ...(payload?.data === undefined ? {} : { data: payload.data }),
    });
    return status;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
