import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/callmycall/webhookSignature.js';
import { attemptWebhookPath } from '../../src/engine/ids.js';
import type { RowResult } from '../../src/results/rowResult.js';
import type { SimFaults, SimStartCallRequest } from '../../src/simulator/adminTypes.js';
import {
  type CampaignStack,
  startCampaignStack,
  swedishContacts,
  WEBHOOK_SECRET,
  writeCampaign,
} from '../support/campaignStack.js';
import { storeBackends } from '../support/storeBackends.js';
import { connectToTestServer, type TemporalTestContext } from '../support/temporal.js';

const alwaysOpen = { timezone: 'Europe/Stockholm', days: 'all', start: '00:00', end: '24:00' };

function campaign(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Hostile answers',
    call: { task: 'Confirm {{first_name}}', language: 'en' },
    concurrency: 1,
    callsPerMinute: 600,
    callingWindow: alwaysOpen,
    retry: { maxAttempts: 1, retryOn: [], delay: '1s' },
    credits: { budget: 10_000, estimatePerCall: 2 },
    reconcileAfter: '3s',
    ...overrides,
  };
}

async function results(stack: CampaignStack, campaignId: string): Promise<Array<RowResult | null>> {
  const text = await readFile(join(stack.reportsDir, campaignId, 'results.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { result: RowResult | null }).result);
}

/** Start-call requests per client_request_id, as the simulator received them. */
function requestsById(requests: SimStartCallRequest[]): Map<string, SimStartCallRequest[]> {
  const byId = new Map<string, SimStartCallRequest[]>();
  for (const request of requests) {
    const id = request.clientRequestId ?? '(no id)';
    byId.set(id, [...(byId.get(id) ?? []), request]);
  }
  return byId;
}

/**
 * What the API may answer a start-call with, beyond the reference, and what a captured
 * webhook replayed to another row can do: on a real Temporal server and the simulator.
 */
describe.each(storeBackends())('hostile API answers and replayed webhooks ($name)', (backend) => {
  let ctx: TemporalTestContext;
  let stack: CampaignStack;
  beforeAll(async () => {
    ctx = await connectToTestServer();
    stack = await startCampaignStack(ctx, {
      speed: 60,
      databaseUrl: await backend.newDatabaseUrl('hostile'),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await ctx?.close();
  });
  beforeEach(async () => {
    await stack.admin.reset();
  });

  it('sends each client_request_id once whatever the start-call answer, and reconciles the ones that created a call', async () => {
    const { csv } = swedishContacts(8, 46701745600);
    const answers: NonNullable<SimFaults['start_call']> = [
      { type: 'answer', status: 200, body: '{"sid":"{{sid}}"}' },
      { type: 'answer', status: 201, body: '' },
      { type: 'answer', status: 200, body: '<html><body>OK</body></html>', content_type: 'text/html' },
      { type: 'answer', status: 409, body: '{"error":"conflict"}' },
      { type: 'answer', status: 503, body: '{"error":"unavailable"}' },
      { type: 'answer', status: 302, body: '', create: false },
      { type: 'answer', status: 404, body: '{"error":"Not found"}', create: false },
    ];
    await stack.admin.setFaults({ start_call: answers });
    const dir = await writeCampaign(stack.workDir, 'answers', campaign(), csv);
    const result = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId: `answers-${backend.key}`, campaignDir: dir });
      return await handle.result();
    });

    // Five answers hid a created call: each was found through its webhook. The 302
    // created nothing and stays unknown (never re-sent); the 404 is a refusal.
    expect(result.outcomes).toEqual({ completed: 6, unknown: 1, rejected: 1 });
    const requests = await stack.admin.startCallRequests();
    const byId = requestsById(requests);
    expect(byId.size).toBe(8);
    for (const [id, sent] of byId) expect(sent, id).toHaveLength(1);
    expect(requests.map((request) => request.answer)).toEqual([200, 201, 200, 409, 503, 302, 404, 200]);
    const calls = await stack.admin.calls();
    expect(calls).toHaveLength(6);
    const rows = await results(stack, `answers-${backend.key}`);
    const bySid = new Map(rows.map((row) => [row?.attempts[0]?.sid, row]));
    for (const call of calls) expect(bySid.get(call.sid)?.outcome, call.sid).toBe('completed');
  });

  it('a signed webhook replayed to another row or attempt never moves that row', async () => {
    const { csv } = swedishContacts(3, 46701746600);
    // The first start-call answers 302 and creates nothing: that row's start is uncertain
    // and waits for a webhook that names its call. The other rows place calls that last
    // ~10 s (10 simulated minutes).
    await stack.admin.setFaults({ start_call: [{ type: 'answer', status: 302, body: '', create: false }] });
    await stack.admin.setScenario({ default: { status: 'completed', duration_ms: 600_000 } });
    const dir = await writeCampaign(stack.workDir, 'replay', campaign({ concurrency: 3 }), csv);

    const result = await stack.run(async () => {
      const { handle } = await stack.start({ campaignId: `replay-${backend.key}`, campaignDir: dir });
      // Wait until every row has sent its start-call.
      let requests: SimStartCallRequest[] = [];
      for (let i = 0; i < 100 && requests.length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        requests = await stack.admin.startCallRequests();
      }
      const uncertain = requests.find((request) => request.answer === 302);
      const placed = requests.filter((request) => request.sid !== undefined);
      expect(uncertain).toBeDefined();
      expect(placed).toHaveLength(2);
      const calls = await stack.admin.calls();
      // A webhook CallMyCall really signed, about one placed call (it says `failed`), replayed
      // to the uncertain row's URL and to the other placed row's URL.
      const victim = calls.find((call) => call.sid === placed[0]?.sid);
      const body = JSON.stringify({
        event: 'call_completed',
        call_id: victim?.sid,
        sid: victim?.sid,
        timestamp: Math.floor(Date.now() / 1000),
        data: { status: 'failed', to: victim?.to, summary: { goal_completed: false }, transcripts: [] },
      });
      const targets = [uncertain, placed[1]].map((request) => {
        const [campaignId = '', rowKey = '', attempt = '1'] = (request?.clientRequestId ?? '').split(':');
        return `${stack.receiver.url}${attemptWebhookPath(campaignId, rowKey, Number(attempt))}`;
      });
      for (const url of targets) {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-callmycall-signature': signatureHeader(WEBHOOK_SECRET, body),
          },
          body,
        });
        expect(response.status, url).toBeLessThan(500);
      }
      return await handle.result();
    });

    // The uncertain row did not adopt the other row's call, and the placed rows kept their own.
    expect(result.outcomes).toEqual({ completed: 2, unknown: 1 });
    const rows = await results(stack, `replay-${backend.key}`);
    const sids = rows.map((row) => row?.attempts[0]?.sid).filter((sid) => sid !== undefined);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toHaveLength(2);
    expect(await stack.admin.calls()).toHaveLength(2);
  });
});
