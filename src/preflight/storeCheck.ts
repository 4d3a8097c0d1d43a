import type { Env } from '../config/env.js';
import { openCampaignStore } from '../storage/campaignStore.js';
import { fail, type PreflightCheck, pass, reasonOf } from './preflightCheck.js';

const STORE_TIMEOUT_MS = 10_000;

/**
 * The campaign store opens (which migrates it to the latest schema, as every process
 * does) and answers a read.
 */
export async function storeCheck(env: Env): Promise<PreflightCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${STORE_TIMEOUT_MS / 1000} s`)),
      STORE_TIMEOUT_MS,
    );
  });
  try {
    const store = await Promise.race([openCampaignStore(env), timeout]);
    try {
      await Promise.race([store.suppressions.count(), timeout]);
      return pass('campaign store', `${store.description}: reachable and migrated`);
    } finally {
      await store.close();
    }
  } catch (error) {
    return fail(
      'campaign store',
      `cannot open the campaign store: ${reasonOf(error)}`,
      env.CMC_DATABASE_URL
        ? 'check CMC_DATABASE_URL: the database must be up and the user allowed to create tables'
        : 'check CMC_DATA_DIR is a writable folder',
    );
  } finally {
    clearTimeout(timer);
  }
}
