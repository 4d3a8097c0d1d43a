import { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_SIMULATOR_API_KEY, DEFAULT_SIMULATOR_PORT, DEFAULT_WEBHOOK_SECRET } from '../config/env.js';
import { createLogger } from '../logging/logger.js';
import { SIMULATOR_DEFAULTS } from '../simulator/options.js';
import { type SimulatorOptions, startSimulator } from '../simulator/server.js';
import { CliError, ExitCode } from './exitCodes.js';

/** Flags as commander hands them over: strings, undefined when not given. */
export interface SimulatorFlags {
  port?: string;
  host?: string;
  apiKey?: string;
  webhookSecret?: string;
  credits?: string;
  speed?: string;
  minCredits?: string;
  rateLimit?: string;
  publicUrl?: string;
}

type Setting = keyof SimulatorFlags;

/** Each setting's flag and environment variable, named in error messages. */
const SOURCES: Record<Setting, { flag: string; env: string }> = {
  port: { flag: '--port', env: 'SIM_PORT' },
  host: { flag: '--host', env: 'SIM_HOST' },
  apiKey: { flag: '--api-key', env: 'SIM_API_KEY' },
  webhookSecret: { flag: '--webhook-secret', env: 'CALLMYCALL_WEBHOOK_SECRET' },
  credits: { flag: '--credits', env: 'SIM_CREDITS' },
  speed: { flag: '--speed', env: 'SIM_SPEED' },
  minCredits: { flag: '--min-credits', env: 'SIM_MIN_CREDITS' },
  rateLimit: { flag: '--rate-limit', env: 'SIM_RATE_LIMIT' },
  publicUrl: { flag: '--public-url', env: 'SIM_PUBLIC_URL' },
};

/** Secrets are never echoed back in an error message. */
const SECRET_SETTINGS = new Set<Setting>(['apiKey', 'webhookSecret']);

// z.number() rejects NaN and Infinity, so `Number('abc')` fails here.
const number = z.string().trim().min(1).transform(Number).pipe(z.number());

const PARSERS = {
  port: { schema: number.pipe(z.number().int().min(0).max(65535)), expected: 'an integer from 0 to 65535' },
  host: { schema: z.string().trim().min(1), expected: 'a host name or address' },
  apiKey: { schema: z.string().min(1), expected: 'a non-empty string' },
  webhookSecret: { schema: z.string().min(1), expected: 'a non-empty string' },
  credits: { schema: number, expected: 'a number' },
  speed: { schema: number.pipe(z.number().positive()), expected: 'a positive number (1 = real time)' },
  minCredits: { schema: number.pipe(z.number().nonnegative()), expected: 'a number >= 0' },
  rateLimit: {
    schema: z
      .string()
      .trim()
      .regex(/^\d+\/\d+(\.\d+)?$/)
      .transform((value) => {
        const [capacity, perSecond] = value.split('/').map(Number);
        return { capacity: capacity ?? 0, refillPerSecond: perSecond ?? 0 };
      })
      .refine((limit) => limit.capacity > 0 && limit.refillPerSecond > 0),
    expected: '<capacity>/<perSecond>, both positive (e.g. 5/2)',
  },
  publicUrl: { schema: z.url(), expected: 'an http(s) URL' },
} as const;

/**
 * Settings from flags, falling back to environment variables, then defaults.
 * Throws a usage CliError naming the flag or variable that holds a bad value.
 */
export function resolveSimulatorSettings(
  flags: SimulatorFlags,
  env: NodeJS.ProcessEnv = process.env,
): Omit<SimulatorOptions, 'logger'> {
  function read<K extends Setting>(setting: K): z.output<(typeof PARSERS)[K]['schema']> | undefined {
    const { flag, env: variable } = SOURCES[setting];
    const fromFlag = flags[setting];
    const raw = fromFlag ?? env[variable];
    if (raw === undefined || (fromFlag === undefined && raw === '')) return undefined;
    const parser = PARSERS[setting];
    const result = parser.schema.safeParse(raw);
    if (!result.success) {
      const source = fromFlag !== undefined ? flag : `environment variable ${variable}`;
      const shown = SECRET_SETTINGS.has(setting) ? '' : ` (got "${raw}")`;
      throw new CliError(`${source} must be ${parser.expected}${shown}`, ExitCode.usage);
    }
    return result.data as z.output<(typeof PARSERS)[K]['schema']>;
  }
  return {
    port: read('port') ?? DEFAULT_SIMULATOR_PORT,
    host: read('host') ?? SIMULATOR_DEFAULTS.host,
    apiKey: read('apiKey') ?? DEFAULT_SIMULATOR_API_KEY,
    webhookSecret: read('webhookSecret') ?? DEFAULT_WEBHOOK_SECRET,
    credits: read('credits') ?? SIMULATOR_DEFAULTS.credits,
    speed: read('speed') ?? SIMULATOR_DEFAULTS.speed,
    minimumCredits: read('minCredits') ?? SIMULATOR_DEFAULTS.minimumCredits,
    rateLimit: read('rateLimit'),
    publicUrl: read('publicUrl'),
  };
}

function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `cmc simulator`: runs the local CallMyCall simulator until SIGINT/SIGTERM. */
export function simulatorCommand(): Command {
  const help = (setting: Setting, text: string) => `${text} [env ${SOURCES[setting].env}]`;
  return new Command('simulator')
    .description('Run the local CallMyCall API simulator (demo default, test double, dry-run sandbox).')
    .option(
      '--port <port>',
      help('port', `port to listen on, 0 = random (default ${DEFAULT_SIMULATOR_PORT})`),
    )
    .option('--host <host>', help('host', `address to bind (default ${SIMULATOR_DEFAULTS.host})`))
    .option(
      '--api-key <key>',
      help('apiKey', `API key clients must send as Bearer (default ${DEFAULT_SIMULATOR_API_KEY})`),
    )
    .option(
      '--webhook-secret <secret>',
      help('webhookSecret', `secret that signs webhooks (default ${DEFAULT_WEBHOOK_SECRET})`),
    )
    .option(
      '--credits <credits>',
      help('credits', `starting credit balance (default ${SIMULATOR_DEFAULTS.credits})`),
    )
    .option('--speed <factor>', help('speed', 'simulated seconds per real second (default 1)'))
    .option(
      '--min-credits <credits>',
      help(
        'minCredits',
        `balance below which start-call answers 402 (default ${SIMULATOR_DEFAULTS.minimumCredits})`,
      ),
    )
    .option(
      '--rate-limit <capacity/perSecond>',
      help('rateLimit', 'token bucket on start-call, e.g. 5/2 (default off)'),
    )
    .option('--public-url <url>', help('publicUrl', 'base URL written into recording and consent URLs'))
    .action(async (flags: SimulatorFlags) => {
      const settings = resolveSimulatorSettings(flags);
      const logger = createLogger('simulator');
      let simulator: Awaited<ReturnType<typeof startSimulator>>;
      try {
        simulator = await startSimulator({ ...settings, logger });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new CliError(
            `cannot listen on ${settings.host}:${settings.port} (${code})`,
            ExitCode.unavailable,
          );
        }
        throw error;
      }
      const signal = await waitForShutdownSignal();
      logger.info({ signal }, 'shutting down simulator');
      await simulator.close();
    });
}
