import { createReadStream } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CallRow, CampaignPlan } from '../engine/campaignPlan.js';
import { AtomicFileWriter, writeFileAtomic } from '../results/atomicFile.js';
import { assertSafePathSegment } from '../results/pathSegment.js';

/** A valid row with what the call activities need; lives on disk, never in workflow history. */
export interface PreparedRow extends CallRow {
  phoneE164: string;
  task: string;
  additionalPrompt?: string;
  /** Per-row start-call options from CSV columns (language, voice_gender, ...). */
  overrides: Record<string, string | number | boolean>;
  /** The row's original columns, for its result record. */
  columns: Record<string, string>;
}

/** What the prepare activity found, beside the rows. */
export interface PreparedManifest {
  plan: CampaignPlan;
  /** Start-call options from campaign.json, sent with every call (rows may override some). */
  callOptions: Record<string, unknown>;
  /** Where the contacts came from, so a report can re-read every row (valid or not). */
  source: { campaignDir: string; date: string };
}

interface RowIndex {
  /** Byte offset of each row's line in rows.jsonl, plus the file's length at the end. */
  offsets: number[];
  byKey: Map<string, number>;
}

/**
 * The validated rows of one campaign run, written once by the prepare activity to
 * `<dataDir>/prepared/<campaignId>/`, then read page by page by the campaign workflow
 * and row by row by the call activities. Every worker needs the same data dir (a
 * shared volume when workers run on several machines).
 */
export class PreparedCampaignStore {
  private readonly indexes = new Map<string, Promise<RowIndex>>();

  constructor(private readonly dataDir: string) {}

  private dir(campaignId: string): string {
    return join(this.dataDir, 'prepared', assertSafePathSegment('campaign id', campaignId));
  }

  private readonly manifests = new Map<string, PreparedManifest>();

  /** The manifest, or undefined when the campaign was never (completely) prepared. */
  async readManifest(campaignId: string): Promise<PreparedManifest | undefined> {
    const cached = this.manifests.get(campaignId);
    if (cached) return cached;
    try {
      const manifest = JSON.parse(
        await readFile(join(this.dir(campaignId), 'manifest.json'), 'utf8'),
      ) as PreparedManifest;
      this.manifests.set(campaignId, manifest);
      return manifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes the rows, then the manifest (built once the rows are all read, so it can
   * count them): a manifest on disk means the rows are complete.
   */
  async write(
    campaignId: string,
    rows: AsyncIterable<PreparedRow>,
    manifest: () => PreparedManifest,
  ): Promise<void> {
    const dir = this.dir(campaignId);
    const writer = await AtomicFileWriter.create(join(dir, 'rows.jsonl'));
    try {
      for await (const row of rows) await writer.write(`${JSON.stringify(row)}\n`);
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    this.indexes.delete(campaignId);
    this.manifests.delete(campaignId);
    await writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest(), null, 2));
  }

  private index(campaignId: string): Promise<RowIndex> {
    let index = this.indexes.get(campaignId);
    if (!index) {
      index = this.buildIndex(campaignId);
      index.catch(() => this.indexes.delete(campaignId));
      this.indexes.set(campaignId, index);
    }
    return index;
  }

  private async buildIndex(campaignId: string): Promise<RowIndex> {
    const offsets: number[] = [];
    const byKey = new Map<string, number>();
    let offset = 0;
    const lines = createInterface({
      input: createReadStream(join(this.dir(campaignId), 'rows.jsonl'), 'utf8'),
    });
    for await (const line of lines) {
      byKey.set((JSON.parse(line) as PreparedRow).rowKey, offsets.length);
      offsets.push(offset);
      offset += Buffer.byteLength(line, 'utf8') + 1;
    }
    offsets.push(offset);
    return { offsets, byKey };
  }

  private async readRange(
    handle: FileHandle,
    index: RowIndex,
    from: number,
    to: number,
  ): Promise<PreparedRow[]> {
    const start = index.offsets[from] ?? 0;
    const end = index.offsets[to] ?? start;
    const buffer = Buffer.alloc(end - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as PreparedRow);
  }

  /** Rows [offset, offset + limit) in file order. */
  async page(campaignId: string, offset: number, limit: number): Promise<PreparedRow[]> {
    const index = await this.index(campaignId);
    const rowCount = index.offsets.length - 1;
    const from = Math.min(offset, rowCount);
    const to = Math.min(offset + limit, rowCount);
    if (from >= to) return [];
    const handle = await open(join(this.dir(campaignId), 'rows.jsonl'), 'r');
    try {
      return await this.readRange(handle, index, from, to);
    } finally {
      await handle.close();
    }
  }

  async get(campaignId: string, rowKey: string): Promise<PreparedRow | undefined> {
    const index = await this.index(campaignId);
    const position = index.byKey.get(rowKey);
    if (position === undefined) return undefined;
    return (await this.page(campaignId, position, 1))[0];
  }
}
