import { type VerifiedCallerId, verifiedCallerIds } from '../callerIds/verifiedCallerIds.js';
import type { CallMyCallClient } from '../callmycall/client.js';
import { AuthError, CallMyCallError, NetworkError } from '../callmycall/errors.js';
import { fail, type PreflightCheck, pass, reasonOf } from './preflightCheck.js';

export interface ApiKeyCheck {
  check: PreflightCheck;
  /** The verified caller IDs, read by the same call; undefined when it failed. */
  callerIds?: VerifiedCallerId[];
}

/** The API key is accepted: GET /v1/verified-caller-ids, cheap, authenticated, no side effect. */
export async function apiKeyCheck(client: CallMyCallClient): Promise<ApiKeyCheck> {
  try {
    const callerIds = verifiedCallerIds(await client.listVerifiedCallerIds());
    return {
      check: pass('api key', `accepted by ${client.baseUrl} (${callerIds.length} verified caller ID(s))`),
      callerIds,
    };
  } catch (error) {
    return { check: apiFailure('api key', client, error) };
  }
}

/** An API failure as a check line, with the fix for its kind. */
export function apiFailure(name: string, client: CallMyCallClient, error: unknown): PreflightCheck {
  if (error instanceof AuthError) {
    return fail(
      name,
      `CallMyCall at ${client.baseUrl} refused the API key (${error.status})`,
      'set CALLMYCALL_API_KEY to an API key of your CallMyCall account',
    );
  }
  if (error instanceof NetworkError) {
    return fail(
      name,
      `cannot reach CallMyCall at ${client.baseUrl} (${error.reason ?? error.code})`,
      'check CALLMYCALL_BASE_URL and the network (for the simulator: `cmc dev` or `cmc simulator`)',
    );
  }
  const status = error instanceof CallMyCallError && error.status !== undefined ? ` (${error.status})` : '';
  return fail(
    name,
    `CallMyCall answered with an error${status}: ${reasonOf(error)}`,
    'try again; if it persists, contact CallMyCall support',
  );
}
