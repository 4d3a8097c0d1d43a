import { ConfigError, type Env } from './env.js';

/**
 * Shortest accepted webhook signing secret. Anyone who guesses the secret can forge a
 * webhook that moves a row, so it must be a real random secret, not a word.
 */
export const MIN_WEBHOOK_SECRET_LENGTH = 24;

/**
 * The webhook signing secrets in CALLMYCALL_WEBHOOK_SECRET: one, or several
 * comma-separated while one is being rotated. Entries are trimmed and empty ones
 * dropped: an empty entry (`whsec_x,`) would otherwise make a signature made with an
 * EMPTY key valid. Throws a ConfigError naming the variable, never a value.
 */
export function webhookSecrets(env: Pick<Env, 'CALLMYCALL_WEBHOOK_SECRET'>): string[] {
  const secrets = env.CALLMYCALL_WEBHOOK_SECRET.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (secrets.length === 0) {
    throw new ConfigError('CALLMYCALL_WEBHOOK_SECRET holds no secret (only commas or spaces)');
  }
  const short = secrets.flatMap((secret, index) =>
    secret.length < MIN_WEBHOOK_SECRET_LENGTH ? [index + 1] : [],
  );
  if (short.length > 0) {
    throw new ConfigError(
      `CALLMYCALL_WEBHOOK_SECRET: entry ${short.join(', ')} of ${secrets.length} is shorter than ` +
        `${MIN_WEBHOOK_SECRET_LENGTH} characters; use the signing secret CallMyCall gave you`,
    );
  }
  return secrets;
}
