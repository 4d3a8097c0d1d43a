import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignStack, startCampaignStack, writeCampaign } from '../support/campaignStack.js';
import { buildCli, cmc, freePort, outputOf, spawnCmc } from '../support/cli.js';
import { openRaw } from '../support/rawHttpClient.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';
import { TEST_CODEC_KEYS } from '../support/testCodec.js';

const run = promisify(execFile);
const TEMPORAL_CLI = process.env.TEMPORAL_CLI ?? '.tools/bin/temporal';
const TOKEN = 'codec-test-token-0123456789';
const UI_ORIGIN = 'http://127.0.0.1:18233';
const TASK_MARKER = 'Bellatrix-Quimby';

// Personal data that must never appear in Temporal history: numbers, names, dates, the task.
const ROWS = [
  ['Zephyrine', '+46701750601', '2031-07-11', '10:15'],
  ['Oluwaseun', '+46701750602', '2031-07-12', '11:20'],
  ['Gwendolyn', '+46701750603', '2031-07-13', '12:25'],
];
const CSV = `first_name,phone_number,appointment_date,appointment_time\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;
const PERSONAL = [
  // Long enough that random ciphertext bytes or timestamps cannot match them by chance.
  ...ROWS.flatMap(([name, phone, date]) => [name, phone, phone?.slice(3), date]),
  TASK_MARKER,
  'appointment on',
] as string[];

/** A history event as `temporal workflow show -o json` prints it, as far as these tests read it. */
interface ShownEvent {
  workflowExecutionStartedEventAttributes?: { input?: { payloads?: JsonPayload[] } };
}

const SDK_MARKER_FIELDS = /markerRecordedEventAttributes\.details\.(data|patch-data)\./;

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
const b64 = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8');

async function workflowShow(ctx: TemporalTestContext, workflowId: string, extra: string[] = []) {
  const { stdout } = await run(
    TEMPORAL_CLI,
    [
      'workflow',
      'show',
      '-w',
      workflowId,
      '--address',
      ctx.address,
      '--namespace',
      ctx.namespace,
      '-o',
      'json',
      ...extra,
    ],
    { maxBuffer: 32 * 1024 * 1024 },
  );
  return stdout;
}

/** Every payload ({metadata, data}) in a shown history, with where it was. */
function payloadsIn(node: unknown, path = '', found: Array<{ path: string; payload: JsonPayload }> = []) {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) payloadsIn(item, `${path}[${i}]`, found);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.metadata && typeof record.metadata === 'object' && 'data' in record)
      found.push({ path, payload: record as JsonPayload });
    else for (const [key, value] of Object.entries(record)) payloadsIn(value, `${path}.${key}`, found);
  }
  return found;
}

/** Every object with a `message` and `encodedAttributes` or `failureInfo`: the failures in a history. */
function failuresIn(node: unknown, found: Array<{ message?: string; encodedAttributes?: JsonPayload }> = []) {
  if (Array.isArray(node)) for (const item of node) failuresIn(item, found);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ('message' in record && ('applicationFailureInfo' in record || 'encodedAttributes' in record))
      found.push(record as never);
    for (const value of Object.values(record)) failuresIn(value, found);
  }
  return found;
}

describe('personal data out of Temporal history: the payload codec on a real campaign', () => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  let codecServer: ChildProcess | undefined;
  let codecUrl = '';
  const campaignId = `codec-${Date.now().toString(36)}`;
  const workflowIds: string[] = [];

  beforeAll(async () => {
    await buildCli();
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx, { speed: 60 });
    const port = await freePort();
    codecServer = spawnCmc(['codec-server', '--port', String(port), '--cors-origin', UI_ORIGIN], {
      CMC_CODEC_KEYS: TEST_CODEC_KEYS,
      CMC_CODEC_TOKEN: TOKEN,
      TEMPORAL_NAMESPACE: ctx.namespace,
      CMC_DATA_DIR: stack.dataDir,
    });
    const output = outputOf(codecServer);
    await output.waitFor(/codec server listening on (\S+)/);
    codecUrl = /codec server listening on (\S+)/.exec(output.text)?.[1] ?? '';
    expect(output.text).not.toContain(TEST_CODEC_KEYS.split(':')[1]);
    expect(output.text).not.toContain(TOKEN);
  });
  afterAll(async () => {
    codecServer?.kill('SIGTERM');
    await stack?.close();
    await ctx?.close();
  });

  it('runs a campaign whose history holds ciphertext only, and failure messages encoded', async () => {
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 5_000 } } as never);
    // One rate-limited start-call: the activity fails once, and that failure is in history (lastFailure).
    await stack.admin.setFaults({ start_call: [{ type: '429', count: 1, retry_after: 1 }] });
    const dir = await writeCampaign(
      stack.workDir,
      'codec',
      {
        name: 'Codec test',
        call: {
          task: `${TASK_MARKER}: confirm {{first_name}}'s appointment on {{appointment_date}}`,
          language: 'en',
        },
        concurrency: 3,
        callsPerMinute: 600,
        callingWindow: { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' },
        retry: { maxAttempts: 1, retryOn: [], delay: '1s' },
        credits: { budget: 10_000, estimatePerCall: 2 },
        reconcileAfter: '3s',
      },
      CSV,
    );
    const result = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId, campaignDir: dir });
      return await handle.result();
    });
    expect(result.status).toBe('completed');
    for await (const workflow of ctx.client.workflow.list({ query: `CampaignId = '${campaignId}'` })) {
      workflowIds.push(workflow.workflowId);
      // IDs and search attributes are readable and carry no personal data.
      const visible = JSON.stringify({ id: workflow.workflowId, attributes: workflow.searchAttributes });
      for (const secret of PERSONAL) expect(visible).not.toContain(secret);
    }
    const rowIds = workflowIds.filter((id) => id.startsWith(`call:${campaignId}:`));
    expect(rowIds).toHaveLength(3);
    expect(workflowIds).toContain(`campaign:${campaignId}`);

    let failures = 0;
    for (const workflowId of workflowIds) {
      const shown = await workflowShow(ctx, workflowId);
      const history = JSON.parse(shown) as { events: ShownEvent[] };
      // The CLI prints payload bytes in base64: read them too, so plain JSON could not hide there.
      const payloads = payloadsIn(history);
      const readable = [shown, ...payloads.map(({ payload }) => b64(payload.data))].join('\n');
      for (const secret of PERSONAL) expect(readable, `${secret} in ${workflowId}`).not.toContain(secret);
      for (const { path, payload } of payloads) {
        // Codecs never touch search attributes (the server indexes them) nor what the SDK core
        // writes itself into markers (a patch ID; a local activity's seq, type and times); all
        // of it was read for personal data above. A local activity's result is encrypted.
        if (path.includes('searchAttributes') || SDK_MARKER_FIELDS.test(path)) continue;
        expect(
          b64(payload.metadata?.encoding),
          `${workflowId} ${path} ${b64(payload.data).slice(0, 300)}`,
        ).toBe('binary/encrypted');
      }
      const input = history.events[0]?.workflowExecutionStartedEventAttributes?.input
        ?.payloads as JsonPayload[];
      expect(input.length).toBeGreaterThan(0);
      for (const payload of input) {
        expect(b64(payload.metadata?.encoding)).toBe('binary/encrypted');
        expect(b64(payload.metadata?.['encryption-key-id'])).toBe(TEST_CODEC_KEYS.split(':')[0]);
      }
      for (const failure of failuresIn(history)) {
        failures += 1;
        expect(failure.message).toBe('Encoded failure');
        expect(b64(failure.encodedAttributes?.metadata?.encoding)).toBe('binary/encrypted');
      }
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('cmc codec-server decodes that history back, for the Temporal CLI and over plain HTTP', async () => {
    const rowId = workflowIds.find((id) => id.startsWith(`call:${campaignId}:`)) as string;
    const history = JSON.parse(await workflowShow(ctx, rowId)) as { events: ShownEvent[] };
    const input = history.events[0]?.workflowExecutionStartedEventAttributes?.input
      ?.payloads as JsonPayload[];

    const response = await fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TOKEN}`,
        'x-namespace': ctx.namespace,
      },
      body: JSON.stringify({ payloads: input }),
    });
    expect(response.status).toBe(200);
    const decoded = (await response.json()) as { payloads: JsonPayload[] };
    expect(decoded.payloads).toHaveLength(input.length);
    expect(b64(decoded.payloads[0]?.metadata?.encoding)).toBe('json/plain');
    const plain = JSON.parse(b64(decoded.payloads[0]?.data));
    expect(plain.plan.campaignId).toBe(campaignId);
    expect(plain.row.rowKey).toBe(rowId.split(':')[2]);
    // The masked number (+46 70•••••0N) is in the input, and only readable decoded.
    const masked = plain.row.maskedPhone as string;
    expect(masked).toMatch(/^\+46 70.*0[123]$/);
    expect(JSON.stringify(history)).not.toContain(masked);
    expect(plain.campaignWorkflowId).toBe(`campaign:${campaignId}`);

    // The real Temporal CLI, pointed at the codec server, prints the plain input.
    const viaCli = await workflowShow(ctx, rowId, [
      '--codec-endpoint',
      codecUrl,
      '--codec-auth',
      `Bearer ${TOKEN}`,
    ]);
    const shownDecoded = JSON.parse(viaCli) as { events: ShownEvent[] };
    const decodedInput =
      shownDecoded.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(b64(decodedInput?.metadata?.encoding)).toBe('json/plain');
    expect(b64(decodedInput?.data)).toContain(masked);
  });

  it('refuses hostile requests to the codec server with the right status', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${codecUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
        body,
      });
    const good = JSON.stringify({ payloads: [] });
    expect((await fetch(`${codecUrl}/decode`, { method: 'POST', body: good })).status).toBe(401);
    expect((await post('/decode', good, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post('/decode', good, { authorization: TOKEN })).status).toBe(401);
    expect((await post('/decode', good, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/decode', good, { 'x-namespace': 'someone-elses' })).status).toBe(403);
    const badJson = await post('/decode', '{"payloads": [');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: 'body is not JSON' });
    for (const shape of [
      '[]',
      '{"payloads": {}}',
      '{"payloads": [{"data": "not base64!"}]}',
      '{"payloads": [42]}',
    ]) {
      expect((await post('/decode', shape)).status, shape).toBe(400);
    }
    const forged = JSON.stringify({
      payloads: [
        {
          metadata: { encoding: btoa('binary/encrypted'), 'encryption-key-id': btoa('nokey') },
          data: btoa('x'.repeat(40)),
        },
      ],
    });
    const unknownKey = await post('/decode', forged);
    expect(unknownKey.status).toBe(400);
    expect(((await unknownKey.json()) as { error: string }).error).toContain('key id "nokey"');
    // A huge body is refused from its Content-Length, before it is read.
    const huge = await openRaw(codecUrl);
    huge.socket.write(
      `POST /decode HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n{"payloads":[`,
    );
    await huge.waitFor('413', 5_000);
    expect(huge.received()).toMatch(/^HTTP\/1\.1 413/);
    huge.socket.destroy();
    expect((await fetch(`${codecUrl}/decode`, { method: 'GET' })).status).toBe(405);
    expect((await post('/elsewhere', good)).status).toBe(404);
    // Endpoints templated with {namespace}: ours answers, another namespace is refused.
    expect((await post(`/${ctx.namespace}/decode`, good)).status).toBe(200);
    expect((await post('/someone-elses/decode', good)).status).toBe(403);
    expect((await post('/%E0%A4%A/decode', good)).status).toBe(400);

    // The UI's preflight: allowed for its origin, with credentials; refused for others.
    const preflight = await fetch(`${codecUrl}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const otherPreflight = await fetch(`${codecUrl}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(otherPreflight.status).toBe(403);
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
    // And the UI's real request gets its CORS headers.
    const fromUi = await post(
      '/encode',
      JSON.stringify({ payloads: [{ metadata: { encoding: btoa('json/plain') }, data: btoa('"hi"') }] }),
      {
        origin: UI_ORIGIN,
      },
    );
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const encoded = (await fromUi.json()) as { payloads: JsonPayload[] };
    expect(b64(encoded.payloads[0]?.metadata?.encoding)).toBe('binary/encrypted');
  });

  it('refuses a hostile CMC_CODEC_KEYS or an exposed codec server at start-up: exit 2, named, no key, no stack', async () => {
    const material = TEST_CODEC_KEYS.split(':')[1] as string;
    const hostile = [
      `k1:${material.slice(0, 20)}`, // too short once decoded
      material, // a bare key, no id
      `k1:${material},k1:${material}`, // duplicate id
      `k1:${material.slice(0, -2)}!!`, // not base64
    ];
    for (const keys of hostile) {
      for (const args of [['codec-server', '--port', '0'], ['list'], ['worker']]) {
        const result = await cmc(args, { TEMPORAL_ADDRESS: ctx.address, CMC_CODEC_KEYS: keys }, 30_000);
        const where = `cmc ${args[0]} with ${keys.length} characters of CMC_CODEC_KEYS`;
        expect(result.code, where).toBe(2);
        expect(result.stderr, where).toMatch(/^cmc: CMC_CODEC_KEYS: /);
        expect(result.stderr, where).not.toContain(material.slice(0, 16));
        expect(result.stderr, where).not.toMatch(/\n\s+at /);
      }
    }
    const exposed = await cmc(['codec-server', '--host', '0.0.0.0', '--port', '0'], {
      CMC_CODEC_KEYS: TEST_CODEC_KEYS,
    });
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toContain('without CMC_CODEC_TOKEN');
  });
});
