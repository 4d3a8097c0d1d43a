import { z } from 'zod';
import { type CallRecord, isFinal } from './callRegistry.js';
import { HttpError, readJsonObject, sendJson } from './http.js';
import type { RouteContext } from './router.js';
import { E164 } from './startCallRequest.js';

const NOT_USER_ON_CALL = 'Call not found or not a userOnCall session';

/** A call that can still be acted on; the reference's 404 covers "already closed". */
function liveCall({ params, sim }: RouteContext): CallRecord {
  const call = sim.registry.get(params.callId ?? '');
  if (!call || isFinal(call.status)) throw new HttpError(404, 'Call not found');
  return call;
}

function userOnCallSession(ctx: RouteContext, { live }: { live: boolean }) {
  const call = ctx.sim.registry.get(ctx.params.callId ?? '');
  if (!call?.userOnCall || (live && isFinal(call.status))) throw new HttpError(404, NOT_USER_ON_CALL);
  return { call, session: call.userOnCall };
}

/** Parses a body; the first issue's message (which names its field) becomes the 400. */
async function body<T>(ctx: RouteContext, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(await readJsonObject(ctx.req));
  if (!result.success) throw new HttpError(400, result.error.issues[0]?.message ?? 'Invalid request body');
  return result.data;
}

const e164 = (field: string) =>
  z
    .string({ error: `${field} must be an E.164 phone number` })
    .regex(E164, { error: `${field} must be E.164` });
const optionalString = (field: string) => z.string({ error: `${field} must be a string` }).optional();
const optionalBoolean = (field: string) => z.boolean({ error: `${field} must be a boolean` }).optional();

const transferSchema = z.object({
  destination: z
    .string({ error: 'destination is required' })
    .regex(E164, { error: 'destination must be E.164 (e.g. +46123456789)' }),
  warm: optionalBoolean('warm'),
  reason: optionalString('reason'),
});

/** POST /v1/calls/:callSid/transfer (connected calls only). */
export async function transferCall(ctx: RouteContext): Promise<void> {
  const call = liveCall(ctx);
  const input = await body(ctx, transferSchema);
  if (call.status !== 'in-progress') throw new HttpError(400, 'Call is not in progress');
  const warm = input.warm ?? true;
  call.transfers.push({
    destination: input.destination,
    warm,
    reason: input.reason,
    at: new Date().toISOString(),
  });
  sendJson(ctx.res, 200, { success: true, transferType: warm ? 'warm' : 'cold', callSid: call.sid });
}

const patchSchema = z.object({
  task: z
    .string({ error: 'task must be a string' })
    .trim()
    .min(1, { error: 'task must not be empty' })
    .optional(),
  transfer_number: e164('transfer_number').optional(),
  additional_prompt: optionalString('additional_prompt'),
  max_duration: z
    .number({ error: 'max_duration must be a number' })
    .positive({ error: 'max_duration must be a positive number' })
    .optional(),
});

/** PATCH /v1/calls/:callSid: update a live call's task, transfer number, prompt or cap. */
export async function updateCall(ctx: RouteContext): Promise<void> {
  const call = liveCall(ctx);
  const input = await body(ctx, patchSchema);
  const updated = Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  if (updated.length === 0) {
    throw new HttpError(
      400,
      'No updatable fields provided (task, transfer_number, additional_prompt, max_duration)',
    );
  }
  if (input.task !== undefined) call.task = input.task;
  if (input.transfer_number !== undefined) call.transferNumber = input.transfer_number;
  if (input.additional_prompt !== undefined) call.additionalPrompt.push(input.additional_prompt);
  if (input.max_duration !== undefined) ctx.sim.lifecycle.updateMaxDuration(call, input.max_duration);
  sendJson(ctx.res, 200, { success: true, callSid: call.sid, updated });
}

const activateSchema = z.object({
  task: z
    .string({ error: 'task must be a string' })
    .trim()
    .min(1, { error: 'task must not be empty' })
    .optional(),
  drop_user: optionalBoolean('drop_user'),
  additional_prompt: optionalString('additional_prompt'),
  transfer_number: e164('transfer_number').optional(),
});

/** POST /v1/calls/:callSid/activate: AI takeover of a connected user-on-call session. */
export async function activateAi(ctx: RouteContext): Promise<void> {
  const { call, session } = userOnCallSession(ctx, { live: true });
  const input = await body(ctx, activateSchema);
  if (session.aiActive) throw new HttpError(400, 'AI already active for this call');
  if (call.status !== 'in-progress') throw new HttpError(400, 'Call is not connected yet');
  if (input.task !== undefined) call.task = input.task;
  if (input.additional_prompt !== undefined) call.additionalPrompt.push(input.additional_prompt);
  if (input.transfer_number !== undefined) call.transferNumber = input.transfer_number;
  const dropUser = input.drop_user ?? true;
  ctx.sim.lifecycle.takeOver(call);
  if (dropUser) session.userDropped = true;
  sendJson(ctx.res, 200, {
    success: true,
    ai_activated: true,
    user_dropped: dropUser,
    message: 'Call redirected to AI bidirectional stream',
  });
}

/** GET /v1/calls/:callSid/conference-status (also after the call ended). */
export function conferenceStatus(ctx: RouteContext): void {
  const { call, session } = userOnCallSession(ctx, { live: false });
  const final = isFinal(call.status);
  const target = final ? 'disconnected' : call.status === 'in-progress' ? 'connected' : 'ringing';
  const user =
    final || session.userDropped ? 'disconnected' : call.status === 'in-progress' ? 'connected' : 'ringing';
  sendJson(ctx.res, 200, {
    success: true,
    callSid: call.sid,
    state: session.state,
    ai_active: session.aiActive,
    participants: [
      { role: 'target', phone_number: call.request.phoneNumber, status: target },
      { role: 'user', phone_number: session.userPhone, status: user },
    ],
  });
}

/** POST /v1/calls/:callSid/drop-user: disconnect the human leg, leaving the target on the call. */
export function dropUser(ctx: RouteContext): void {
  const { call, session } = userOnCallSession(ctx, { live: true });
  if (session.userDropped) throw new HttpError(400, 'User already dropped');
  session.userDropped = true;
  sendJson(ctx.res, 200, { success: true, user_dropped: true, callSid: call.sid });
}
