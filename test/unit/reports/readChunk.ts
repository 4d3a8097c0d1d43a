import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import type { HtmlRowDetail } from '../../../src/reports/reportHtml.js';

export interface ReadChunk {
  text: string;
  generation: string;
  chunk: number;
  rows: HtmlRowDetail[];
}

/** Our comment line, then exactly one call of the page's callback with JSON arguments. */
const CHUNK_SHAPE = /^\/\* [^*\n]* \*\/\ncmcReportChunk\(("[0-9a-f]{16}"),(\d+),\[\n([\s\S]*)\n\]\);\n$/;

/**
 * Reads a transcripts chunk the way a browser would, by running it as a script, in a
 * sandbox that has nothing but the page's callback. Fails unless running it does
 * nothing but make that one call, and unless its arguments are exactly the JSON text
 * between our own prefix and suffix: whatever a transcript says, it stays data.
 */
export async function readChunk(path: string): Promise<ReadChunk> {
  const text = await readFile(path, 'utf8');
  const calls: unknown[][] = [];
  const sandbox: Record<string, unknown> = {
    cmcReportChunk: (...args: unknown[]) => {
      calls.push(args);
    },
  };
  runInNewContext(text, sandbox, { timeout: 5000 });
  if (calls.length !== 1) throw new Error(`${path}: ${calls.length} callback calls, expected 1`);
  if (Object.keys(sandbox).join() !== 'cmcReportChunk') {
    throw new Error(`${path} set globals: ${Object.keys(sandbox).join()}`);
  }
  const [generation, chunk, rows] = calls[0] as [string, number, HtmlRowDetail[]];
  const shape = CHUNK_SHAPE.exec(text);
  if (shape === null) throw new Error(`${path} is not shaped like a chunk`);
  // Cross-realm values out of the sandbox, made plain for toEqual.
  const ran = JSON.stringify([generation, chunk, rows]);
  const asJson = JSON.stringify([
    JSON.parse(shape[1] as string),
    Number(shape[2]),
    JSON.parse(`[${shape[3]}]`),
  ]);
  if (ran !== asJson) throw new Error(`${path}: running it gives other values than its JSON text`);
  return { text, generation, chunk, rows: JSON.parse(ran)[2] };
}
