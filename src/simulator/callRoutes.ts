import type { ServerResponse } from 'node:http';
import type { CallRecord, StartCallRequestRecord } from './callRegistry.js';
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
 * is not eaten by a typo. Every request and its answer goes into the registry's
 * start-call log, which tests read to prove no client_request_id was sent twice.
 */
export async function startCall(context: RouteContext): Promise<void> {
  const log = context.sim.registry.recordStartCallRequest(Date.now());
  try {
    await answerStartCall(context, log);
  } catch (error) {
    log.answer ??= error instanceof HttpError ? error.status : 500;
    throw error;
  }
}

async function answerStartCall({ req, res, sim }: RouteContext, log: StartCallRequestRecord): Promise<void> {
  const limited = sim.rateLimiter?.take();
  if (limited && !limited.ok) {
    throw new HttpError(429, 'Too Many Requests', {}, { 'retry-after': String(limited.retryAfterSeconds) });
  }
  const request = parseStartCall(await readJsonObject(req));
  const requestId = request.metadata.client_request_id;
  if (typeof requestId === 'string') log.clientRequestId = requestId;
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
  if (fault?.type === 'answer' && !fault.create) return sendAnswer(res, log, fault.status, fault);
  sim.ledger.guardStartCall();
  const call = sim.lifecycle.place(request, sim.scenario.next(request.phoneNumber));
  log.sid = call.sid;
  if (fault?.type === '500_after_create') throw new HttpError(500, 'Failed to start call');
  if (fault?.type === 'drop_after_create') {
    log.answer = 'dropped';
    req.socket.destroy();
    return;
  }
  if (fault?.type === 'answer') return sendAnswer(res, log, fault.status, fault, call.sid);
  if (fault?.type === 'slow') await sleep(fault.delay_ms, sim.shutdownSignal).catch(() => undefined);
  log.answer = 200;
  sendJson(res, 200, { success: true, sid: call.sid });
}

/** Writes an injected, undocumented answer exactly as scripted. */
function sendAnswer(
  res: ServerResponse,
  log: StartCallRequestRecord,
  status: number,
  fault: { body: string; content_type: string },
  sid = '',
): void {
  log.answer = status;
  const headers: Record<string, string> = { 'content-type': fault.content_type };
  if (status >= 300 && status < 400) headers.location = '/v1/start-call-elsewhere';
  res.writeHead(status, headers);
  res.end(fault.body.replaceAll('{{sid}}', sid));
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
