import { Webhook } from 'standardwebhooks';
import { parseRetryAfter } from '../callmycall/retryAfter.js';
import type { ResultEvent } from './resultEvent.js';

/** What one POST of an event led to. */
export type SendOutcome =
  | { kind: 'delivered'; status: number }
  /** 410 Gone: the receiver wants no more events of this campaign. */
  | { kind: 'gone'; status: number }
  /** Try again later: 408, 429, 5xx, a redirect, a network error or a timeout. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The receiver refused this event (another 4xx): a few more tries, then the dead-letter list. */
  | { kind: 'refused'; status: number; reason: string };

const SEND_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 200;

/**
 * POSTs one event, signed by the Standard Webhooks scheme (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) with a fresh timestamp each try and the
 * event's fixed id and body. Redirects are not followed: a signed body goes only to the
 * URL in campaign.json. Never throws; never puts the secret in a reason.
 */
export async function sendResultEvent(
  event: ResultEvent,
  url: string,
  secret: string,
  now = new Date(),
): Promise<SendOutcome> {
  const signature = new Webhook(secret).sign(event.id, now, event.body);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'callmycall-campaigns result webhook',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: event.body,
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: 'retry',
      reason: `could not reach the receiver: ${[message, cause].filter(Boolean).join(': ')}`,
    };
  }
  const excerpt = (await response.text().catch(() => '')).slice(0, EXCERPT_CHARS);
  const status = response.status;
  const reason = `receiver answered ${status}${excerpt ? `: ${JSON.stringify(excerpt)}` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 410) return { kind: 'gone', status };
  if (status === 408 || status === 429 || status >= 500 || (status >= 300 && status < 400)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return { kind: 'retry', reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'refused', status, reason };
}
