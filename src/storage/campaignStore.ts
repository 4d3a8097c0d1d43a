import { type AttemptLedger, DatabaseAttemptLedger } from './attemptLedger.js';
import { CallActionStore } from './callActionStore.js';
import { CallAddressLookup } from './callAddressLookup.js';
import { type PurgeOptions, type PurgeSummary, purgeCampaigns } from './campaignPurge.js';
import { type DatabaseOptions, openDatabase } from './database.js';
import { DatabaseResultsStore } from './databaseResultsStore.js';
import { parseDatabaseUrl } from './databaseUrl.js';
import { DialCheckStore } from './dialCheckStore.js';
import { PreparedCampaignStore } from './preparedCampaignStore.js';
import { ResultEventStore } from './resultEventStore.js';
import { SuppressionStore } from './suppressionStore.js';

/**
 * The application's records, in one database: Temporal orchestrates, the store
 * remembers. Campaigns and every row as prepared, the attempt ledger, row results,
 * result webhook events, the do-not-call list and each attempt's dial-time checks.
 */
export interface CampaignStore {
  prepared: PreparedCampaignStore;
  ledger: AttemptLedger;
  results: DatabaseResultsStore;
  /** The result webhooks' outbox. */
  resultEvents: ResultEventStore;
  /** The deployment-wide do-not-call list. */
  suppressions: SuppressionStore;
  /** Why each attempt was dialled or not. */
  dialChecks: DialCheckStore;
  /** Operators' actions on live calls (cmc call end|transfer|update). */
  callActions: CallActionStore;
  /** Finds a call of this deployment by campaign and row, or by sid. */
  callAddresses: CallAddressLookup;
  /** Retention: removes the personal data of old finished campaigns (campaignPurge.ts). */
  purge(options: PurgeOptions): Promise<PurgeSummary>;
  /** Where it is, without credentials: safe to print. */
  description: string;
  close(): Promise<void>;
}

/** Opens the store `CMC_DATABASE_URL` names (default: SQLite under CMC_DATA_DIR), migrated. */
export async function openCampaignStore(
  env: { CMC_DATABASE_URL?: string | undefined; CMC_DATA_DIR: string },
  options: DatabaseOptions = {},
): Promise<CampaignStore> {
  const database = await openDatabase(parseDatabaseUrl(env.CMC_DATABASE_URL, env.CMC_DATA_DIR), options);
  return {
    prepared: new PreparedCampaignStore(database.db),
    ledger: new DatabaseAttemptLedger(database),
    results: new DatabaseResultsStore(database),
    resultEvents: new ResultEventStore(database),
    suppressions: new SuppressionStore(database),
    dialChecks: new DialCheckStore(database),
    callActions: new CallActionStore(database),
    callAddresses: new CallAddressLookup(database.db),
    purge: (options) => purgeCampaigns(database.db, options),
    description: database.description,
    close: database.close,
  };
}
