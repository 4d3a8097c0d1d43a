import { z } from 'zod';
import { parseRetryAfter } from './retryAfter.js';

/**
 * The failures of a CallMyCall request, as classes a caller branches on with
 * `instanceof`. Each also carries a stable `code` and an explicit `name`, because a
 * Temporal activity failure reaches a workflow only as type name + message.
 *
 * Messages read like `CallMyCall POST /v1/start-call: 402 Insufficient credits
 * (balance 3, minimum 5)`. `endpoint` is always the method and path template, never
 * a concrete URL, so neither the API key nor a signed token can leak through it; any
 * text that comes from elsewhere passes through `redactSecrets` first.
 */
export type CallMyCallErrorCode =
  | 'validation'
  | 'auth'
  | 'insufficient_credits'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  | 'unexpected_status'
  | 'network'
  | 'timeout'
  | 'response_shape';

export interface CallMyCallErrorInit {
  /** Method and path template, e.g. `POST /v1/start-call`. */
  endpoint: string;
  status?: number;
  /** The API's own `error` text, when it sent one. */
  apiMessage?: string;
  /** The API's `details`, flattened to text. */
  apiDetails?: string;
  cause?: unknown;
}

export abstract class CallMyCallError extends Error {
  abstract readonly code: CallMyCallErrorCode;
  readonly endpoint: string;
  readonly status?: number;
  readonly apiMessage?: string;
  readonly apiDetails?: string;

  constructor(message: string, init: CallMyCallErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.endpoint = init.endpoint;
    if (init.status !== undefined) this.status = init.status;
    if (init.apiMessage !== undefined) this.apiMessage = init.apiMessage;
    if (init.apiDetails !== undefined) this.apiDetails = init.apiDetails;
  }
}

/**
 * 400 from the API, or a request this client refused to send because it failed the
 * request schema (then `status` is undefined). Never worth retrying unchanged.
 */
export class ValidationError extends CallMyCallError {
  override readonly name = 'ValidationError';
  readonly code = 'validation';
  /** Each problem as `path: message`, when the request failed locally. */
  readonly issues: readonly string[];

  constructor(message: string, init: CallMyCallErrorInit & { issues?: readonly string[] }) {
    super(message, init);
    this.issues = init.issues ?? [];
  }
}

/** 401 (or 403): missing, invalid or insufficient API key. */
export class AuthError extends CallMyCallError {
  override readonly name = 'AuthError';
  readonly code = 'auth';
}

/** 402: billing pre-check failed; nothing was started. */
export class InsufficientCreditsError extends CallMyCallError {
  override readonly name = 'InsufficientCreditsError';
  readonly code = 'insufficient_credits';
  readonly creditsBalance?: number;
  readonly minimumRequired?: number;

  constructor(
    message: string,
    init: CallMyCallErrorInit & { creditsBalance?: number; minimumRequired?: number },
  ) {
    super(message, init);
    if (init.creditsBalance !== undefined) this.creditsBalance = init.creditsBalance;
    if (init.minimumRequired !== undefined) this.minimumRequired = init.minimumRequired;
  }
}

/** 404: unknown SID / resource id, or the resource is already closed. */
export class NotFoundError extends CallMyCallError {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
}

/** 429: slow down; `retryAfterMs` is the server's Retry-After when it sent a usable one. */
export class RateLimitedError extends CallMyCallError {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate_limited';
  readonly retryAfterMs?: number;

