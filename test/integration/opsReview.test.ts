import { execFile, execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { AesGcmPayloadCodec } from '../../src/payloadCodec/aesGcmPayloadCodec.js';
import { parseCodecKeys } from '../../src/payloadCodec/codecKeys.js';
import { startCodecServer } from '../../src/payloadCodec/codecServer.js';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  writeCampaign,
} from '../support/campaignStack.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';
import { TEST_CODEC_KEYS } from '../support/testCodec.js';

const run = promisify(execFile);

interface CliWorkflow {
  execution: { workflowId: string };
  type: { name: string };
  status: string;
  searchAttributes?: { indexedFields?: Record<string, { data: string }> };
}

/** A search attribute from `temporal workflow list -o json` (payloads are base64 JSON). */
function attribute(workflow: CliWorkflow, name: string): unknown {
  const field = workflow.searchAttributes?.indexedFields?.[name];
  return field ? JSON.parse(Buffer.from(field.data, 'base64').toString('utf8')) : undefined;
}

/**
 * What an engineer on call sees in the Temporal UI, checked through the real `temporal`
 * CLI (the same visibility API the UI uses): call workflows filterable by CampaignId,
 * CallOutcome and CampaignName, readable IDs, static summaries, and counts that agree
 * with the campaign's report.
 */
describe('ops review in Temporal: filterable, readable, agrees with the report', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  let temporal: string;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx);
    temporal =
      process.env.TEMPORAL_CLI ??
      execFileSync('bash', ['scripts/ensure-temporal.sh'], { encoding: 'utf8' }).trim();
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });

  const list = async (query: string): Promise<CliWorkflow[]> => {
    const { stdout } = await run(temporal, [
      'workflow',
      'list',
      '--address',
      ctx.address,
      '--namespace',
      ctx.namespace,
      '--query',
      query,
      '-o',
      'json',
    ]);
    const parsed = JSON.parse(stdout.trim() || '[]');
    return Array.isArray(parsed) ? parsed : [parsed];
  };

  it('counts call workflows by CallOutcome exactly as summary.json does', async () => {
    const campaignId = `ops-${Date.now().toString(36)}`;
    const { csv, numbers } = swedishContacts(7, 46701760000);
    const dir = await writeCampaign(
      stack.workDir,
      'ops',
      {
        name: 'Ops review',
        call: {
          task: 'Confirm {{first_name}} on {{appointment_date}} at {{appointment_time}}',
          language: 'en',
        },
        concurrency: 3,
        callsPerMinute: 600,
        callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
        retry: { maxAttempts: 1 },
        credits: { budget: 1000, estimatePerCall: 2 },
      },
      csv,
    );
    await stack.admin.setScenario({
      default: { status: 'completed' },
      byNumber: {
        [numbers[1] as string]: { status: 'busy' },
        [numbers[3] as string]: { status: 'busy' },
        [numbers[4] as string]: { status: 'no-answer' },
        [numbers[6] as string]: { status: 'failed' },
      },
    });
    const { result, metadata } = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId, campaignDir: dir, campaignName: 'Ops review' });
      const result = await handle.result();
      // Current details: the campaign's last words, as the UI shows them (a query: needs the worker).
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      return { result, metadata };
    });
    expect(result.status).toBe('completed');
    const summary = JSON.parse(await readFile(join(stack.reportsDir, campaignId, 'summary.json'), 'utf8'));

    // Visibility is eventually consistent: wait until every call shows its final outcome.
    let calls: CliWorkflow[] = [];
    for (let i = 0; i < 60; i++) {
      // One row workflow per row (call workflows of earlier builds are rows too).
      calls = await list(`CampaignId='${campaignId}' AND WorkflowType IN ('rowWorkflow', 'callWorkflow')`);
      if (calls.length === 7 && calls.every((c) => attribute(c, 'CallOutcome') !== undefined)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(calls).toHaveLength(7);
    const byOutcome: Record<string, number> = {};
    for (const call of calls) {
      const outcome = String(attribute(call, 'CallOutcome'));
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
      // Readable IDs and names, no phone numbers in search attributes.
      expect(call.execution.workflowId).toMatch(new RegExp(`^call:${campaignId}:`));
      expect(call.status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
      expect(attribute(call, 'CampaignName')).toBe('Ops review');
      expect(JSON.stringify(call.searchAttributes)).not.toMatch(/4670176/);
    }
    const reported = Object.fromEntries(
      Object.entries(summary.outcomes as Record<string, number>).filter(
        ([outcome, count]) => count > 0 && !['invalid', 'duplicate', 'suppressed'].includes(outcome),
      ),
    );
    expect(byOutcome).toEqual(reported);
    expect(byOutcome).toEqual({ completed: 3, busy: 2, 'no-answer': 1, failed: 1 });

    // Each filter the UI offers narrows to the same numbers.
    expect(await list(`CampaignId='${campaignId}' AND CallOutcome='busy'`)).toHaveLength(2);
    expect(
      await list(`CampaignName='Ops review' AND CampaignId='${campaignId}' AND CallOutcome='no-answer'`),
    ).toHaveLength(1);
    const campaigns = await list(`CampaignId='${campaignId}' AND WorkflowType='campaignWorkflow'`);
    expect(campaigns.map((c) => c.execution.workflowId)).toEqual([`campaign:${campaignId}`]);
    expect(attribute(campaigns[0] as CliWorkflow, 'CampaignState')).toBe('completed');

    // Static summaries: the campaign's name, and each call's line with a masked number. They
    // are encrypted like every payload: readable through the codec server, as in the Web UI.
    const codecServer = await startCodecServer({
      codec: new AesGcmPayloadCodec(parseCodecKeys(TEST_CODEC_KEYS)),
      logger: createLogger('test', { level: 'silent' }),
    });
    const describe = async (workflowId: string, codec = true) =>
      JSON.parse(
        (
          await run(temporal, [
            'workflow',
            'describe',
            '--address',
            ctx.address,
            '-w',
            workflowId,
            '-o',
            'json',
            ...(codec ? ['--codec-endpoint', codecServer.url] : []),
          ])
        ).stdout,
      );
    try {
      const campaignDescription = await describe(`campaign:${campaignId}`);
      expect(campaignDescription.executionConfig.userMetadata.summary).toBe('Campaign Ops review');
      const callDescription = await describe(calls[0]?.execution.workflowId as string);
      const callSummary = callDescription.executionConfig.userMetadata.summary as string;
      expect(callSummary).toMatch(/^Ops review · line \d+ · /);
      expect(callSummary).not.toMatch(/4670176\d{4}/);
      const atRest = await describe(calls[0]?.execution.workflowId as string, false);
      expect(JSON.stringify(atRest)).not.toContain('Ops review · line');
    } finally {
      await codecServer.close();
    }

    expect(metadata.currentDetails).toContain('**Ops review**: completed');
    expect(metadata.currentDetails).toContain('rows 7/7 finished');
    await stack.admin.setScenario({});
  });
});
