import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory, writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment } from '../results/pathSegment.js';

/**
 * The runner's own record of every start-call attempt, because Temporal runs an
 * activity at least once and the CallMyCall API does not dedupe. An execution must
 * CLAIM the attempt before sending; the claim is atomic, so of any number of
 * concurrent executions (two workers, a retry racing a slow first try) exactly one
 * may send.
 *
 * - `dialing`: claimed; the request may have been sent, the outcome is not known.
 * - `placed`: the API answered with a sid.
 * - `uncertain`: the request may have created a call (5xx, timeout, dropped
 *   connection, an answer outside the reference).
 *
 * A definite refusal (nothing was created) gives the claim back with `release`, so a
 * later try may claim and send the same attempt again.
 */
export type AttemptState = 'dialing' | 'placed' | 'uncertain';

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
  /** Records `dialing` unless the attempt is already claimed; true for exactly one caller. */
  claim(key: AttemptKey, at: string): Promise<boolean>;
  /** Records what a claimed send led to. */
  settle(key: AttemptKey, entry: AttemptEntry & { state: 'placed' | 'uncertain' }): Promise<void>;
  /** Gives a claim back after a definite refusal: the API created nothing. */
  release(key: AttemptKey): Promise<void>;
}

/**
 * File backend: one small file per attempt under `<dataDir>/attempts/<campaignId>/<rowKey>/`.
 * The claim is an exclusive create (`O_CREAT|O_EXCL`), fsynced with its folder, so it
 * survives a crash and no second process can create it.
 */
export class FileAttemptLedger implements AttemptLedger {
  constructor(private readonly dataDir: string) {}

  private path({ campaignId, rowKey, attempt }: AttemptKey): string {
    if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt ${attempt} is not valid`);
    return join(
      this.dataDir,
      'attempts',
      assertSafePathSegment('campaign id', campaignId),
      assertSafePathSegment('row key', rowKey),
      `${attempt}.json`,
    );
  }

  async get(key: AttemptKey): Promise<AttemptEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as AttemptEntry;
    } catch {
      // A crash between the exclusive create and its write leaves an empty claim: it is
      // still a claim, and the request may have gone out.
      return {
        state: 'dialing',
        reason: 'the claim was interrupted by a crash',
        at: new Date(0).toISOString(),
      };
    }
  }

  async claim(key: AttemptKey, at: string): Promise<boolean> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      const entry: AttemptEntry = { state: 'dialing', at };
      await handle.writeFile(JSON.stringify(entry));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDirectory(dirname(path));
    return true;
  }

  async settle(key: AttemptKey, entry: AttemptEntry & { state: 'placed' | 'uncertain' }): Promise<void> {
    const path = this.path(key);
    await writeFileAtomic(path, JSON.stringify(entry));
    await syncDirectory(dirname(path));
  }

  async release(key: AttemptKey): Promise<void> {
    const path = this.path(key);
    await rm(path, { force: true });
    await syncDirectory(dirname(path));
  }
}
