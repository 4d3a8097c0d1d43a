import { Client, Connection } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import type { Env } from '../config/env.js';
import { assertNoPublicDefaults, type PublicDefaultVariable } from '../config/publicDefaults.js';
import { webhookSecrets } from '../config/webhookSecrets.js';
import { createLogger } from '../logging/logger.js';
import { configuredKeyring } from '../payloadCodec/keyringFromEnv.js';
import { namespaceIdLookup } from '../payloadCodec/namespaceIdLookup.js';
import { dataConverterFromEnv } from '../temporal/dataConverter.js';
import { startWebhookReceiver } from '../webhooks/receiver.js';
import { redeliverResultsCommand } from './redeliverResults.js';
import { startupCheck } from './startupCheck.js';
import { loadCliEnv } from './temporalConnection.js';

/** The only secret the receiver holds: it never calls the API and never computes row keys. */
const RECEIVER_SECRETS: readonly PublicDefaultVariable[] = ['CALLMYCALL_WEBHOOK_SECRET'];

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return parsed;
}

export interface ReceiverSettings {
  host: string;
  port: number;
  secrets: string[];
  maxConnections: number | undefined;
}

/**
 * Where `cmc webhooks` listens and what it verifies with: loopback unless --host or
 * WEBHOOK_HOST says otherwise. Refuses (exit 2) a missing or short secret, and the
 * public default secret outside the simulator.
 */
export function receiverSettings(flags: { port?: number; host?: string }, env: Env): ReceiverSettings {
  const host = flags.host ?? env.WEBHOOK_HOST;
  return startupCheck(() => {
    assertNoPublicDefaults(env, RECEIVER_SECRETS, { listenHost: host });
    return {
      host,
      port: flags.port ?? env.WEBHOOK_PORT,
      secrets: webhookSecrets(env),
      maxConnections: env.WEBHOOK_MAX_CONNECTIONS,
    };
  });
}

/** `cmc webhooks`: the signed-webhook receiver (production). */
export function webhooksCommand(): Command {
  return new Command('webhooks')
    .description(
      'Receive CallMyCall webhooks, verify their signature and signal the call workflows; `redeliver` sends result webhooks again',
    )
    .addCommand(redeliverResultsCommand())
    .option('--port <port>', 'port to listen on (default: $WEBHOOK_PORT or 4020)', port)
    .option('--host <host>', 'address to bind (default: $WEBHOOK_HOST or 127.0.0.1)')
    .action(async (options: { port?: number; host?: string }) => {
      const env = loadCliEnv();
      const settings = receiverSettings(options, env);
      // Call events carry transcripts: the receiver's signals are encrypted like everything else.
      startupCheck(() => configuredKeyring(env));
      const logger = createLogger('webhooks', { level: env.LOG_LEVEL });
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      const dataConverter = await dataConverterFromEnv(
        env,
        namespaceIdLookup(connection.workflowService, env.TEMPORAL_NAMESPACE),
      );
      const receiver = await startWebhookReceiver({
        temporal: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }),
        secrets: settings.secrets,
        logger,
        port: settings.port,
        host: settings.host,
        ...(settings.maxConnections === undefined ? {} : { maxConnections: settings.maxConnections }),
      });
      logger.info({ url: receiver.url }, 'webhook receiver listening');
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await receiver.close();
      await connection.close();
    });
}
