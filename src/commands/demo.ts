import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadCampaign } from '../campaign/loadCampaign.js';
import { loadEnv } from '../config/env.js';
import { startLocalStack } from '../devstack/localStack.js';
import { campaignWorkflowId } from '../engine/ids.js';
import { createLogger } from '../logging/logger.js';
import type { CampaignSummary } from '../reports/summary.js';
import { SimulatorAdmin } from '../simulator/adminClient.js';
import type { SimScenario } from '../simulator/adminTypes.js';
import { startCampaign } from '../temporal/startCampaign.js';
import { dispositionBreakdown } from './dispositionBreakdown.js';
import { CliError } from './exitCodes.js';
import { watchCampaign } from './progressWatch.js';

const DEMO_CAMPAIGN = 'campaigns/appointment-confirmation';
/** Simulated seconds per real second: a 90-second call takes 3 seconds. */
const DEMO_SPEED = 30;

/**
 * A campaign folder may carry `simulator-scenario.json` (the simulator's PUT /_sim/scenario
 * body) so a demo or dry run shows re-attempts, busy lines and unreached contacts.
 */
async function applySimulatorScenario(simulatorUrl: string, campaignDir: string): Promise<void> {
  let scenario: unknown;
  try {
    scenario = JSON.parse(await readFile(join(campaignDir, 'simulator-scenario.json'), 'utf8'));
  } catch {
    return; // none: every call completes
  }
  await new SimulatorAdmin(simulatorUrl).setScenario(scenario as SimScenario);
  console.log(
    '  Simulator scenario   simulator-scenario.json (patients who confirm, rebook, cancel, opt out; voicemail, no answer)',
  );
}

/** `cmc demo`: the embedded stack, one real campaign to completion, and where to look. */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run campaigns/appointment-confirmation on the embedded local stack (Temporal dev server + simulator)',
    )
    .option('--campaign <dir>', 'campaign folder to run', DEMO_CAMPAIGN)
    .option('--keep', 'leave the stack running afterwards (Ctrl-C stops it)', false)
    .action(async (options: { campaign: string; keep: boolean }) => {
      const env = loadEnv();
      const logger = createLogger('cmc', { level: process.env.LOG_LEVEL ?? 'warn' });
      const campaign = await loadCampaign(options.campaign);
      console.log('Starting the local stack...');
      const stack = await startLocalStack({ env, logger, simulatorSpeed: DEMO_SPEED });
      try {
        console.log(
          `  Temporal dev server  ${stack.temporal.address}  (data: ${resolve(env.CMC_DATA_DIR, 'temporal')})`,
        );
        console.log(`  Temporal Web UI      ${stack.temporal.uiUrl}`);
        console.log(
          `  Codec server         ${stack.codecServer.url}  (the Web UI decrypts payloads with it)`,
        );
        console.log(`  Payload encryption   ${stack.payloadEncryption}`);
        if (stack.simulator)
          console.log(`  CallMyCall simulator ${stack.simulator.url}  (speed x${DEMO_SPEED})`);
        console.log(`  Webhook receiver     ${stack.receiver.url}`);
        console.log(`  Worker               task queue "${env.TEMPORAL_TASK_QUEUE}"`);

        if (stack.simulator) await applySimulatorScenario(stack.simulator.url, campaign.dir);

        const campaignId = `demo-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
        await startCampaign(stack.client, {
          campaignId,
          campaignDir: campaign.dir,
          campaignName: campaign.config.name,
          taskQueue: env.TEMPORAL_TASK_QUEUE,
        });
        console.log(`\nCampaign "${campaign.config.name}" started as ${campaignWorkflowId(campaignId)}`);
        const uiLink = `${stack.temporal.uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(`CampaignId="${campaignId}"`)}`;
        const end = await watchCampaign(stack.client, campaignId, { pollMs: 2_000 });
        if (end.kind === 'detached') {
          console.log(
            '\nStopping the stack. The campaign is kept in .data/ and goes on at the next `npm run demo -- --keep`.',
          );
          return;
        }
        const result = end.view.result;
        if (!result)
          throw new CliError(
            `campaign ${campaignId} ended without a result: ${end.view.failure ?? 'unknown'}`,
          );
        const outcomes = Object.entries(result.outcomes)
          .map(([outcome, count]) => `${outcome}: ${count}`)
          .join(', ');
        console.log(
          `\nCampaign ${result.status}. Outcomes: ${outcomes}. Credits spent: ${result.creditsSpent}.`,
        );
        const reportHtml = resolve(result.reportDir, 'report.html');
        console.log(`Report:       ${reportHtml}`);
        console.log(`              ${resolve(result.reportDir, 'results.csv')}`);
        console.log(`Temporal UI:  ${uiLink}`);
        const summary = JSON.parse(
          await readFile(join(result.reportDir, 'summary.json'), 'utf8'),
        ) as CampaignSummary;
        process.stdout.write(`\n${dispositionBreakdown(summary, reportHtml)}`);
        if (options.keep) {
          console.log('\nThe stack keeps running; press Ctrl-C to stop it.');
          await new Promise<void>((done) => {
            process.once('SIGINT', done);
            process.once('SIGTERM', done);
          });
        }
      } finally {
        await stack.stop();
      }
    });
}
