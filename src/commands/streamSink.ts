import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { TextSink } from '../reports/resultsCsvWriter.js';

/**
 * A TextSink over a stream such as stdout: waits while the reader is behind, so a 100k-row
 * export never piles up in memory, and fails at the next write once the stream has failed
 * (the reader went away), instead of an unhandled 'error' event.
 */
export function streamSink(stream: Writable): TextSink {
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    async write(text: string): Promise<void> {
      if (failure !== undefined) throw failure;
      if (!stream.write(text)) await once(stream, 'drain');
    },
  };
}
