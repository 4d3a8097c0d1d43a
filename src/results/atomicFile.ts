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
 */
export class AtomicFileWriter {
  private chunks: Array<string | Uint8Array> = [];
  private buffered = 0;
  private closed = false;

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
    if (this.buffered >= FLUSH_AT) await this.flush();
  }

  /** Writes what is buffered to the temp file, e.g. before reading the temp file back. */
  async flush(): Promise<void> {
    const chunks = this.chunks;
    this.chunks = [];
    this.buffered = 0;
    for (const chunk of chunks) {
      if (typeof chunk === 'string') await this.handle.writeFile(chunk, 'utf8');
      else await this.handle.writeFile(chunk);
    }
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
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.tempPath, { force: true });
  }
}
