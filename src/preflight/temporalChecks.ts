import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import type { Env } from '../config/env.js';
import { searchAttributeKeys } from '../temporal/searchAttributes.js';
import { fail, type PreflightCheck, pass, reasonOf, skip } from './preflightCheck.js';

const CONNECT_TIMEOUT_MS = 3_000;
const CALL_TIMEOUT_MS = 5_000;

/** Temporal's IndexedValueType numbers (temporal.api.enums.v1) for the types we register. */
const INDEXED_VALUE_TYPE: Partial<Record<string, number>> = {
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.INT]: 3,
};
const CLI_TYPE_NAME: Partial<Record<string, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
};

/**
 * Temporal reachable; the search attributes `cmc list` and the workflows use registered
 * with their types; a worker polling the task queue (nothing runs without one).
 */
export async function temporalChecks(env: Env): Promise<PreflightCheck[]> {
  const where = `${env.TEMPORAL_ADDRESS} (namespace "${env.TEMPORAL_NAMESPACE}")`;
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: env.TEMPORAL_ADDRESS,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    return [
      fail(
        'temporal',
        `cannot reach Temporal at ${where}: ${reasonOf(error)}`,
        'start the local stack with `cmc dev`, or set TEMPORAL_ADDRESS to your Temporal server',
      ),
      skip('search attributes', 'not checked: Temporal is unreachable'),
      skip('worker', 'not checked: Temporal is unreachable'),
    ];
  }
  const deadline = () => Date.now() + CALL_TIMEOUT_MS;
  try {
    const checks: PreflightCheck[] = [pass('temporal', `reachable at ${where}`)];
    try {
      const answer = await connection.withDeadline(deadline(), () =>
        connection.operatorService.listSearchAttributes({ namespace: env.TEMPORAL_NAMESPACE }),
      );
      const registered = (answer.customAttributes ?? {}) as Record<string, unknown>;
      const wrong = searchAttributeKeys.filter((key) => {
        const type = registered[key.name];
        if (type === undefined) return true;
        const expected = INDEXED_VALUE_TYPE[key.type];
        return typeof type === 'number' && expected !== undefined && type !== expected;
      });
      checks.push(
        wrong.length === 0
          ? pass('search attributes', `${searchAttributeKeys.map((key) => key.name).join(', ')} registered`)
          : fail(
              'search attributes',
              `missing or of the wrong type in namespace "${env.TEMPORAL_NAMESPACE}": ${wrong.map((key) => key.name).join(', ')}`,
              wrong
                .map(
                  (key) =>
                    `temporal operator search-attribute create --namespace ${env.TEMPORAL_NAMESPACE} --name ${key.name} --type ${CLI_TYPE_NAME[key.type] ?? key.type}`,
                )
                .join('; '),
            ),
      );
    } catch (error) {
      checks.push(
        fail(
          'search attributes',
          `cannot list them in namespace "${env.TEMPORAL_NAMESPACE}": ${reasonOf(error)}`,
          'check TEMPORAL_NAMESPACE names an existing namespace',
        ),
      );
    }
    checks.push(await workerCheck(connection, env, deadline()));
    return checks;
  } finally {
    await connection.close();
  }
}

async function workerCheck(connection: Connection, env: Env, deadline: number): Promise<PreflightCheck> {
  const queue = env.TEMPORAL_TASK_QUEUE;
  try {
    const answer = await connection.withDeadline(deadline, () =>
      connection.workflowService.describeTaskQueue({
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: { name: queue },
        // TASK_QUEUE_TYPE_WORKFLOW
        taskQueueType: 1,
      }),
    );
    const pollers = answer.pollers?.length ?? 0;
    return pollers > 0
      ? pass('worker', `${pollers} worker(s) polling task queue "${queue}"`)
      : fail(
          'worker',
          `no worker polls task queue "${queue}": campaigns would wait forever`,
          'start `cmc worker` (or `cmc dev`) with the same TEMPORAL_TASK_QUEUE',
        );
  } catch (error) {
    return fail(
      'worker',
      `cannot describe task queue "${queue}": ${reasonOf(error)}`,
      'check TEMPORAL_NAMESPACE',
    );
  }
}
