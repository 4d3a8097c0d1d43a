import path from 'node:path';
import { Command } from 'commander';
import { generateCampaignReport } from '../reports/generateCampaignReport.js';
import { openCampaignStore } from '../storage/campaignStore.js';
import { CAMPAIGN_ID_PATTERN } from '../temporal/startCampaign.js';
import { dispositionBreakdown } from './dispositionBreakdown.js';
import { CliError, ExitCode } from './exitCodes.js';
import { describeCampaign, loadCliEnv, withTemporal } from './temporalConnection.js';

/**
 * `cmc report <id>`: writes or refreshes reports/<id>/ from the results recorded so far,
 * also in the middle of a run (rows without a result yet show as `pending`). It reads
 * the same CMC_DATA_DIR the workers write to.
 */
export function reportCommand(): Command {
  return new Command('report')
    .description('Write or refresh the report of a campaign (also while it runs) and print its files.')
    .argument('<id>', 'campaign ID')
    .option('--json', 'print the file paths and summary as JSON')
    .addHelpText(
      'after',
      '\nReads CMC_DATA_DIR and writes CMC_REPORTS_DIR: run it where the workers keep their data.\n' +
        '\nExit status: 0 written; 1 the campaign has no data here yet; 3 Temporal unreachable\n' +
        '(only asked when there is no data); 4 no such campaign.',
    )
    .action(async (campaignId: string, options: { json?: boolean }) => {
      const env = loadCliEnv();
      if (!CAMPAIGN_ID_PATTERN.test(campaignId)) {
        throw new CliError(`"${campaignId}" is not a campaign ID`, ExitCode.notFound);
      }
      const store = await openCampaignStore(env);
      let report: Awaited<ReturnType<typeof generateCampaignReport>>;
      try {
        if (!(await store.prepared.readManifest(campaignId))) {
          // No data here: either an unknown campaign, or one that is not prepared (or lives elsewhere).
          await withTemporal(async ({ client }) => {
            await describeCampaign(client, campaignId);
          });
          throw new CliError(
            `campaign ${campaignId} has no data in ${store.description} yet: it is still ` +
              'preparing, or its workers use another CMC_DATABASE_URL / CMC_DATA_DIR',
            ExitCode.failure,
          );
        }
        report = await generateCampaignReport(
          {
            prepared: store.prepared,
            resultEvents: store.resultEvents,
            reportsDir: env.CMC_REPORTS_DIR,
            temporalUiUrl: env.TEMPORAL_UI_URL,
            namespace: env.TEMPORAL_NAMESPACE,
          },
          campaignId,
        );
      } finally {
        await store.close();
      }
      const files = {
        dir: path.resolve(report.dir),
        html: path.resolve(report.files.html),
        csv: path.resolve(report.files.csv),
        jsonl: path.resolve(report.files.jsonl),
        summary: path.resolve(report.files.summary),
        transcripts: path.resolve(report.files.transcripts),
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ campaignId, files, summary: report.summary }, null, 2)}\n`);
        return;
      }
      const outcomes = Object.entries(report.summary.outcomes)
        .filter(([, count]) => (count ?? 0) > 0)
        .map(([outcome, count]) => `${outcome} ${count}`)
        .join(', ');
      console.log(
        `Report for ${campaignId}: ${report.summary.totalRows} row(s)${outcomes ? ` (${outcomes})` : ''}`,
      );
      console.log(`  ${files.html}`);
      console.log(`  ${files.csv}`);
      console.log(`  ${files.jsonl}`);
      console.log(`  ${files.summary}`);
      // report.html loads transcripts from here: copy the folder with it.
      console.log(
        `  ${files.transcripts}${path.sep} (${report.transcriptChunks.length} file(s), read by report.html)`,
      );
      process.stdout.write(dispositionBreakdown(report.summary, files.html));
    });
}
