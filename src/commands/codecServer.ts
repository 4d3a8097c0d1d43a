import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, type Env } from '../config/env.js';
import { isLoopbackHost } from '../config/loopback.js';
import { createLogger } from '../logging/logger.js';
import { AesGcmPayloadCodec } from '../payloadCodec/aesGcmPayloadCodec.js';
import { describeKeyring } from '../payloadCodec/codecKeys.js';
import { startCodecServer } from '../payloadCodec/codecServer.js';
import { configuredKeyring, keyringFromEnv } from '../payloadCodec/keyringFromEnv.js';
import { CliError, ExitCode } from './exitCodes.js';
import { startupCheck } from './startupCheck.js';
import { loadCliEnv } from './temporalConnection.js';

/** The variable holding the optional bearer token; its value is never printed. */
export const CODEC_TOKEN_VARIABLE = 'CMC_CODEC_TOKEN';
export const DEFAULT_CODEC_SERVER_PORT = 8234;

export interface CodecServerFlags {
  port?: number;
  host?: string;
  corsOrigin?: string[];
}

export interface CodecServerSettings {
  host: string;
  port: number;
  corsOrigins: string[];
  token: string | undefined;
  namespaces: string[];
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return parsed;
}

/** An origin as a browser sends it: scheme://host[:port], no path. */
function origin(value: string, previous: string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an origin such as http://localhost:8233');
  }
  if (!['http:', 'https:'].includes(url.protocol)) {
    throw new InvalidArgumentError('must be an http(s) origin such as http://localhost:8233');
  }
  return [...previous, url.origin];
}

/**
 * Where `cmc codec-server` listens and whom it answers. Loopback by default; listening
 * anywhere else without CMC_CODEC_TOKEN is refused, since the server decrypts for anyone
 * who reaches it. Default CORS origin: the Temporal Web UI (TEMPORAL_UI_URL).
 */
export function codecServerSettings(
  flags: CodecServerFlags,
  env: Env,
  source: NodeJS.ProcessEnv = process.env,
): CodecServerSettings {
  return startupCheck(() => {
    const host = flags.host ?? '127.0.0.1';
    const rawToken = source[CODEC_TOKEN_VARIABLE];
    if (rawToken !== undefined && rawToken !== '' && rawToken.trim().length < 16) {
      throw new ConfigError(`${CODEC_TOKEN_VARIABLE} must be at least 16 characters`);
    }
    const token = rawToken?.trim() ? rawToken.trim() : undefined;
    if (!isLoopbackHost(host) && token === undefined) {
      throw new ConfigError(
        `refusing to serve decrypted payloads on ${host} without ${CODEC_TOKEN_VARIABLE}: ` +
          `set it, or keep the default loopback host and reach the server through a tunnel or proxy`,
      );
    }
    return {
      host,
      port: flags.port ?? DEFAULT_CODEC_SERVER_PORT,
      corsOrigins: flags.corsOrigin?.length ? flags.corsOrigin : [new URL(env.TEMPORAL_UI_URL).origin],
      token,
      namespaces: [env.TEMPORAL_NAMESPACE],
    };
  });
}

/** `cmc codec-server`: Temporal's remote codec endpoint, so people read decrypted payloads in the Web UI. */
export function codecServerCommand(): Command {
  return new Command('codec-server')
    .description(
      "Serve Temporal's codec endpoint: the Web UI and `temporal --codec-endpoint` decrypt payloads",
    )
    .option('--port <port>', `port to listen on, 0 = random (default ${DEFAULT_CODEC_SERVER_PORT})`, port)
    .option('--host <host>', 'address to bind (default 127.0.0.1; anything else needs CMC_CODEC_TOKEN)')
    .option(
      '--cors-origin <url>',
      'browser origin allowed to call it, repeatable (default: the origin of $TEMPORAL_UI_URL)',
      origin,
    )
    .addHelpText(
      'after',
      "\nKeys come from CMC_CODEC_KEYS (or the local stack's <CMC_DATA_DIR>/codec-keys while\n" +
        'TEMPORAL_ADDRESS is loopback). When CMC_CODEC_TOKEN is set, requests need\n' +
        '`Authorization: Bearer <token>`. Requests whose X-Namespace is not $TEMPORAL_NAMESPACE are refused.\n' +
        '\nExamples:\n' +
        '  cmc codec-server                                   # http://127.0.0.1:8234 for the UI at :8233\n' +
        '  cmc codec-server --cors-origin https://temporal.example.com\n' +
        '  temporal workflow show -w <id> --codec-endpoint http://127.0.0.1:8234\n' +
        '\nIn the Web UI: Settings (the gear) > Codec Server > http://127.0.0.1:8234, or start the UI\n' +
        'with --ui-codec-endpoint / TEMPORAL_CODEC_ENDPOINT. See docs/COMPLIANCE.md.\n' +
        '\nExit status: 0 stopped by Ctrl-C/SIGTERM; 2 bad flag, key or token; 3 the port is taken.',
    )
    .action(async (flags: CodecServerFlags) => {
      const env = loadCliEnv();
      const settings = codecServerSettings(flags, env);
      startupCheck(() => configuredKeyring(env));
      // No namespace check here: this server only decodes what a person asks it to.
      const keyring = await keyringFromEnv(env);
      const logger = createLogger('codec-server', { level: env.LOG_LEVEL });
      let server: Awaited<ReturnType<typeof startCodecServer>>;
      try {
        server = await startCodecServer({
          codec: new AesGcmPayloadCodec(keyring),
          logger,
          host: settings.host,
          port: settings.port,
          corsOrigins: settings.corsOrigins,
          token: settings.token,
          namespaces: settings.namespaces,
        });
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
      console.log(`codec server listening on ${server.url}`);
      console.log(`  keys: ${describeKeyring(keyring)}`);
      console.log(`  CORS origins: ${settings.corsOrigins.join(', ')}`);
      console.log(
        `  bearer token: ${settings.token ? `required (${CODEC_TOKEN_VARIABLE})` : 'not required'}`,
      );
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await server.close();
    });
}