  constructor(message: string, init: CallMyCallErrorInit & { retryAfterMs?: number }) {
    super(message, init);
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * 5xx. For anything but a GET the server may have acted before failing (e.g. created
 * the call, then crashed), so `mayHaveSideEffects` tells the caller to reconcile
 * before retrying.
 */
export class ServerError extends CallMyCallError {
  override readonly name = 'ServerError';
  readonly code = 'server';
  readonly mayHaveSideEffects: boolean;

  constructor(message: string, init: CallMyCallErrorInit & { mayHaveSideEffects: boolean }) {
    super(message, init);
    this.mayHaveSideEffects = init.mayHaveSideEffects;
  }
}

/** Any other non-2xx status (3xx, 405, 409, 413, 422...): not part of the documented contract. */
export class UnexpectedStatusError extends CallMyCallError {
  override readonly name = 'UnexpectedStatusError';
  readonly code = 'unexpected_status';
}

/**
 * No HTTP response. `ambiguous` is true when the request may have reached the server
 * (socket closed or reset after sending, timeouts, unknown failures): the caller must
 * then find out whether the side effect happened before trying again.
 */
export class NetworkError extends CallMyCallError {
  override readonly name: string = 'NetworkError';
  readonly code: 'network' | 'timeout' = 'network';
  readonly ambiguous: boolean;
  /** The low-level error code when there was one (ECONNREFUSED, UND_ERR_SOCKET...). */
  readonly reason?: string;

  constructor(message: string, init: CallMyCallErrorInit & { ambiguous: boolean; reason?: string }) {
    super(message, init);
    this.ambiguous = init.ambiguous;
    if (init.reason !== undefined) this.reason = init.reason;
  }
}

/** The per-request timeout fired; the server may still be working on the request. */
export class TimeoutError extends NetworkError {
  override readonly name: string = 'TimeoutError';
  override readonly code = 'timeout';
  readonly timeoutMs: number;

  constructor(message: string, init: CallMyCallErrorInit & { timeoutMs: number }) {
    super(message, { ...init, ambiguous: true, reason: 'timeout' });
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * A 2xx whose body is not what the API reference promises (not JSON, missing fields,
 * not audio). For a non-GET the request itself succeeded, so its side effect happened.
 */
export class ResponseShapeError extends CallMyCallError {
  override readonly name = 'ResponseShapeError';
  readonly code = 'response_shape';
  readonly issues: readonly string[];

  constructor(message: string, init: CallMyCallErrorInit & { issues?: readonly string[] }) {
    super(message, init);
    this.issues = init.issues ?? [];
  }
}

// ---------------------------------------------------------------------------------
// Building errors from responses and failures

/** Replaces `token=` query values and every given secret in text meant for a message. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([?&]token=)[^&#\s"']*/gi, '$1[redacted]');
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

const lenientNumber = z
  .preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number())
  .optional()
  .catch(undefined);

/** The documented error body `{error, details?, credits_balance?, minimum_required?}`, read leniently. */
const errorBodySchema = z.looseObject({
  error: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  details: z.unknown().optional(),
  credits_balance: lenientNumber,
  minimum_required: lenientNumber,
});

interface ErrorBody {
  error?: string;
  details?: string;
  creditsBalance?: number;
  minimumRequired?: number;
}

const MAX_TEXT = 300;

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** Reads whatever error body the server sent; a non-JSON body becomes its first line of text. */
export function parseErrorBody(bodyText: string): ErrorBody {
  const trimmed = bodyText.trim();
  if (trimmed === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    // HTML error pages from proxies are noise; plain text is worth showing.
    if (trimmed.startsWith('<')) return {};
    return { error: truncate(trimmed.split(/\r?\n/)[0] ?? '') };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return typeof json === 'string' ? { error: truncate(json) } : {};
  const body = parsed.data;
  const result: ErrorBody = {};
  const error = body.error ?? body.message;
  if (error !== undefined) result.error = truncate(error);
  if (body.details !== undefined && body.details !== null) {
    result.details = truncate(typeof body.details === 'string' ? body.details : JSON.stringify(body.details));
  }
  if (body.credits_balance !== undefined) result.creditsBalance = body.credits_balance;
  if (body.minimum_required !== undefined) result.minimumRequired = body.minimum_required;
  return result;
}

export interface HttpFailure {
  endpoint: string;
  method: string;
  status: number;
  statusText?: string;
  headers: Headers;
  bodyText: string;
  /** Secrets to scrub from anything the server echoed back. */
  secrets?: readonly string[];
  now?: number;
}

/** Maps a non-2xx response to its error class. */
export function errorFromResponse(failure: HttpFailure): CallMyCallError {
  const { endpoint, status } = failure;
  const secrets = failure.secrets ?? [];
  const body = parseErrorBody(failure.bodyText);
  const apiMessage = body.error === undefined ? undefined : redactSecrets(body.error, secrets);
  const apiDetails = body.details === undefined ? undefined : redactSecrets(body.details, secrets);
  const init: CallMyCallErrorInit = { endpoint, status };
  if (apiMessage !== undefined) init.apiMessage = apiMessage;
  if (apiDetails !== undefined) init.apiDetails = apiDetails;

  const headline = apiMessage ?? redactSecrets(failure.statusText || defaultStatusText(status), secrets);
  const detailSuffix = apiDetails === undefined ? '' : ` (${apiDetails})`;
  const message = (extra = detailSuffix) => `CallMyCall ${endpoint}: ${status} ${headline}${extra}`;

  if (status === 400) return new ValidationError(message(), init);
  if (status === 401 || status === 403) return new AuthError(message(), init);
  if (status === 402) {
    const parts: string[] = [];
    if (body.creditsBalance !== undefined) parts.push(`balance ${body.creditsBalance}`);
    if (body.minimumRequired !== undefined) parts.push(`minimum ${body.minimumRequired}`);
    if (apiDetails !== undefined) parts.push(apiDetails);
    const suffix = parts.length > 0 ? ` (${parts.join(', ')})` : '';
    const credits: { creditsBalance?: number; minimumRequired?: number } = {};
    if (body.creditsBalance !== undefined) credits.creditsBalance = body.creditsBalance;
    if (body.minimumRequired !== undefined) credits.minimumRequired = body.minimumRequired;
    return new InsufficientCreditsError(message(suffix), { ...init, ...credits });
  }
  if (status === 404) return new NotFoundError(message(), init);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(failure.headers.get('retry-after'), failure.now);
    const suffix = `${retryAfterMs === undefined ? '' : ` (retry after ${retryAfterMs} ms)`}${detailSuffix}`;
    return new RateLimitedError(
      message(suffix),
      retryAfterMs === undefined ? init : { ...init, retryAfterMs: retryAfterMs },
    );
  }
  if (status >= 500 && status <= 599) {
    const mayHaveSideEffects = failure.method.toUpperCase() !== 'GET';
    const suffix = `${detailSuffix}${mayHaveSideEffects ? ' [the request may have taken effect]' : ''}`;
    return new ServerError(message(suffix), { ...init, mayHaveSideEffects });
  }
  return new UnexpectedStatusError(message(), init);
}

function defaultStatusText(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 401:
      return 'Unauthorized';
    case 402:
      return 'Payment Required';
    case 403:
      return 'Forbidden';
    case 404:
      return 'Not Found';
    case 429:
      return 'Too Many Requests';
    case 500:
      return 'Internal Server Error';
    case 502:
      return 'Bad Gateway';
    case 503:
      return 'Service Unavailable';
    case 504:
      return 'Gateway Timeout';
    default:
      return 'Unexpected status';
  }
}

/**
 * Failures where nothing can have reached the server: the connection was never
 * established. Everything else is treated as ambiguous, because wrongly assuming
 * "not sent" could place the same paid call twice.
 */
const FAILED_BEFORE_SENDING = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function errorCodeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects report an AggregateError of per-address failures.
  const errors = (value as { errors?: unknown }).errors;
  if (Array.isArray(errors)) return errorCodeOf(errors[0]);
  return undefined;
}

