import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Env } from '../config/env.js';
import {
  assertNoPublicDefaults,
  PUBLIC_DEFAULTS,
  type PublicDefaultVariable,
} from '../config/publicDefaults.js';
import { webhookSecrets } from '../config/webhookSecrets.js';
import type { Logger } from '../logging/logger.js';
import { AesGcmPayloadCodec } from '../payloadCodec/aesGcmPayloadCodec.js';
import { describeKeyring } from '../payloadCodec/codecKeys.js';
import { type RunningCodecServer, startCodecServer } from '../payloadCodec/codecServer.js';
import { keyringFromEnv } from '../payloadCodec/keyringFromEnv.js';
import { lateCodec } from '../payloadCodec/lateCodec.js';
import { ensureLocalCodecKeyFile } from '../payloadCodec/localCodecKeyFile.js';
import { namespaceIdLookup } from '../payloadCodec/namespaceIdLookup.js';
import { type RunningSimulator, startSimulator } from '../simulator/server.js';
import { dataConverterFor } from '../temporal/dataConverter.js';
import { type RunningWebhookReceiver, startWebhookReceiver } from '../webhooks/receiver.js';
import { type CampaignWorker, createCampaignWorker } from '../worker.js';
import { resolveTemporalCli } from './temporalCli.js';
import { type RunningDevServer, startTemporalDevServer } from './temporalDevServer.js';

export interface LocalStackOptions {
  env: Env;
  logger: Logger;
  /** Simulated seconds per real second (the demo speeds calls up). */
  simulatorSpeed?: number;
}

export interface LocalStack {
  temporal: RunningDevServer;
  client: Client;
  /** Undefined when CALLMYCALL_BASE_URL points at a real API instead of loopback. */
  simulator?: RunningSimulator;
  receiver: RunningWebhookReceiver;
  /** Loopback codec endpoint the dev server's Web UI decodes payloads with. */
  codecServer: RunningCodecServer;
  /** Which keys encrypt Temporal payloads, for the start-up lines (key ids only). */
  payloadEncryption: string;
  worker: CampaignWorker;
  /** Resolves when the worker stops (after stop()). */
  workerRunning: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The embedded default, in one process tree: the Temporal dev server (UI on :8233,
 * a persistent SQLite file under the data directory, our search attributes), the
 * CallMyCall simulator, the webhook receiver and a worker. Stops in reverse order.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { env, logger } = options;
  // The stack runs a worker and a receiver in-process: with a real API they need real secrets.
  assertNoPublicDefaults(env, Object.keys(PUBLIC_DEFAULTS) as PublicDefaultVariable[], {
    listenHost: env.WEBHOOK_HOST,
  });
  const secrets = webhookSecrets(env);
  const [host, port] = env.TEMPORAL_ADDRESS.split(':');
  const ip = host === 'localhost' ? '127.0.0.1' : (host ?? '127.0.0.1');
  const uiPort = Number(new URL(env.TEMPORAL_UI_URL).port || 8233);
  // The UI decodes through a loopback codec server, so the encrypted demo stays readable there.
  // It starts first (the UI needs its URL); its keys follow once the namespace is known.
  const codec = lateCodec();
  const codecServer = await startCodecServer({
    codec: codec.codec,
    logger: logger.child({ part: 'codec-server' }),
    host: '127.0.0.1',
    port: 0,
    corsOrigins: [
      new URL(env.TEMPORAL_UI_URL).origin,
      `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}`,
      `http://localhost:${uiPort}`,
      `http://127.0.0.1:${uiPort}`,
    ],
    namespaces: [env.TEMPORAL_NAMESPACE],
  });
  let temporal: RunningDevServer;
  try {
    temporal = await startTemporalDevServer({
      temporalPath: resolveTemporalCli(),
      dbFile: resolve(join(env.CMC_DATA_DIR, 'temporal', 'dev.db')),
      ip,
      port: Number(port ?? 7233),
      uiPort,
      uiCodecEndpoint: codecServer.url,
    });
  } catch (error) {
    await codecServer.close();
    throw error;
  }
  const stoppers: Array<() => Promise<void>> = [() => codecServer.close(), () => temporal.stop()];
  const stop = async () => {
    for (const stopOne of stoppers.reverse())
      await stopOne().catch((error) => logger.warn({ err: error }, 'stop failed'));
  };
  try {
    const connection = await Connection.connect({ address: temporal.address });
    stoppers.push(() => connection.close());
    const namespaceId = namespaceIdLookup(connection.workflowService, env.TEMPORAL_NAMESPACE);
    // Compliance by default: without CMC_CODEC_KEYS the local stack encrypts with its own key
    // (<data dir>/codec-keys, 0600, bound to this dev server's namespace), which the CLI run
    // against this stack and the worker below read too.
    if (!env.CMC_CODEC_KEYS?.trim()) {
      const id = await namespaceId();
      if (id) ensureLocalCodecKeyFile(env.CMC_DATA_DIR, id);
    }
    const keyring = await keyringFromEnv({ ...env, TEMPORAL_ADDRESS: temporal.address }, namespaceId);
    codec.ready(new AesGcmPayloadCodec(keyring));
    const client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: dataConverterFor(keyring),
    });

    // The simulator is the embedded default; a real CALLMYCALL_BASE_URL is used as it is.
    const simUrl = new URL(env.CALLMYCALL_BASE_URL);
    let simulator: RunningSimulator | undefined;
    if (['127.0.0.1', 'localhost'].includes(simUrl.hostname)) {
      const running = await startSimulator({
        host: simUrl.hostname,
        port: Number(simUrl.port || 4010),
        apiKey: env.CALLMYCALL_API_KEY,
        webhookSecret: env.CALLMYCALL_WEBHOOK_SECRET,
        speed: options.simulatorSpeed,
        logger: logger.child({ part: 'simulator' }),
      });
      simulator = running;
      stoppers.push(() => running.close());
    }

    const receiver = await startWebhookReceiver({
      temporal: client,
      secrets,
      logger: logger.child({ part: 'webhooks' }),
      port: env.WEBHOOK_PORT,
      host: env.WEBHOOK_HOST,
      ...(env.WEBHOOK_MAX_CONNECTIONS === undefined ? {} : { maxConnections: env.WEBHOOK_MAX_CONNECTIONS }),
    });
    stoppers.push(() => receiver.close());

    const worker = await createCampaignWorker(
      { ...env, TEMPORAL_ADDRESS: temporal.address },
      logger.child({ part: 'worker' }),
    );
    stoppers.push(() => worker.close());
    const workerRunning = worker.worker.run();
    stoppers.push(async () => {
      if (worker.worker.getState() === 'RUNNING') worker.worker.shutdown();
      await workerRunning;
    });
    return {
      temporal,
      client,
      simulator,
      receiver,
      codecServer,
      payloadEncryption: describeKeyring(keyring),
      worker,
      workerRunning,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
