import {
  ConfigError,
  DEFAULT_ROW_KEY_SECRET,
  DEFAULT_SIMULATOR_API_KEY,
  DEFAULT_WEBHOOK_SECRET,
  type Env,
} from './env.js';
import { isLoopbackHost, isLoopbackUrl } from './loopback.js';

/** The settings whose local default is a public value. */
export const PUBLIC_DEFAULTS = {
  CALLMYCALL_API_KEY: DEFAULT_SIMULATOR_API_KEY,
  CALLMYCALL_WEBHOOK_SECRET: DEFAULT_WEBHOOK_SECRET,
  CMC_ROW_KEY_SECRET: DEFAULT_ROW_KEY_SECRET,
} as const;
export type PublicDefaultVariable = keyof typeof PUBLIC_DEFAULTS;

/**
 * Refuses to run with a public default outside the simulator. A process names the
 * secrets it uses (`uses`), so each service needs only its own. "Outside the
 * simulator" means CALLMYCALL_BASE_URL is not loopback, or (for the webhook receiver)
 * that it listens on a non-loopback address, where anyone who read the README could
 * sign a webhook. Throws a ConfigError that names variables, never a value.
 */
export function assertNoPublicDefaults(
  env: Env,
  uses: readonly PublicDefaultVariable[],
  options: { listenHost?: string } = {},
): void {
  const stillDefault = (Object.keys(PUBLIC_DEFAULTS) as PublicDefaultVariable[]).filter(
    (name) => uses.includes(name) && env[name] === PUBLIC_DEFAULTS[name],
  );
  if (stillDefault.length === 0) return;
  const why = !isLoopbackUrl(env.CALLMYCALL_BASE_URL)
    ? 'CALLMYCALL_BASE_URL is not a loopback address, so this is not the local simulator'
    : options.listenHost !== undefined && !isLoopbackHost(options.listenHost)
      ? 'the receiver listens on a non-loopback address (--host or WEBHOOK_HOST)'
      : undefined;
  if (why === undefined) return;
  throw new ConfigError(
    `refusing to start: ${why}, but ${stillDefault.join(', ')} ${stillDefault.length === 1 ? 'is' : 'are'} ` +
      'still the public local default printed in the README. Set this deployment its own ' +
      `secret${stillDefault.length === 1 ? '' : 's'} (see docs/DEPLOY.md).`,
  );
}
