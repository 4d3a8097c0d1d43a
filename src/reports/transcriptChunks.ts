import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor } from '../results/atomicFile.js';
import { jsonForScript } from './htmlEscape.js';

/**
 * The report's sidecar: each row's transcript and call details, in `transcripts/0001.js`,
 * `0002.js`, ... beside report.html, CHUNK_ROWS rows a file in report order. report.html
 * only carries a summary per row and adds a chunk's `<script src>` when a row of it is
 * opened: a classic script is the one way a page opened from disk (file://, no server)
 * can read a sibling file, since Chromium blocks fetch() and XHR of file: URLs.
 *
 * A chunk is one call, `cmcReportChunk("<generation>",<chunk>,[<row>,...]);`, whose
 * arguments are JSON escaped by jsonForScript: JSON is a JavaScript expression, so a
 * transcript can only ever be string data in it, whatever it says.
 *
 * Every report write has a fresh random generation, in report.html's meta data and in
 * each chunk; the page shows a chunk's transcripts only when the generations match, so
 * a page cannot show transcripts from another run of the report, whatever is on disk.
 */
export const TRANSCRIPTS_DIR = 'transcripts';
export const CHUNK_ROWS = 1000;
export const CHUNK_CALLBACK = 'cmcReportChunk';
/** The names chunk files have; anything else in transcripts/ is left alone. */
const CHUNK_FILE = /^\d{4,}\.js$/;
const FLUSH_AT = 64 * 1024;

export function chunkFileName(chunk: number): string {
  return `${String(chunk).padStart(4, '0')}.js`;
}

/** 1-based chunk number of the row at 0-based position `index` in the report. */
export function chunkOfIndex(index: number, chunkRows = CHUNK_ROWS): number {
  return Math.floor(index / chunkRows) + 1;
}

export function chunkCount(rows: number, chunkRows = CHUNK_ROWS): number {
  return Math.ceil(rows / chunkRows);
}

export function newGeneration(): string {
  return randomBytes(8).toString('hex');
}

interface OpenChunk {
  chunk: number;
  finalPath: string;
  tempPath: string;
  handle: FileHandle;
  rows: number;
  buffer: string[];
  buffered: number;
}

/**
 * Streams rows into chunk files. Finished chunks wait under temp names (closed and
 * fsynced) until `commit()` renames them all, just before report.html is committed,
 * so a write that fails halfway leaves the previous report and its chunks as they
 * were. Holds at most one chunk's buffer (64 KiB) and one open file at a time.
 */
export class TranscriptChunkWriter {
  private current: OpenChunk | null = null;
  private readonly staged: Array<{ tempPath: string; finalPath: string }> = [];
  private readonly written = new Set<string>();
  private rowCount = 0;
  private aborted = false;
  /** Bytes written to chunk files so far. */
  bytes = 0;

  private constructor(
    readonly dir: string,
    readonly generation: string,
    readonly chunkRows: number,
  ) {}

  static async create(
    reportDir: string,
    generation: string,
    chunkRows = CHUNK_ROWS,
  ): Promise<TranscriptChunkWriter> {
    const dir = join(reportDir, TRANSCRIPTS_DIR);
    await mkdir(dir, { recursive: true });
    return new TranscriptChunkWriter(dir, generation, chunkRows);
  }

  /** Appends the next row's details, in report order. */
  async add(detail: unknown): Promise<void> {
    if (this.aborted) throw new Error('add after abort');
    if (this.current === null) this.current = await this.open(chunkOfIndex(this.rowCount, this.chunkRows));
    const chunk = this.current;
    await this.write(chunk, `${chunk.rows === 0 ? '' : ',\n'}${jsonForScript(detail)}`);
    chunk.rows += 1;
    this.rowCount += 1;
    if (chunk.rows === this.chunkRows) await this.close(chunk);
  }

  /** Renames every finished chunk into place; the last, partial chunk is closed first. */
  async commit(): Promise<void> {
    if (this.current !== null) await this.close(this.current);
    // One at a time, so a failed rename leaves the rest staged for abort() to remove.
    while (this.staged.length > 0) {
      const { tempPath, finalPath } = this.staged[0] as { tempPath: string; finalPath: string };
      await rename(tempPath, finalPath);
      this.staged.shift();
    }
  }

  /**
   * Removes chunk files this write did not produce: a previous run of the report had
   * more rows. Call after report.html is committed (the old page may still use them
   * until then; it would only show them while the generations match, which they don't).
   */
  async removeStale(): Promise<string[]> {
    const stale = (await readdir(this.dir)).filter(
      (name) => CHUNK_FILE.test(name) && !this.written.has(name),
    );
    for (const name of stale) await rm(join(this.dir, name), { force: true });
    return stale;
  }

  /** Drops every temp file of this write; chunks already in place stay. */
  async abort(): Promise<void> {
    this.aborted = true;
    const current = this.current;
    this.current = null;
    if (current !== null) {
      await current.handle.close().catch(() => undefined);
      await rm(current.tempPath, { force: true });
    }
    for (const { tempPath } of this.staged.splice(0)) await rm(tempPath, { force: true });
  }

  /** Names of the chunk files this write produces, in order. */
  get files(): string[] {
    return [...this.written];
  }

  private async open(chunk: number): Promise<OpenChunk> {
    const name = chunkFileName(chunk);
    const finalPath = join(this.dir, name);
    const tempPath = tempPathFor(finalPath);
    const handle = await open(tempPath, 'wx');
    this.written.add(name);
    const opened: OpenChunk = { chunk, finalPath, tempPath, handle, rows: 0, buffer: [], buffered: 0 };
    const first = (chunk - 1) * this.chunkRows + 1;
    await this.write(
      opened,
      `/* report.html transcripts chunk ${chunk}: rows ${first} to at most ${first + this.chunkRows - 1} */\n` +
        `${CHUNK_CALLBACK}(${jsonForScript(this.generation)},${chunk},[\n`,
    );
    return opened;
  }

  private async write(chunk: OpenChunk, text: string): Promise<void> {
    chunk.buffer.push(text);
    chunk.buffered += text.length;
    if (chunk.buffered >= FLUSH_AT) await this.flush(chunk);
  }

  private async flush(chunk: OpenChunk): Promise<void> {
    if (chunk.buffer.length === 0) return;
    const data = Buffer.from(chunk.buffer.join(''), 'utf8');
    chunk.buffer = [];
    chunk.buffered = 0;
    await chunk.handle.writeFile(data);
    this.bytes += data.length;
  }

  private async close(chunk: OpenChunk): Promise<void> {
    await this.write(chunk, '\n]);\n');
    await this.flush(chunk);
    // fsync before the rename in commit(), as AtomicFileWriter does.
    await chunk.handle.sync();
    this.current = null;
    this.staged.push({ tempPath: chunk.tempPath, finalPath: chunk.finalPath });
    await chunk.handle.close();
  }
}
