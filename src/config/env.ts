import { z } from 'zod';
import { parseDuration } from '../campaign/duration.js';
import { parseFrequencyCap } from '../compliance/frequencyCap.js';
import { MAX_RETENTION } from '../storage/campaignPurge.js';

/**
 * Every setting the runner reads from the environment, with the defaults that run
 * everything locally on the simulator. Parsed once, with zod, so a bad value is
 * reported by its variable name instead of failing somewhere deep inside.
 */
export const DEFAULT_SIMULATOR_PORT = 4010;
export const DEFAULT_WEBHOOK_PORT = 4020;

/**
 * The public local defaults: printed in the README, right for the embedded simulator
 * and wrong anywhere else (with them anyone can forge webhooks, and row keys reverse to
 * phone numbers). assertNoPublicDefaults (src/config/publicDefaults.ts) refuses them
 * against a real API. Restate them nowhere: import these.
 */
export const DEFAULT_SIMULATOR_API_KEY = 'sim_test_key';
/** At least MIN_WEBHOOK_SECRET_LENGTH (src/config/webhookSecrets.ts) long, like any webhook secret. */
export const DEFAULT_WEBHOOK_SECRET = 'whsec_local_simulator_only_secret';
export const DEFAULT_ROW_KEY_SECRET = 'cmc-local-row-key-secret';

const durationMs = z.coerce.number().int().positive();

export const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('callmycall-campaigns'),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  CALLMYCALL_BASE_URL: z.url().default(`http://127.0.0.1:${DEFAULT_SIMULATOR_PORT}`),
  CALLMYCALL_API_KEY: z.string().min(1).default(DEFAULT_SIMULATOR_API_KEY),
  CALLMYCALL_WEBHOOK_SECRET: z.string().min(1).default(DEFAULT_WEBHOOK_SECRET),
  CALLMYCALL_TIMEOUT_MS: durationMs.default(15_000),
  WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_WEBHOOK_PORT),
  /** The receiver's bind address: loopback unless told otherwise (compose sets 0.0.0.0 in its container). */
  WEBHOOK_HOST: z.string().min(1).default('127.0.0.1'),
  /** Connections the receiver holds at once; the receiver's default (256) when unset. */
  WEBHOOK_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(65_535).optional(),
  WEBHOOK_PUBLIC_URL: z.url().optional(),
  CMC_DATA_DIR: z.string().min(1).default('./.data'),
  /** Unset: SQLite at <CMC_DATA_DIR>/campaigns.db; `sqlite:PATH`; or `postgres://…` (src/storage/databaseUrl.ts). */
  CMC_DATABASE_URL: z.string().optional(),
  CMC_REPORTS_DIR: z.string().min(1).default('./reports'),
  /** Keys the HMAC that turns phone numbers into row keys; set it per deployment. */
  CMC_ROW_KEY_SECRET: z.string().min(1).default(DEFAULT_ROW_KEY_SECRET),
  /** Calls to one number per period, across campaigns, for campaigns that set no frequencyCap: "3/24h". Unset: none. */
  CMC_FREQUENCY_CAP: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return undefined;
      try {
        return parseFrequencyCap(text, 'CMC_FREQUENCY_CAP');
      } catch (error) {
        ctx.issues.push({ code: 'custom', input: text, message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Purge finished campaigns' personal data this long after they were prepared, nightly ("90d"). Unset: off. */
  CMC_RETENTION: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return undefined;
      try {
        return parseDuration(text.trim(), MAX_RETENTION);
      } catch (error) {
        ctx.issues.push({ code: 'custom', input: text, message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Payload encryption keys, `id:base64,id:base64`; the first encrypts (src/payloadCodec/codecKeys.ts). */
  CMC_CODEC_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError that names each bad variable (never its value). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = result.data;
  return { ...env, WEBHOOK_PUBLIC_URL: env.WEBHOOK_PUBLIC_URL ?? `http://127.0.0.1:${env.WEBHOOK_PORT}` };
}
