import type { z } from 'zod';
import type { Env } from '../config/env.js';
import {
  CallMyCallError,
  errorFromResponse,
  type NetworkError,
  networkErrorFrom,
  ResponseShapeError,
  redactSecrets,
  timeoutErrorFor,
  ValidationError,
} from './errors.js';
import {
  type ActivateAiRequest,
  type ActivateAiResponse,
  activateAiRequestSchema,
  activateAiResponseSchema,
  type CalendarAuthStartResponse,
  type CalendarCallbackRequest,
  type CalendarCallbackResponse,
  type CalendarRevokeResponse,
  type CalendarStatusResponse,
  type ConferenceStatusResponse,
  type CreateVoiceRequest,
  type CreateVoiceResponse,
  calendarAuthStartResponseSchema,
  calendarCallbackRequestSchema,
  calendarRevokeResponseSchema,
  calendarStatusResponseSchema,
  conferenceStatusResponseSchema,
  createVoiceRequestSchema,
  createVoiceResponseSchema,
  type DeleteVerifiedCallerIdResponse,
  type DropUserResponse,
  deleteVerifiedCallerIdResponseSchema,
  dropUserResponseSchema,
  type EndCallResponse,
  e164Schema,
  endCallRequestSchema,
  endCallResponseSchema,
  type GetCallResponse,
  getCallResponseSchema,
  idSchema,
  type RecordingDownload,
  type RecordingFormat,
  type RecordingUrlResponse,
  recordingFormatSchema,
  recordingUrlResponseSchema,
  type StartCallRequest,
  type StartCallResponse,
  startCallRequestSchema,
  startCallResponseSchema,
  type TestWebhookRequest,
  type TestWebhookResponse,
  type TranscriptStreamEvent,
  type TransferCallRequest,
  type TransferCallResponse,
  testWebhookRequestSchema,
  testWebhookResponseSchema,
  transcriptAddedEventSchema,
  transcriptPingEventSchema,
  transferCallRequestSchema,
  transferCallResponseSchema,
  type UpdateCallRequest,
  type UpdateCallResponse,
  updateCallRequestSchema,
  updateCallResponseSchema,
  type VerificationStatusResponse,
  type VerifiedCallerIdsResponse,
  type VerifyCallerIdRequest,
  type VerifyCallerIdResponse,
  verificationStatusResponseSchema,
  verifiedCallerIdsResponseSchema,
  verifyCallerIdRequestSchema,
  verifyCallerIdResponseSchema,
} from './schemas.js';
import { readSseStream, type SseMessage } from './sse.js';

export interface CallMyCallClientOptions {
  /** e.g. https://call-my-call-backend.fly.dev, or the simulator's URL. */
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout. Default 15 000 ms. */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface RequestOptions {
  /** Cancels the request (e.g. on Temporal activity cancellation); the abort reason is thrown. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

export interface StreamTranscriptOptions {
  /** Ends the stream quietly when aborted. */
  signal?: AbortSignal;
  /** Limits only the wait for the response headers; the stream itself may stay open for long. */
  timeoutMs?: number;
  /** Resume point, sent as Last-Event-ID. */
  lastEventId?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_USER_AGENT = 'callmycall-campaigns';
const MAX_RECORDING_REDIRECTS = 5;

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface JsonCall<S extends z.ZodType> {
  method: HttpMethod;
  /** Path template for errors, e.g. /v1/calls/:callId. */
  template: string;
  /** Concrete path with encoded parameters. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  schema: S;
}

interface Exchange<T> {
  response: Response;
  body: T;
}

/**
 * The only code that talks HTTP to CallMyCall: one method per documented endpoint,
 * requests and responses checked with zod, every non-2xx mapped to an error class
 * from ./errors.js. It never retries: callers (Temporal activities) own retries and
 * need to see each failure, especially an ambiguous one.
 */
export class CallMyCallClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  // Private fields stay out of util.inspect, JSON.stringify and error messages.
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #userAgent: string;
  readonly #origin: string;

  constructor(options: CallMyCallClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError('CallMyCallClient: baseUrl must be an absolute http(s) URL');
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError('CallMyCallClient: baseUrl must be an absolute http(s) URL');
    }
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new TypeError('CallMyCallClient: apiKey is required');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError('CallMyCallClient: timeoutMs must be a positive integer');
    }
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.timeoutMs = timeoutMs;
    this.#origin = base.origin;
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  // -------------------------------------------------------------------------------
  // Core endpoints

  /** POST /v1/start-call. Put an idempotency key in metadata.client_request_id. */
  async startCall(request: StartCallRequest, options?: RequestOptions): Promise<StartCallResponse> {
    const endpoint = 'POST /v1/start-call';
    return this.#json(
      {
        method: 'POST',
        template: '/v1/start-call',
        path: '/v1/start-call',
        json: this.#validate(endpoint, startCallRequestSchema, request),
        schema: startCallResponseSchema,
      },
      options,
    );
  }

