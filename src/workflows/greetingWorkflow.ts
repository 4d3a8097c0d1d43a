import { proxyActivities } from '@temporalio/workflow';
import type { GreetingActivities } from '../activities/greeting.js';

const { composeGreeting } = proxyActivities<GreetingActivities>({ startToCloseTimeout: '10 seconds' });

export async function greetingWorkflow(name: string): Promise<string> {
  return await composeGreeting(name);
}
