import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../../src/devstack/temporalCli.js';
import { type RunningDevServer, startTemporalDevServer } from '../../src/devstack/temporalDevServer.js';
import { createLogger } from '../../src/logging/logger.js';
import { AesGcmPayloadCodec } from '../../src/payloadCodec/aesGcmPayloadCodec.js';
import { parseCodecKeys } from '../../src/payloadCodec/codecKeys.js';
import { type RunningCodecServer, startCodecServer } from '../../src/payloadCodec/codecServer.js';
import { freePort } from '../support/cli.js';
import { TEST_CODEC_KEYS, testDataConverter } from '../support/testCodec.js';
import { findChromium, HeadlessChromium } from './headlessChromium.js';

/**
 * The Temporal Web UI of a dev server started with --ui-codec-endpoint pointing at our
 * codec server shows a workflow's encrypted input decoded. Needs Chromium
 * (scripts/ensure-chromium.sh, or CHROMIUM_PATH); without it the file is skipped.
 */
const chromium = findChromium();
if (chromium === undefined) {
  console.warn(
    'codecWebUi.test.ts SKIPPED: no Chromium found (set CHROMIUM_PATH or `apt-get install -y chromium`).',
  );
}

const MARKER = 'Decoded-by-codec-Philippa-Oyelaran';

describe.skipIf(chromium === undefined)('the Temporal Web UI with the codec endpoint set', () => {
  let codecServer: RunningCodecServer;
  let devServer: RunningDevServer;
  let connection: Connection;
  let browser: HeadlessChromium;
  let uiPort: number;
  let workflowUrl = '';

  beforeAll(async () => {
    uiPort = await freePort();
    codecServer = await startCodecServer({
      codec: new AesGcmPayloadCodec(parseCodecKeys(TEST_CODEC_KEYS)),
      logger: createLogger('test', { level: 'silent' }),
      corsOrigins: [`http://127.0.0.1:${uiPort}`],
    });
    devServer = await startTemporalDevServer({
      temporalPath: process.env.TEMPORAL_CLI ?? resolveTemporalCli(),
      dbFile: join(await mkdtemp(join(tmpdir(), 'cmc-codec-ui-')), 'dev.db'),
      port: await freePort(),
      uiPort,
      uiCodecEndpoint: codecServer.url,
    });
    connection = await Connection.connect({ address: devServer.address });
    const client = new Client({ connection, dataConverter: testDataConverter() });
    // No worker: the started event with its (encrypted) input is all the page needs.
    const workflowId = `codec-ui-${Date.now().toString(36)}`;
    const handle = await client.workflow.start('rowWorkflow', {
      workflowId,
      taskQueue: 'nobody-polls-this',
      args: [{ note: MARKER }],
    });
    const raw = await client.workflow.getHandle(workflowId).fetchHistory();
    const input = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    workflowUrl = `${devServer.uiUrl}/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}/history`;
    browser = await HeadlessChromium.launch(chromium as string);
  });
  afterAll(async () => {
    await browser?.close();
    await connection?.close();
    await devServer?.stop();
    await codecServer?.close();
  });

  const pageText = 'document.body ? document.body.innerText : ""';

  it('shows the decoded input of a workflow whose history holds only ciphertext', async () => {
    await browser.open(workflowUrl, 30_000);
    // A single-page app: the input appears once the UI fetched the history and the codec answered.
    const found = await browser
      .waitFor<boolean>(`(${pageText}).includes(${JSON.stringify(MARKER)})`, 45_000)
      .catch(() => false);
    expect(found, (await browser.evaluate<string>(pageText)).slice(0, 3000)).toBe(true);
  });

  it('without a reachable codec server, the same page does not show it', async () => {
    await codecServer.close();
    await browser.open(workflowUrl, 30_000);
    // Wait until the page has rendered the workflow, then give the codec request time to fail.
    await browser.waitFor<boolean>(`(${pageText}).includes('codec-ui-')`, 45_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await browser.evaluate<string>(pageText)).not.toContain(MARKER);
  });
});
