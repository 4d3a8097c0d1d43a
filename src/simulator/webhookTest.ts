import { z } from 'zod';
import { HttpError, readJsonObject, sendJson } from './http.js';
import { newCallSid } from './ids.js';
import type { RouteContext } from './router.js';
import { WEBHOOK_EVENTS } from './startCallRequest.js';
import { webhookPayload } from './webhookPayloads.js';

const testSchema = z.object({
  webhook_url: z
    .string({ error: 'webhook_url is required' })
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      error: 'webhook_url must be an http(s) URL',
    }),
  event: z.enum(WEBHOOK_EVENTS, { error: `event must be one of ${WEBHOOK_EVENTS.join(', ')}` }).optional(),
});

/**
 * POST /v1/webhook/test: sends a signed synthetic event (call_completed unless
 * told otherwise) under the normal delivery contract and reports how it went.
 * The reference accepts only HTTPS; the simulator also takes http:// for local receivers.
 */
export async function sendTestWebhook({ req, res, sim }: RouteContext): Promise<void> {
  const result = testSchema.safeParse(await readJsonObject(req));
  if (!result.success) throw new HttpError(400, result.error.issues[0]?.message ?? 'Invalid request body');
  const event = result.data.event ?? 'call_completed';
  const sid = newCallSid();
  const payload = webhookPayload(event, {
    sid,
    to: '+46700000000',
    status: 'completed',
    goalCompleted: true,
    transcripts: [
      {
        role: 'assistant',
        text: 'This is a test webhook from CallMyCall.',
        seq: 1,
        timestamp: new Date().toISOString(),
      },
    ],
    credits: 1,
    durationSeconds: 30,
  });
  const delivery = await sim.deliverer.deliver(result.data.webhook_url, event, sid, JSON.stringify(payload));
  sendJson(res, 200, {
    success: delivery.delivered,
    event,
    sid,
    status_code: delivery.status,
    attempts: delivery.attempts,
    ...(delivery.error ? { error: delivery.error } : {}),
  });
}