  /** GET /v1/calls/:callId: call details and recent transcripts. */
  async getCall(callId: string, options?: RequestOptions): Promise<GetCallResponse> {
    const template = '/v1/calls/:callId';
    const id = this.#pathParam(`GET ${template}`, 'callId', callId);
    return this.#json(
      { method: 'GET', template, path: `/v1/calls/${id}`, schema: getCallResponseSchema },
      options,
    );
  }

  /**
   * GET /v1/calls/:callId/transcripts/stream as typed events. Ends when the server
   * closes the stream or `signal` aborts; never reconnects by itself.
   */
  async *streamTranscript(
    callId: string,
    options: StreamTranscriptOptions = {},
  ): AsyncGenerator<TranscriptStreamEvent, void, undefined> {
    const template = '/v1/calls/:callId/transcripts/stream';
    const endpoint = `GET ${template}`;
    const id = this.#pathParam(endpoint, 'callId', callId);
    const { signal } = options;
    if (signal?.aborted) return;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('Response headers timed out', 'TimeoutError'));
    }, timeoutMs);
    let responseStarted = false;
    try {
      const headers = this.#headers({ accept: 'text/event-stream' });
      if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
      const response = await this.#fetch(this.#url(`/v1/calls/${id}/transcripts/stream`), {
        method: 'GET',
        headers,
        redirect: 'manual',
        signal: controller.signal,
      });
      responseStarted = true;
      if (!response.ok) throw this.#httpError(endpoint, 'GET', response, await response.text());
      clearTimeout(timer);
      const contentType = response.headers.get('content-type') ?? '';
      if (!/^text\/event-stream\b/i.test(contentType)) {
        throw new ResponseShapeError(
          `CallMyCall ${endpoint}: ${response.status} expected text/event-stream, got ${contentType || 'no content type'}`,
          { endpoint, status: response.status },
        );
      }
      if (!response.body) return;
      for await (const message of readSseStream(response.body)) {
        yield this.#transcriptEvent(endpoint, response.status, message);
      }
    } catch (error) {
      if (error instanceof CallMyCallError) throw error;
      if (signal?.aborted) return;
      if (timedOut) throw timeoutErrorFor(endpoint, timeoutMs, error);
      throw this.#networkError(endpoint, error, responseStarted);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Releases the connection when the consumer stops iterating early.
      controller.abort();
    }
  }

  /** GET /v1/calls/:callSid/recording: a short-lived signed URL. */
  async getRecordingUrl(
    callSid: string,
    format: RecordingFormat = 'mp3',
    options?: RequestOptions,
  ): Promise<RecordingUrlResponse> {
    const template = '/v1/calls/:callSid/recording';
    const endpoint = `GET ${template}`;
    const sid = this.#pathParam(endpoint, 'callSid', callSid);
    return this.#json(
      {
        method: 'GET',
        template,
        path: `/v1/calls/${sid}/recording`,
        query: { format: this.#validate(endpoint, recordingFormatSchema, format) },
        schema: recordingUrlResponseSchema,
      },
      options,
    );
  }

  /**
   * GET /v1/recordings/:sid.:ext?token=... The signed URL is its own credential: the
   * API key is sent only to the API's own origin, never to a storage host it may
   * redirect to. A body that is not audio is a ResponseShapeError.
   */
  async downloadRecording(recordingUrl: string, options?: RequestOptions): Promise<RecordingDownload> {
    const endpoint = 'GET /v1/recordings/:sid.:ext';
    let url = this.#recordingUrl(endpoint, recordingUrl);
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === this.#origin;
      const headers = sameOrigin
        ? this.#headers({ accept: 'audio/*' })
        : { accept: 'audio/*', 'user-agent': this.#userAgent };
      const { response, body } = await this.#exchange(
        endpoint,
        url,
        { method: 'GET', headers, redirect: 'manual' },
        options,
        async (res): Promise<Uint8Array | string> =>
          res.ok ? new Uint8Array(await res.arrayBuffer()) : res.text(),
      );
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        if (hop >= MAX_RECORDING_REDIRECTS) {
          throw new ResponseShapeError(
            `CallMyCall ${endpoint}: more than ${MAX_RECORDING_REDIRECTS} redirects`,
            {
              endpoint,
              status: response.status,
            },
          );
        }
        url = this.#recordingUrl(endpoint, new URL(location, url).toString());
        continue;
      }
      if (typeof body === 'string' || !response.ok) {
        throw this.#httpError(endpoint, 'GET', response, typeof body === 'string' ? body : '');
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!/^audio\//i.test(contentType.trim())) {
        throw new ResponseShapeError(
          `CallMyCall ${endpoint}: ${response.status} expected audio, got ${contentType || 'no content type'} from ${this.#redact(url.toString())}`,
          { endpoint, status: response.status },
        );
      }
      return { contentType, bytes: body };
    }
  }

  /** POST /v1/verify-caller-id: starts verification of a number to use as from_number. */
  async verifyCallerId(
    request: VerifyCallerIdRequest,
    options?: RequestOptions,
  ): Promise<VerifyCallerIdResponse> {
    const endpoint = 'POST /v1/verify-caller-id';
    return this.#json(
      {
        method: 'POST',
        template: '/v1/verify-caller-id',
        path: '/v1/verify-caller-id',
        json: this.#validate(endpoint, verifyCallerIdRequestSchema, request),
        schema: verifyCallerIdResponseSchema,
      },
      options,
    );
  }

  /** GET /v1/verification-status/:id: pending, verified or failed. */
  async getVerificationStatus(
    verificationId: string,
    options?: RequestOptions,
  ): Promise<VerificationStatusResponse> {
    const template = '/v1/verification-status/:id';
    const id = this.#pathParam(`GET ${template}`, 'id', verificationId);
    return this.#json(
      {
        method: 'GET',
        template,
        path: `/v1/verification-status/${id}`,
        schema: verificationStatusResponseSchema,
      },
      options,
    );
  }

  /** GET /v1/verified-caller-ids. */
  async listVerifiedCallerIds(options?: RequestOptions): Promise<VerifiedCallerIdsResponse> {
    const template = '/v1/verified-caller-ids';
    return this.#json(
      { method: 'GET', template, path: template, schema: verifiedCallerIdsResponseSchema },
      options,
    );
  }

  /** DELETE /v1/verified-caller-ids/:phone_number. */
  async deleteVerifiedCallerId(
    phoneNumber: string,
    options?: RequestOptions,
  ): Promise<DeleteVerifiedCallerIdResponse> {
    const template = '/v1/verified-caller-ids/:phone_number';
    const endpoint = `DELETE ${template}`;
    const phone = encodeURIComponent(this.#validate(endpoint, e164Schema, phoneNumber));
    return this.#json(
      {
        method: 'DELETE',
        template,
        path: `/v1/verified-caller-ids/${phone}`,
        schema: deleteVerifiedCallerIdResponseSchema,
      },
      options,
    );
  }

  /** POST /v1/webhook/test: a synthetic event sent to `webhook_url`. */
  async sendTestWebhook(request: TestWebhookRequest, options?: RequestOptions): Promise<TestWebhookResponse> {
    const endpoint = 'POST /v1/webhook/test';
    return this.#json(
      {
        method: 'POST',
        template: '/v1/webhook/test',
        path: '/v1/webhook/test',
        json: this.#validate(endpoint, testWebhookRequestSchema, request),
        schema: testWebhookResponseSchema,
      },
      options,
    );
  }

  // -------------------------------------------------------------------------------
  // Calendar authorization

  /** GET /auth/google/calendar?format=json: the consent URL to open in a browser. */
  async startCalendarAuth(options?: RequestOptions): Promise<CalendarAuthStartResponse> {
    const template = '/auth/google/calendar';
    return this.#json(
      {
        method: 'GET',
        template,
        path: template,
        query: { format: 'json' },
        schema: calendarAuthStartResponseSchema,
      },
      options,
    );
  }

  /** GET /auth/google/callback: normally opened by the browser; answers with an HTML page. */
  async calendarCallback(
    request: CalendarCallbackRequest,
    options?: RequestOptions,
  ): Promise<CalendarCallbackResponse> {
    const template = '/auth/google/callback';
    const endpoint = `GET ${template}`;
    const query = this.#validate(endpoint, calendarCallbackRequestSchema, request);
    const params: Record<string, string> = { state: query.state };
    if (query.code !== undefined) params.code = query.code;
    if (query.error !== undefined) params.error = query.error;
    const { response, body } = await this.#exchange(
      endpoint,
      this.#url(template, params),
      {
        method: 'GET',
        headers: this.#headers({ accept: 'text/html, application/json' }),
        redirect: 'manual',
      },
      options,
      (res) => res.text(),
    );
    if (!response.ok) throw this.#httpError(endpoint, 'GET', response, body);
    return { contentType: response.headers.get('content-type') ?? '', html: body };
  }

  /** GET /calendar/status. */
  async getCalendarStatus(options?: RequestOptions): Promise<CalendarStatusResponse> {
    const template = '/calendar/status';
    return this.#json(
      { method: 'GET', template, path: template, schema: calendarStatusResponseSchema },
      options,
    );
  }

  /** POST /auth/google/revoke. */
  async revokeCalendar(options?: RequestOptions): Promise<CalendarRevokeResponse> {
    const template = '/auth/google/revoke';
    return this.#json(
      { method: 'POST', template, path: template, schema: calendarRevokeResponseSchema },
      options,
    );
  }

  // -------------------------------------------------------------------------------
  // Voice cloning

  /** POST /v1/elevenlabs/voices as multipart/form-data (name, files[], remove_background_noise). */
  async createElevenLabsVoice(
    request: CreateVoiceRequest,
    options?: RequestOptions,
  ): Promise<CreateVoiceResponse> {
    const template = '/v1/elevenlabs/voices';
    const input = this.#validate(`POST ${template}`, createVoiceRequestSchema, request);
    const form = new FormData();
    form.append('name', input.name);
    for (const file of input.files) {
      const type = file.contentType ?? audioTypeFor(file.filename);
      const blob =
        file.data instanceof Blob ? file.data : new Blob([new Uint8Array(file.data)], type ? { type } : {});
      form.append('files', blob, file.filename);
    }
    if (input.remove_background_noise !== undefined) {
      form.append('remove_background_noise', String(input.remove_background_noise));
    }
    return this.#json(
      { method: 'POST', template, path: template, form, schema: createVoiceResponseSchema },
      options,
    );
  }

  // -------------------------------------------------------------------------------
  // Ongoing-call endpoints

  /** POST /v1/end-call. */
  async endCall(callSid: string, options?: RequestOptions): Promise<EndCallResponse> {
    const endpoint = 'POST /v1/end-call';
    return this.#json(
      {
        method: 'POST',
        template: '/v1/end-call',
        path: '/v1/end-call',
        json: this.#validate(endpoint, endCallRequestSchema, { callSid }),
        schema: endCallResponseSchema,
      },
      options,
    );
  }

  /** POST /v1/calls/:callSid/transfer. */
  async transferCall(
    callSid: string,
    request: TransferCallRequest,
    options?: RequestOptions,
  ): Promise<TransferCallResponse> {
    const template = '/v1/calls/:callSid/transfer';
    const endpoint = `POST ${template}`;
    const sid = this.#pathParam(endpoint, 'callSid', callSid);
    return this.#json(
      {
        method: 'POST',
        template,
        path: `/v1/calls/${sid}/transfer`,
        json: this.#validate(endpoint, transferCallRequestSchema, request),
        schema: transferCallResponseSchema,
      },
      options,
    );
  }

  /** PATCH /v1/calls/:callSid: change task, transfer number, prompt or max duration mid-call. */
  async updateCall(
    callSid: string,
    request: UpdateCallRequest,
    options?: RequestOptions,
  ): Promise<UpdateCallResponse> {
    const template = '/v1/calls/:callSid';
    const endpoint = `PATCH ${template}`;
    const sid = this.#pathParam(endpoint, 'callSid', callSid);
    return this.#json(
      {
        method: 'PATCH',
        template,
        path: `/v1/calls/${sid}`,
        json: this.#validate(endpoint, updateCallRequestSchema, request),
        schema: updateCallResponseSchema,
      },
      options,
    );
  }

  // -------------------------------------------------------------------------------
  // User-on-call endpoints

  /** POST /v1/calls/:callSid/activate: AI takeover of a user-on-call session. */
  async activateAi(
    callSid: string,
    request: ActivateAiRequest = {},
    options?: RequestOptions,
  ): Promise<ActivateAiResponse> {
    const template = '/v1/calls/:callSid/activate';
    const endpoint = `POST ${template}`;
    const sid = this.#pathParam(endpoint, 'callSid', callSid);
    return this.#json(
      {
        method: 'POST',
        template,
        path: `/v1/calls/${sid}/activate`,
        json: this.#validate(endpoint, activateAiRequestSchema, request),
        schema: activateAiResponseSchema,
      },
      options,
    );
  }

  /** GET /v1/calls/:callSid/conference-status. */
  async getConferenceStatus(callSid: string, options?: RequestOptions): Promise<ConferenceStatusResponse> {
    const template = '/v1/calls/:callSid/conference-status';
    const sid = this.#pathParam(`GET ${template}`, 'callSid', callSid);
    return this.#json(
      {
        method: 'GET',
        template,
        path: `/v1/calls/${sid}/conference-status`,
        schema: conferenceStatusResponseSchema,
      },
      options,
    );
  }

  /** POST /v1/calls/:callSid/drop-user. */
  async dropUser(callSid: string, options?: RequestOptions): Promise<DropUserResponse> {
    const template = '/v1/calls/:callSid/drop-user';
    const sid = this.#pathParam(`POST ${template}`, 'callSid', callSid);
    return this.#json(
      { method: 'POST', template, path: `/v1/calls/${sid}/drop-user`, schema: dropUserResponseSchema },
      options,
    );
  }

  // -------------------------------------------------------------------------------
  // Plumbing

  async #json<S extends z.ZodType>(call: JsonCall<S>, options?: RequestOptions): Promise<z.output<S>> {
    const endpoint = `${call.method} ${call.template}`;
    const extra: Record<string, string> = {};
    let body: string | FormData | undefined;
    if (call.form !== undefined) {
      body = call.form; // fetch sets the multipart boundary itself
    } else if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      extra['content-type'] = 'application/json';
    }
    const init: RequestInit = { method: call.method, headers: this.#headers(extra), redirect: 'manual' };
    if (body !== undefined) init.body = body;
    const { response, body: text } = await this.#exchange(
      endpoint,
      this.#url(call.path, call.query),
      init,
      options,
      (res) => res.text(),
    );
    if (!response.ok) throw this.#httpError(endpoint, call.method, response, text);
    return this.#parseJson(endpoint, call.method, response.status, call.schema, text);
  }

  /**
   * One fetch plus reading its body, under the per-request timeout. Turns whatever
   * fetch throws into a NetworkError / TimeoutError; a caller's abort is rethrown as is.
   */
  async #exchange<T>(
    endpoint: string,
    url: URL,
    init: RequestInit,
    options: RequestOptions | undefined,
    readBody: (response: Response) => Promise<T>,
  ): Promise<Exchange<T>> {
    const timeoutMs = options?.timeoutMs ?? this.timeoutMs;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = options?.signal ? AbortSignal.any([options.signal, timeoutSignal]) : timeoutSignal;
    let responseStarted = false;
    try {
      const response = await this.#fetch(url, { ...init, signal });
      responseStarted = true;
      return { response, body: await readBody(response) };
    } catch (error) {
      if (error instanceof CallMyCallError) throw error;
      if (options?.signal?.aborted) throw options.signal.reason;
      if (timeoutSignal.aborted) throw timeoutErrorFor(endpoint, timeoutMs, error);
      throw this.#networkError(endpoint, error, responseStarted);
    }
  }

  #parseJson<S extends z.ZodType>(
    endpoint: string,
    method: HttpMethod,
    status: number,
    schema: S,
    text: string,
  ): z.output<S> {
    const effect = method === 'GET' ? '' : ' [the request succeeded; its effect happened]';
    let json: unknown = {};
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ResponseShapeError(`CallMyCall ${endpoint}: ${status} response is not JSON${effect}`, {
          endpoint,
          status,
        });
      }
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issues = formatIssues(parsed.error);
    throw new ResponseShapeError(
      this.#redact(
        `CallMyCall ${endpoint}: ${status} response does not match the API reference (${issues.join('; ')})${effect}`,
      ),
      { endpoint, status, issues },
    );
  }

  #httpError(endpoint: string, method: string, response: Response, bodyText: string): CallMyCallError {
    return errorFromResponse({
      endpoint,
      method,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      bodyText,
      secrets: [this.#apiKey],
    });
  }

  #networkError(endpoint: string, error: unknown, responseStarted: boolean): NetworkError {
    return networkErrorFrom(endpoint, error, { responseStarted, secrets: [this.#apiKey] });
  }

  /** Validates a request value; a failure is a ValidationError without status: nothing was sent. */
  #validate<S extends z.ZodType>(endpoint: string, schema: S, value: unknown): z.output<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = formatIssues(parsed.error);
    throw new ValidationError(
      this.#redact(`CallMyCall ${endpoint}: invalid request, not sent (${issues.join('; ')})`),
      { endpoint, issues },
    );
  }

  #pathParam(endpoint: string, name: string, value: string): string {
    const parsed = idSchema.safeParse(value);
    // "." and ".." survive encodeURIComponent and URL normalization would resolve them
    // away: /v1/calls/.. is /v1/. An id from a webhook or an answer must never do that.
    const problem = !parsed.success
      ? 'must not be empty'
      : /^\.{1,2}$/.test(parsed.data)
        ? 'must not be "." or ".."'
        : undefined;
    if (problem !== undefined || !parsed.success) {
      throw new ValidationError(`CallMyCall ${endpoint}: invalid request, not sent (${name}: ${problem})`, {
        endpoint,
        issues: [`${name}: ${problem}`],
      });
    }
    return encodeURIComponent(parsed.data);
  }

  #recordingUrl(endpoint: string, value: string): URL {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ValidationError(`CallMyCall ${endpoint}: recording URL must be an absolute http(s) URL`, {
        endpoint,
        issues: ['recordingUrl: must be an absolute http(s) URL'],
      });
    }
    return url;
  }

  #url(path: string, query?: Record<string, string>): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    return url;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/json',
      'user-agent': this.#userAgent,
      ...extra,
      authorization: `Bearer ${this.#apiKey}`,
    };
  }

  #redact(text: string): string {
    return redactSecrets(text, [this.#apiKey]);
  }

  #transcriptEvent(endpoint: string, status: number, message: SseMessage): TranscriptStreamEvent {
    const withId = <T extends TranscriptStreamEvent>(event: T): T =>
      message.id === undefined ? event : { ...event, id: message.id };
    if (message.event !== 'added' && message.event !== 'ping') {
      return withId({ event: 'other', name: message.event, data: message.data });
    }
    let json: unknown;
    try {
      json = JSON.parse(message.data);
    } catch {
      throw new ResponseShapeError(
        `CallMyCall ${endpoint}: ${status} '${message.event}' event data is not JSON`,
        {
          endpoint,
          status,
        },
      );
    }
    const schema = message.event === 'added' ? transcriptAddedEventSchema : transcriptPingEventSchema;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error);
      throw new ResponseShapeError(
        `CallMyCall ${endpoint}: ${status} '${message.event}' event does not match the API reference (${issues.join('; ')})`,
        { endpoint, status, issues },
      );
    }
    return message.event === 'added'
      ? withId({ event: 'added', data: transcriptAddedEventSchema.parse(json) })
      : withId({ event: 'ping', data: transcriptPingEventSchema.parse(json) });
  }
}

/** Builds a client from the environment (src/config/env.ts). */
export function createCallMyCallClient(
  env: Pick<Env, 'CALLMYCALL_BASE_URL' | 'CALLMYCALL_API_KEY' | 'CALLMYCALL_TIMEOUT_MS'>,
  overrides: Pick<CallMyCallClientOptions, 'fetch' | 'userAgent'> = {},
): CallMyCallClient {
  return new CallMyCallClient({
    baseUrl: env.CALLMYCALL_BASE_URL,
    apiKey: env.CALLMYCALL_API_KEY,
    timeoutMs: env.CALLMYCALL_TIMEOUT_MS,
    ...overrides,
  });
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  webm: 'audio/webm',
  flac: 'audio/flac',
};

function audioTypeFor(filename: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : AUDIO_TYPES[ext];
}
