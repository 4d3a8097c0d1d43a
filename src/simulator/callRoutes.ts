import type { CallRecord } from './callRegistry.js';
import { isFinal } from './callRegistry.js';
import { HttpError, readJsonObject, sendJson } from './http.js';
import type { RouteContext } from './router.js';
import { parseStartCall } from './startCallRequest.js';
import { sleep } from './timers.js';

const transcriptItems = (call: CallRecord) =>
  call.transcripts.map(({ role, text, seq }) => ({ role, text, seq }));

function retryAfterValue(seconds: number, format: 'seconds' | 'http-date'): string {
  return format === 'http-date' ? new Date(Date.now() + seconds * 1000).toUTCString() : String(seconds);
}

/**
 * POST /v1/start-call. Order of checks: (auth, by the router) -> rate limit ->
 * body validation -> verified from_number -> injected fault -> credit guard ->
 * place the call. Faults are consumed only by valid requests, so a test's script
 * is not eaten by a typo.
 */
export async function startCall({ req, res, sim }: RouteContext): Promise<void> {
  sim.registry.recordStartCallRequest(Date.now());
  const limited = sim.rateLimiter?.take();
  if (limited && !limited.ok) {
    throw new HttpError(429, 'Too Many Requests', {}, { 'retry-after': String(limited.retryAfterSeconds) });
  }
  const request = parseStartCall(await readJsonObject(req));
  if (request.fromNumber !== undefined && !sim.callerIds.isVerified(request.fromNumber)) {
    throw new HttpError(400, 'from_number is not a verified caller ID');
  }
  const fault = sim.faults.takeStartCallFault();
  if (fault?.type === '429') {
    throw new HttpError(
      429,
      'Too Many Requests',
      {},
      { 'retry-after': retryAfterValue(fault.retry_after, fault.retry_after_format) },
    );
  }
  if (fault?.type === '500') throw new HttpError(500, 'Failed to start call');
  sim.ledger.guardStartCall();
  const call = sim.lifecycle.place(request, sim.scenario.next(request.phoneNumber));
  if (fault?.type === '500_after_create') throw new HttpError(500, 'Failed to start call');
  if (fault?.type === 'drop_after_create') {
    req.socket.destroy();
    return;
  }
  if (fault?.type === 'slow') await sleep(fault.delay_ms, sim.shutdownSignal).catch(() => undefined);
  sendJson(res, 200, { success: true, sid: call.sid });
}

/** GET /v1/calls/:callId: the call and every line said so far. */
export function getCall({ res, params, sim }: RouteContext): void {
  const call = sim.registry.get(params.callId ?? '');
  if (!call) throw new HttpError(404, 'Call not found');
  const final = isFinal(call.status);
  sendJson(res, 200, {
    call: {
      call_id: call.sid,
      status: call.status,
      to: call.request.phoneNumber,
      created_at: call.createdAt.toISOString(),
      ended_at: call.endedAt?.toISOString() ?? null,
      // Connected seconds and credits are known once the call is final.
      duration: final ? (call.durationSeconds ?? 0) : null,
      credits: final ? (call.credits ?? 0) : null,
      summary: final ? { goal_completed: call.goalCompleted ?? false } : null,
      metadata: call.request.metadata,
    },
    transcripts: transcriptItems(call),
  });
}

/** POST /v1/end-call { callSid }. */
export async function endCall({ req, res, sim }: RouteContext): Promise<void> {
  const body = await readJsonObject(req);
  const sid = body.callSid;
  if (typeof sid !== 'string' || sid === '') throw new HttpError(400, 'Missing callSid');
  const call = sim.registry.get(sid);
  if (!call) throw new HttpError(404, 'Call not found');
  const alreadyClosed = isFinal(call.status);
  if (!alreadyClosed) sim.lifecycle.endNow(call);
  sendJson(res, 200, { ok: true, alreadyClosed, transcript: transcriptItems(call) });
}
