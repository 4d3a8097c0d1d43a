import { opendir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isTempFileName, writeFileAtomic } from './atomicFile.js';
import { assertSafePathSegment } from './pathSegment.js';
import { CorruptResultError, type ResultsStore, shouldReplace } from './resultsStore.js';
import type { RowResult } from './rowResult.js';
import { firstIssue, rowResultSchema } from './rowResultSchema.js';

/** `CMC_DATA_DIR`, default `./.data`, as the rest of the configuration (src/config/env.ts). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CMC_DATA_DIR;
  return resolve(dir !== undefined && dir !== '' ? dir : './.data');
}

/** A result refused before writing, so it can never become a file nobody can read. */
export class InvalidResultError extends Error {
  override readonly name = 'InvalidResultError';
}

/**
 * One JSON file per row: `<dataDir>/results/<campaignId>/<rowKey>.json`, written to a
 * temp file and renamed, so a reader never sees half a result. Workers on several
 * machines need `dataDir` on a shared volume (or another ResultsStore backend).
 */
export class FileResultsStore implements ResultsStore {
  readonly dataDir: string;
  /** Serializes read-compare-write per row within this process. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(dataDir: string = defaultDataDir()) {
    this.dataDir = resolve(dataDir);
  }

  private campaignDir(campaignId: string): string {
    return join(this.dataDir, 'results', assertSafePathSegment('campaignId', campaignId));
  }

  private resultPath(campaignId: string, rowKey: string): string {
    return join(this.campaignDir(campaignId), `${assertSafePathSegment('rowKey', rowKey)}.json`);
  }

  async record(result: RowResult): Promise<void> {
    const path = this.resultPath(result.campaignId, result.rowKey);
    const checked = rowResultSchema.safeParse(result);
    if (!checked.success) {
      throw new InvalidResultError(
        `result of row ${result.rowKey} is not valid (${firstIssue(checked.error)})`,
      );
    }
    const previous = this.pending.get(path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.writeIfNotStale(path, result));
    this.pending.set(path, next);
    try {
      await next;
    } finally {
      if (this.pending.get(path) === next) this.pending.delete(path);
    }
  }

  private async writeIfNotStale(path: string, result: RowResult): Promise<void> {
    // Two processes racing on one row can still interleave here; with a retried
    // activity the later write carries at least as many attempts, which is what wins.
    const stored = await this.readResult(path);
    if (!shouldReplace(stored, result)) return;
    await writeFileAtomic(path, `${JSON.stringify(result)}\n`);
  }

  async get(campaignId: string, rowKey: string): Promise<RowResult | undefined> {
    return this.readResult(this.resultPath(campaignId, rowKey));
  }

  async *list(campaignId: string): AsyncIterable<RowResult> {
    const dir = this.campaignDir(campaignId);
    let entries: AsyncIterable<{ name: string; isFile(): boolean }>;
    try {
      // opendir streams the folder instead of loading 100k names at once.
      entries = await opendir(dir);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for await (const entry of entries) {
      if (!entry.isFile() || isTempFileName(entry.name) || !entry.name.endsWith('.json')) continue;
      const result = await this.readResult(join(dir, entry.name));
      if (result !== undefined) yield result;
    }
  }

  private async readResult(path: string): Promise<RowResult | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CorruptResultError(`result file ${path} is not valid JSON`);
    }
    const parsed = rowResultSchema.safeParse(json);
    if (!parsed.success) {
      throw new CorruptResultError(`result file ${path} is not a row result (${firstIssue(parsed.error)})`);
    }
    return parsed.data as RowResult;
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
