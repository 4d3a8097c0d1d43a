import type { CallMyCallClient } from '../callmycall/client.js';
import type { FrequencyCap } from '../compliance/frequencyCap.js';
import type { Logger } from '../logging/logger.js';
import type { ResultsStore } from '../results/resultsStore.js';
import type { AttemptLedger } from '../storage/attemptLedger.js';
import type { CallActionStore } from '../storage/callActionStore.js';
import type { CampaignStore } from '../storage/campaignStore.js';
import type { DialCheckStore } from '../storage/dialCheckStore.js';
import type { PreparedCampaignStore } from '../storage/preparedCampaignStore.js';
import type { ResultEventStore } from '../storage/resultEventStore.js';
import type { SuppressionStore } from '../storage/suppressionStore.js';

/** Everything the activities touch, handed in by the worker (and by tests). */
export interface ActivityDeps {
  callmycall: CallMyCallClient;
  prepared: PreparedCampaignStore;
  ledger: AttemptLedger;
  results: ResultsStore;
  /** The result webhooks' outbox. */
  resultEvents: ResultEventStore;
  /** The deployment-wide do-not-call list, checked before every dial. */
  suppressions: SuppressionStore;
  /** Each attempt's dial-time checks: the audit. */
  dialChecks: DialCheckStore;
  /** Operators' actions on live calls (`cmc call`), carried in the row's result; absent: none recorded. */
  callActions?: CallActionStore;
  /** Retention: the personal data of old finished campaigns goes (the nightly schedule). */
  purge: CampaignStore['purge'];
  /** CMC_FREQUENCY_CAP: the cap for campaigns that set none. */
  defaultFrequencyCap?: FrequencyCap;
  /** The signing secret in the environment variable `name` (a campaign's resultWebhook.secretEnv). */
  resultWebhookSecret: (name: string) => string;
  logger: Logger;
  /** Base URL CallMyCall posts webhooks to (our receiver, as the internet sees it). */
  webhookPublicUrl: string;
  reportsDir: string;
  rowKeySecret: string;
  temporalUiUrl: string;
  namespace: string;
}
