import { Client, Connection } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { loadEnv } from '../config/env.js';
import { webhookSecrets } from '../config/webhookSecrets.js';
import { createLogger } from '../logging/logger.js';
import { startWebhookReceiver } from '../webhooks/receiver.js';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return parsed;
}

/** `cmc webhooks`: the signed-webhook receiver (production). */
export function webhooksCommand(): Command {
  return new Command('webhooks')
    .description('Receive CallMyCall webhooks, verify their signature and signal the call workflows')
    .option('--port <port>', 'port to listen on (default: $WEBHOOK_PORT or 4020)', port)
    .option('--host <host>', 'address to bind', '0.0.0.0')
    .action(async (options: { port?: number; host: string }) => {
      const env = loadEnv();
      const logger = createLogger('webhooks', { level: env.LOG_LEVEL });
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      const receiver = await startWebhookReceiver({
        temporal: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }),
        secrets: webhookSecrets(env),
        logger,
        port: options.port ?? env.WEBHOOK_PORT,
        host: options.host,
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
