import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  writeCampaign,
} from '../support/campaignStack.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

describe('a small campaign end to end', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx);
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });

  it('calls every valid row once and reports every CSV row', async () => {
    const { csv, numbers } = swedishContacts(6);
    const dir = await writeCampaign(
      stack.workDir,
      'smoke',
      {
        name: 'Smoke test',
        call: {
          task: 'Confirm {{first_name}} on {{appointment_date}} at {{appointment_time}}',
          language: 'en',
        },
        concurrency: 2,
        callsPerMinute: 600,
        callingWindow: alwaysOpen,
        credits: { budget: 1000, estimatePerCall: 2 },
      },
      csv,
    );
    const result = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId: 'smoke-1', campaignDir: dir });
      return await handle.result();
    });

    expect(result.status).toBe('completed');
    expect(result.outcomes).toEqual({ completed: 6 });
    const calls = await stack.admin.calls();
    expect(calls.map((call) => call.to).sort()).toEqual([...numbers].sort());
    const requestIds = calls.map((call) => (call.metadata as Record<string, string>).client_request_id);
    expect(new Set(requestIds).size).toBe(6);

    const summary = JSON.parse(await readFile(join(stack.reportsDir, 'smoke-1', 'summary.json'), 'utf8'));
    expect(summary.totalRows).toBe(6);
    expect(summary.outcomes.completed).toBe(6);
    // Durations and prices come from the API when the webhook does not carry them.
    expect(summary.callDurationsS.p50).toBeGreaterThan(0);
    expect(summary.credits.spent).toBeGreaterThan(0);
  });
});
