import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment } from '../results/pathSegment.js';

/**
 * The runner's own record of every start-call attempt, because Temporal runs an
 * activity at least once and the CallMyCall API does not dedupe. The intent is
 * written (and fsynced) BEFORE the request, so a retry after a crash knows a request
 * may have gone out.
 *
 * - `dialing`: the request may have been sent; the outcome is not known.
 * - `placed`: the API answered with a sid.
 * - `not_sent`: the API answered that it created nothing (400, 401, 402, 429) or the
 *   connection was refused before sending: safe to send again.
 * - `uncertain`: the request may have created a call (5xx, timeout, dropped connection).
 */
export type AttemptState = 'dialing' | 'placed' | 'not_sent' | 'uncertain';

export interface AttemptEntry {
  state: AttemptState;
  sid?: string;
  reason?: string;
  at: string;
}

export interface AttemptKey {
  campaignId: string;
  rowKey: string;
  attempt: number;
}

export interface AttemptLedger {
  get(key: AttemptKey): Promise<AttemptEntry | undefined>;
  put(key: AttemptKey, entry: AttemptEntry): Promise<void>;
}

/** File backend: one small file per attempt under `<dataDir>/attempts/<campaignId>/<rowKey>/`. */
export class FileAttemptLedger implements AttemptLedger {
  constructor(private readonly dataDir: string) {}

  private path({ campaignId, rowKey, attempt }: AttemptKey): string {
    return join(
      this.dataDir,
      'attempts',
      assertSafePathSegment('campaign id', campaignId),
      assertSafePathSegment('row key', rowKey),
      `${Math.trunc(attempt)}.json`,
    );
  }

  async get(key: AttemptKey): Promise<AttemptEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8')) as AttemptEntry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: AttemptKey, entry: AttemptEntry): Promise<void> {
    await writeFileAtomic(this.path(key), JSON.stringify(entry));
  }
}
