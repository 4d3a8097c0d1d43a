import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreetingActivities } from '../../src/activities/greeting.js';
import { workflowsPath } from '../../src/temporal/workflowsPath.js';
import { greetingWorkflow } from '../../src/workflows/index.js';
import {
  connectToTestServer,
  type TemporalTestContext,
  uniqueTaskQueue,
  withWorker,
} from '../support/temporal.js';

describe('foundation slice on a real Temporal dev server', () => {
  let ctx: TemporalTestContext;
  beforeAll(async () => {
    ctx = await connectToTestServer();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('runs a workflow that calls an activity on a real Worker', async () => {
    const taskQueue = uniqueTaskQueue('greeting');
    const result = await withWorker(
      ctx,
      {
        taskQueue,
        workflowsPath: workflowsPath(),
        activities: createGreetingActivities({ greeting: 'Hej' }),
      },
      () =>
        ctx.client.workflow.execute(greetingWorkflow, {
          taskQueue,
          workflowId: `greeting:${taskQueue}`,
          args: ['Ada'],
        }),
    );
    expect(result).toBe('Hej, Ada!');

    // The history on the server proves the activity really ran through Temporal.
    const history = await ctx.client.workflow.getHandle(`greeting:${taskQueue}`).fetchHistory();
    const completedActivities = (history.events ?? []).filter(
      (event) => event.activityTaskCompletedEventAttributes,
    );
    expect(completedActivities).toHaveLength(1);
  });
});
