import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFileWriter, writeFileAtomic } from '../../../src/results/atomicFile.js';

describe('atomic files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmc-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows nothing under the final name until commit, then the whole file in order', async () => {
    const path = join(dir, 'sub', 'big.txt');
    const writer = await AtomicFileWriter.create(path);
    const parts = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(40)}\n`);
    for (const part of parts) await writer.write(part);
    await writer.write(new TextEncoder().encode('bytes at the end\n'));
    expect(await readdir(join(dir, 'sub'))).not.toContain('big.txt');
    await writer.commit();
    expect(await readFile(path, 'utf8')).toBe(`${parts.join('')}bytes at the end\n`);
    expect(await readdir(join(dir, 'sub'))).toEqual(['big.txt']);
  });

  it('leaves no temp file behind on abort', async () => {
    const writer = await AtomicFileWriter.create(join(dir, 'gone.txt'));
    await writer.write('partial');
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'a.json');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });
});
