import { z } from 'zod';
import type { SimCall, SimCredits, SimStats } from './adminTypes.js';
import type { CallRecord } from './callRegistry.js';
import { faultsSchema } from './faults.js';
import { parseBody, readJsonObject, sendJson } from './http.js';
import type { RouteContext, Router } from './router.js';
import { scenarioSchema } from './scenario.js';

const creditsSchema = z.strictObject({ balance: z.number().finite() });

function toSimCall(call: CallRecord): SimCall {
  return {
    sid: call.sid,
    to: call.request.phoneNumber,
    task: call.task,
    metadata: call.request.metadata,
    status: call.status,
    created_at: call.createdAt.toISOString(),
    connected_at: call.connectedAt?.toISOString() ?? null,
    ended_at: call.endedAt?.toISOString() ?? null,
    duration: call.durationSeconds ?? null,
    credits: call.credits ?? null,
    goal_completed: call.goalCompleted ?? null,
    webhook: call.request.webhook ?? null,
    webhook_events: call.request.webhookEvents,
    from_number: call.request.fromNumber ?? null,
    user_on_call: call.userOnCall !== undefined,
    user_on_call_session: call.userOnCall
      ? {
          user_phone: call.userOnCall.userPhone,
          state: call.userOnCall.state,
          ai_active: call.userOnCall.aiActive,
          user_dropped: call.userOnCall.userDropped,
        }
      : null,
    transfers: call.transfers,
    transfer_number: call.transferNumber ?? null,
    max_duration: call.maxDurationSeconds ?? null,
  };
}

function stats({ sim }: RouteContext): SimStats {
  return {
    maxConcurrentCalls: sim.registry.maxConcurrentCalls,
    activeCalls: sim.registry.activeCount(),
    startCallRequests: sim.registry.startCallRequests,
    startCallTimestamps: sim.registry.startCallTimestamps,
    callsCreated: sim.registry.all().length,
    creditsBalance: sim.ledger.balance,
    webhooksDropped: sim.dispatcher.dropped,
    webhooksPending: sim.dispatcher.pending,
  };
}

/**
 * The admin API under /_sim/: no auth (the simulator binds to loopback by default),
 * bodies validated strictly so a typo in a test script is a 400 naming the field.
 */
export function addAdminRoutes(router: Router): void {
  router
    .add('GET', '/_sim/health', 'none', ({ res }) => sendJson(res, 200, { ok: true }))
    .add('POST', '/_sim/reset', 'none', ({ res, sim }) => {
      sim.reset();
      sendJson(res, 200, { ok: true });
    })
    .add('GET', '/_sim/scenario', 'none', ({ res, sim }) => sendJson(res, 200, sim.scenario.current))
    .add('PUT', '/_sim/scenario', 'none', async ({ req, res, sim }) => {
      sim.scenario.set(parseBody(scenarioSchema, await readJsonObject(req), 'scenario'));
      sendJson(res, 200, { ok: true, scenario: sim.scenario.current });
    })
    .add('GET', '/_sim/faults', 'none', ({ res, sim }) => sendJson(res, 200, sim.faults.snapshot()))
    .add('PUT', '/_sim/faults', 'none', async ({ req, res, sim }) => {
      sim.faults.set(parseBody(faultsSchema, await readJsonObject(req), 'faults'));
      sendJson(res, 200, { ok: true, faults: sim.faults.snapshot() });
    })
    .add('GET', '/_sim/credits', 'none', ({ res, sim }) => {
      const credits: SimCredits = { balance: sim.ledger.balance, minimum: sim.ledger.minimum };
      sendJson(res, 200, credits);
    })
    .add('PUT', '/_sim/credits', 'none', async ({ req, res, sim }) => {
      const { balance } = parseBody(creditsSchema, await readJsonObject(req), 'credits');
      sim.ledger.set(balance);
      sendJson(res, 200, { ok: true, balance });
    })
    .add('GET', '/_sim/calls', 'none', ({ res, sim }) =>
      sendJson(res, 200, { calls: sim.registry.all().map(toSimCall) }),
    )
    .add('GET', '/_sim/start-call-requests', 'none', ({ res, sim }) =>
      sendJson(res, 200, { requests: sim.registry.startCallLog }),
    )
    .add('GET', '/_sim/webhook-deliveries', 'none', ({ res, sim }) =>
      sendJson(res, 200, { deliveries: sim.deliverer.attempts }),
    )
    .add('GET', '/_sim/voices', 'none', ({ res, sim }) => sendJson(res, 200, { voices: sim.voices }))
    .add('GET', '/_sim/stats', 'none', (ctx) => sendJson(ctx.res, 200, stats(ctx)));
}