function messageOf(value: unknown): string | undefined {
  return value instanceof Error ? value.message : undefined;
}

/**
 * Turns what fetch (or reading the body) threw into a NetworkError. Only a failure
 * before the response started can be "not sent"; once headers arrived, it is ambiguous.
 */
export function networkErrorFrom(
  endpoint: string,
  failure: unknown,
  options: { responseStarted: boolean; secrets?: readonly string[] },
): NetworkError {
  const cause = failure instanceof Error && failure.cause !== undefined ? failure.cause : failure;
  const reason = errorCodeOf(cause) ?? errorCodeOf(failure);
  const detail = messageOf(cause) ?? messageOf(failure) ?? String(failure);
  const beforeSending =
    !options.responseStarted &&
    ((reason !== undefined && FAILED_BEFORE_SENDING.has(reason)) || detail === 'bad port');
  const ambiguous = !beforeSending;
  const text = redactSecrets(truncate(detail), options.secrets ?? []);
  const message = `CallMyCall ${endpoint}: network error (${reason ? `${reason}: ` : ''}${text})${
    ambiguous ? ' [the request may have reached the server]' : ' [the request was not sent]'
  }`;
  const init: CallMyCallErrorInit & { ambiguous: boolean; reason?: string } = {
    endpoint,
    ambiguous,
    cause: failure,
  };
  if (reason !== undefined) init.reason = reason;
  return new NetworkError(message, init);
}

export function timeoutErrorFor(endpoint: string, timeoutMs: number, cause?: unknown): TimeoutError {
  return new TimeoutError(
    `CallMyCall ${endpoint}: no response within ${timeoutMs} ms [the request may have reached the server]`,
    { endpoint, timeoutMs, cause },
  );
}
