import { z } from 'zod';
import { isLoopbackHost } from '../config/loopback.js';

/**
 * campaign.json's `resultWebhook`: where the runner POSTs each row's final result and
 * the campaign's summary, signed by the Standard Webhooks scheme. The file names the
 * environment variable that holds the signing secret, never the secret.
 */
export const RESULT_EVENT_TYPES = ['row.finished', 'campaign.finished', 'campaign.failed'] as const;
export type ResultEventType = (typeof RESULT_EVENT_TYPES)[number];

const webhookUrl = z
  .string()
  .max(2_000)
  .check((ctx) => {
    const problem = urlProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
  })
  .meta({ description: "The clinic's endpoint: https, or http on this machine (localhost) only." });

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password)
    return 'must not carry a user name or password (the signature authenticates us)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be https (plain http only to localhost): results carry personal data';
}

export const resultWebhookSchema = z
  .strictObject({
    url: webhookUrl,
    secretEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, {
        error: 'must be an environment variable name such as RESULT_WEBHOOK_SECRET',
      })
      .meta({ description: 'Environment variable holding the signing secret (whsec_ followed by base64).' }),
    events: z
      .array(z.enum(RESULT_EVENT_TYPES))
      .min(1)
      .default([...RESULT_EVENT_TYPES])
      .transform((events) => [...new Set(events)])
      .meta({ description: 'Which events to send; default: all.' }),
  })
  .meta({ description: "Signed result events into the clinic's own system (Standard Webhooks)." });

export type ResultWebhookSetting = z.output<typeof resultWebhookSchema>;

/** Shortest secret accepted, in bytes after base64: a guessable secret lets anyone forge results. */
const MIN_SECRET_BYTES = 24;

export class ResultWebhookSecretError extends Error {
  override readonly name = 'ResultWebhookSecretError';
}

/**
 * The signing secret from the variable `name`, checked: `whsec_` then base64 of at least
 * 24 bytes, the form Standard Webhooks secrets take. Errors name the variable, never its value.
 */
export function resultWebhookSecret(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ResultWebhookSecretError(`resultWebhook.secretEnv: ${name} is not set on the worker`);
  const encoded = value.startsWith('whsec_') ? value.slice('whsec_'.length) : undefined;
  if (
    encoded === undefined ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ||
    Buffer.from(encoded, 'base64').length < MIN_SECRET_BYTES
  ) {
    throw new ResultWebhookSecretError(
      `resultWebhook.secretEnv: ${name} must be "whsec_" followed by base64 of at least ${MIN_SECRET_BYTES} random bytes ` +
        `(e.g. node -e "console.log('whsec_'+require('crypto').randomBytes(32).toString('base64'))")`,
    );
  }
  return value;
}
