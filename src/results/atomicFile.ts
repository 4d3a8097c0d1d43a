import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Files other processes may read while we write them (results, reports, recordings)
 * are written to a temp file in the same folder and renamed over the final name:
 * rename within one file system is atomic, so a reader sees the old file or the new
 * one, never half of one. Temp names start with a dot and end in `.tmp`.
 */
export function tempPathFor(finalPath: string): string {
  return join(
    dirname(finalPath),
    `.${basename(finalPath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** Writes the whole file at once, atomically. */
export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  const writer = await AtomicFileWriter.create(finalPath);
  try {
    await writer.write(data);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

const FLUSH_AT = 64 * 1024;

/**
 * Streams a large file (100k report rows) to its temp name in buffered chunks, then
 * `commit()` fsyncs and renames it into place; `abort()` removes the temp file.
 * One chunk is written while the next one fills, so the caller rarely waits on the disk.
 */
export class AtomicFileWriter {
  private chunks: Array<string | Uint8Array> = [];
  private buffered = 0;
  private closed = false;
  /** The write in flight, if any; its failure surfaces at the next write, flush or commit. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly finalPath: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(finalPath: string): Promise<AtomicFileWriter> {
    await mkdir(dirname(finalPath), { recursive: true });
    const tempPath = tempPathFor(finalPath);
    const handle = await open(tempPath, 'wx');
    return new AtomicFileWriter(finalPath, tempPath, handle);
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.closed) throw new Error(`write after close: ${this.finalPath}`);
    this.chunks.push(data);
    this.buffered += data.length;
    if (this.buffered >= FLUSH_AT) await this.startWriting();
  }

  /** Writes everything buffered to the temp file, e.g. before reading the temp file back. */
  async flush(): Promise<void> {
    await this.startWriting();
    await this.writing;
  }

  /** Waits for the write in flight, then starts writing what is buffered, as one write. */
  private async startWriting(): Promise<void> {
    await this.writing;
    const chunks = this.chunks;
    if (chunks.length === 0) return;
    this.chunks = [];
    this.buffered = 0;
    // One write per chunk of 64 KiB, not one per piece: each is a trip to libuv's thread pool.
    this.writing = this.handle.writeFile(
      chunks.every((chunk) => typeof chunk === 'string')
        ? chunks.join('')
        : Buffer.concat(
            chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)),
          ),
    );
    // Marked handled while nobody waits for it; awaited (and thrown) by the next call.
    this.writing.catch(() => undefined);
  }

  /** Flushes, fsyncs and renames the temp file over the final path. */
  async commit(): Promise<void> {
    await this.flush();
    // fsync before rename, so a crash cannot leave the final name pointing at an empty file.
    await this.handle.sync();
    this.closed = true;
    await this.handle.close();
    await rename(this.tempPath, this.finalPath);
  }

  /** Drops the temp file; safe to call after a failed commit or twice. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.writing.catch(() => undefined);
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.tempPath, { force: true });
  }
}
