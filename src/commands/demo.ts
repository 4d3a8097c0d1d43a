import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Command } from 'commander';
import { createGreetingActivities } from '../activities/greeting.js';
import { loadEnv } from '../config/env.js';
import { resolveTemporalCli } from '../devstack/temporalCli.js';
import { startTemporalDevServer } from '../devstack/temporalDevServer.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { workflowsPath } from '../temporal/workflowsPath.js';
import { greetingWorkflow } from '../workflows/index.js';

/** `cmc demo`: starts the embedded local stack, runs a workflow end to end, says what runs where. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Start the local stack (Temporal dev server + worker) and run a demo workflow on it')
    .option('--keep', 'leave the stack running after the demo (Ctrl-C stops it)', false)
    .action(async (options: { keep: boolean }) => {
      const env = loadEnv();
      installTemporalRuntime();
      const server = await startTemporalDevServer({
        temporalPath: resolveTemporalCli(),
        dbFile: join(env.CMC_DATA_DIR, 'temporal', 'dev.db'),
      });
      console.log(`Temporal dev server  ${server.address}`);
      console.log(`Temporal Web UI      ${server.uiUrl}`);
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      const connection = await Connection.connect({ address: server.address });
      try {
        const taskQueue = env.TEMPORAL_TASK_QUEUE;
        const worker = await Worker.create({
          connection: nativeConnection,
          taskQueue,
          workflowsPath: workflowsPath(),
          activities: createGreetingActivities({ greeting: 'Hello' }),
        });
        console.log(`Worker               task queue "${taskQueue}"`);
        const client = new Client({ connection });
        const workflowId = `demo-greeting-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        const result = await worker.runUntil(
          client.workflow.execute(greetingWorkflow, { taskQueue, workflowId, args: ['CallMyCall'] }),
        );
        console.log(`Workflow ${workflowId} returned: ${result}`);
        console.log(`See it in the UI: ${server.uiUrl}/namespaces/default/workflows/${workflowId}`);
        if (options.keep) {
          console.log('Stack kept running; press Ctrl-C to stop.');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        }
      } finally {
        await connection.close();
        await nativeConnection.close();
        await server.stop();
      }
    });
}
