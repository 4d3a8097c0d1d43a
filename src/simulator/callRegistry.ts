import type { FinalStatus, PlannedOutcome } from './scenario.js';
import type { StartCallRequest } from './startCallRequest.js';

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | FinalStatus;

const FINAL = new Set<CallStatus>(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
export const isFinal = (status: CallStatus): status is FinalStatus => FINAL.has(status);

/** A transcript line as said, with the time it was said. */
export interface TranscriptLine {
  role: 'assistant' | 'user';
  text: string;
  seq: number;
  timestamp: string;
}

/**
 * The user-on-call side of a call, following the reference's state model: initiated
 * (both legs dialled) -> connected (operator and target talk, the AI listens) ->
 * ai_takeover (activate redirects the target to the AI) -> active -> completed;
 * failed when the target never answers.
 */
export interface UserOnCallSession {
  userPhone: string;
  state: 'initiated' | 'connected' | 'ai_takeover' | 'active' | 'completed' | 'failed';
  aiActive: boolean;
  userDropped: boolean;
}

export interface CallRecord {
  sid: string;
  request: StartCallRequest;
  /** PATCH and activate may replace the task and extend the prompt mid-call. */
  task: string;
  additionalPrompt: string[];
  transferNumber: string | undefined;
  maxDurationSeconds: number | undefined;
  status: CallStatus;
  createdAt: Date;
  connectedAt: Date | undefined;
  /** performance.now() at connection, to measure an early end in simulated time. */
  connectedAtPerf: number | undefined;
  endedAt: Date | undefined;
  plan: PlannedOutcome;
  transcripts: TranscriptLine[];
  goalCompleted: boolean | undefined;
  /** Connected seconds, rounded up; set when the call is final. */
  durationSeconds: number | undefined;
  credits: number | undefined;
  recordingSid: string;
  transfers: Array<{ destination: string; warm: boolean; reason: string | undefined; at: string }>;
  userOnCall: UserOnCallSession | undefined;
}

/** One start-call request as it reached the simulator, and what it was answered. */
export interface StartCallRequestRecord {
  at: number;
  /** metadata.client_request_id, once the body was read. */
  clientRequestId?: string;
  /** The HTTP status answered; `dropped` when the socket was destroyed instead. */
  answer?: number | 'dropped';
  /** The sid of the call this request placed, if it placed one. */
  sid?: string;
}

/** Every call ever placed, in creation order, plus the concurrency statistics tests measure. */
export class CallRegistry {
  private readonly calls = new Map<string, CallRecord>();
  private readonly byRecording = new Map<string, CallRecord>();
  private maxConcurrent = 0;
  startCallRequests = 0;
  startCallTimestamps: number[] = [];
  /** Every authenticated start-call request, refused or not, in arrival order. */
  readonly startCallLog: StartCallRequestRecord[] = [];

  add(call: CallRecord): void {
    this.calls.set(call.sid, call);
    this.byRecording.set(call.recordingSid, call);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.activeCount());
  }

  get(sid: string): CallRecord | undefined {
    return this.calls.get(sid);
  }

  getByRecordingSid(recordingSid: string): CallRecord | undefined {
    return this.byRecording.get(recordingSid);
  }

  all(): CallRecord[] {
    return [...this.calls.values()];
  }

  /** Calls "in flight": created and not yet final. */
  activeCount(): number {
    let count = 0;
    for (const call of this.calls.values()) if (!isFinal(call.status)) count += 1;
    return count;
  }

  get maxConcurrentCalls(): number {
    return this.maxConcurrent;
  }

  recordStartCallRequest(at: number): StartCallRequestRecord {
    this.startCallRequests += 1;
    this.startCallTimestamps.push(at);
    const record: StartCallRequestRecord = { at };
    this.startCallLog.push(record);
    return record;
  }

  reset(): void {
    this.calls.clear();
    this.byRecording.clear();
    this.maxConcurrent = 0;
    this.startCallRequests = 0;
    this.startCallTimestamps = [];
    this.startCallLog.length = 0;
  }
}
