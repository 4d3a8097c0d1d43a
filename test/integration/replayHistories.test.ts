import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { failureConverterPath } from '../../src/temporal/dataConverter.js';
import { workflowsPath } from '../../src/temporal/workflowsPath.js';
import { testDataConverter } from '../support/testCodec.js';

const { temporal } = proto;
const HISTORIES = join('test', 'replay', 'histories');

/** Every committed history, by the workflow code version (folder) that recorded it. */
async function committedHistories(): Promise<Array<{ workflowId: string; history: unknown }>> {
  const out: Array<{ workflowId: string; history: unknown }> = [];
  for (const version of await readdir(HISTORIES)) {
    for (const file of (await readdir(join(HISTORIES, version))).filter((name) => name.endsWith('.binpb'))) {
      const history = temporal.api.history.v1.History.decode(await readFile(join(HISTORIES, version, file)));
      out.push({ workflowId: `${version}/${file}`, history });
    }
  }
  return out;
}

/**
 * A deploy must never break a campaign already running: today's workflow code replays
 * the histories that earlier versions wrote (test/replay/recordHistories.ts records them)
 * without a nondeterminism error.
 */
describe('workflow code replays the committed histories of earlier versions', () => {
  it('replays every committed campaign and call history', async () => {
    const histories = await committedHistories();
    // Both workflow types and a continued-as-new campaign must be present, or this proves little.
    expect(histories.filter((h) => h.workflowId.includes('/call_')).length).toBeGreaterThanOrEqual(5);
    expect(histories.filter((h) => h.workflowId.includes('/campaign_')).length).toBeGreaterThanOrEqual(2);

    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      failureConverterPath: failureConverterPath(),
      logger: new DefaultLogger('WARN'),
    });
    const failures: string[] = [];
    let replayed = 0;
    // With the payload codec on: the committed histories hold plain payloads, which it passes through.
    const dataConverter = testDataConverter();
    for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });
});
