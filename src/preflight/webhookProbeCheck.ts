import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallMyCallClient } from '../callmycall/client.js';
import { probePath } from '../webhooks/probeDeliveries.js';
import { apiFailure } from './apiChecks.js';
import { fail, type PreflightCheck, pass, reasonOf } from './preflightCheck.js';

const NAME = 'webhook receiver';
const HTTP_TIMEOUT_MS = 3_000;
/** CallMyCall has answered /v1/webhook/test by now; this is for a delivery still on its way. */
const READ_BACK_MS = 5_000;
const READ_BACK_INTERVAL_MS = 250;

/**
 * The receiver is reachable from CallMyCall and verifies its signatures: doctor asks
 * CallMyCall to send a test event to `<WEBHOOK_PUBLIC_URL>/webhook-probe/<nonce>` and
 * reads back from the receiver, at the same public URL, whether it arrived and verified
 * (src/webhooks/probeDeliveries.ts). Only the receiver can tell: doctor never sees the
 * secret CallMyCall signs with, so this works the same against the real API.
 */
export async function webhookProbeCheck(
  client: CallMyCallClient,
  publicUrl: string,
): Promise<PreflightCheck> {
  const base = publicUrl.replace(/\/+$/, '');
  const health = await fetchWithTimeout(`${base}/healthz`).catch((error: unknown) => error);
  if (!(health instanceof Response) || !health.ok) {
    const why = health instanceof Response ? `answered ${health.status}` : reasonOf(health);
    return fail(
      NAME,
      `the receiver does not answer at WEBHOOK_PUBLIC_URL ${base} (${why})`,
      'start `cmc webhooks` (or `cmc dev`), and set WEBHOOK_PUBLIC_URL to the address CallMyCall reaches it at',
    );
  }
  const probeUrl = `${base}${probePath(randomBytes(16).toString('base64url'))}`;
  let sent: Record<string, unknown>;
  try {
    sent = await client.sendTestWebhook({ webhook_url: probeUrl, event: 'call_completed' });
  } catch (error) {
    return apiFailure(NAME, client, error);
  }
  const deadline = Date.now() + READ_BACK_MS;
  for (;;) {
    const seen = await readProbe(probeUrl);
    if (seen === 'verified') {
      return pass(NAME, `a signed test event from CallMyCall reached ${base} and its signature verified`);
    }
    if (seen === 'signature_rejected') {
      return fail(
        NAME,
        `a test event from CallMyCall reached ${base}, but its signature did not verify`,
        "set CALLMYCALL_WEBHOOK_SECRET (where `cmc webhooks` runs) to this CallMyCall account's webhook signing secret, and restart the receiver",
      );
    }
    if (Date.now() > deadline) break;
    await sleep(READ_BACK_INTERVAL_MS);
  }
  const status =
    typeof sent.status_code === 'number' ? `; CallMyCall reports status ${sent.status_code}` : '';
  return fail(
    NAME,
    `CallMyCall's test event to ${base} never reached this receiver${status}`,
    'make WEBHOOK_PUBLIC_URL a public (HTTPS) address that forwards to `cmc webhooks`; with several receivers behind a load balancer, run doctor against one',
  );
}

async function readProbe(url: string): Promise<string | undefined> {
  try {
    const response = await fetchWithTimeout(url);
    if (!response.ok) return undefined;
    const body = (await response.json()) as { outcome?: unknown };
    return typeof body.outcome === 'string' ? body.outcome : undefined;
  } catch {
    return undefined;
  }
}

function fetchWithTimeout(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
}
