import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { testDataConverter } from './testCodec.js';

export interface TemporalTestContext {
  address: string;
  namespace: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** Connects to the suite's shared dev server (see test/globalSetup.ts). */
export async function connectToTestServer(): Promise<TemporalTestContext> {
  installTemporalRuntime();
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    client: new Client({ connection, namespace, dataConverter: testDataConverter() }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export { uniqueTaskQueue } from './taskQueue.js';

/** Runs a real Worker (with the suite's payload codec unless told otherwise) for the duration of `body`. */
export async function withWorker<T>(
  ctx: TemporalTestContext,
  options: Omit<WorkerOptions, 'connection' | 'namespace'>,
  body: () => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    connection: ctx.nativeConnection,
    namespace: ctx.namespace,
    dataConverter: testDataConverter(),
    ...options,
  });
  return worker.runUntil(body);
}
