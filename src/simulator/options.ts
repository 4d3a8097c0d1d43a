import { DEFAULT_SIMULATOR_API_KEY, DEFAULT_SIMULATOR_PORT, DEFAULT_WEBHOOK_SECRET } from '../config/env.js';
import type { Logger } from '../logging/logger.js';

/** Everything `startSimulator` accepts; every field has a local-demo default. */
export interface SimulatorOptions {
  /** 0 = a random free port. Default 4010. */
  port?: number;
  /** Default '127.0.0.1': the admin API has no auth, so stay on loopback unless told otherwise. */
  host?: string;
  /** Default DEFAULT_SIMULATOR_API_KEY (src/config/env.ts), the runner's own default. */
  apiKey?: string;
  /** Signs every webhook. Default DEFAULT_WEBHOOK_SECRET, the receiver's own default. */
  webhookSecret?: string;
  /** Starting balance, restored by /_sim/reset. Default 1000. */
  credits?: number;
  /** start-call answers 402 below this balance. Default 5. */
  minimumCredits?: number;
  /** Simulated seconds per real second for call timings. Default 1. */
  speed?: number;
  /** Token bucket on start-call only; off when omitted. */
  rateLimit?: { capacity: number; refillPerSecond: number };
  logger?: Logger;
  /** Base URL written into recording and consent URLs. Default http://<host>:<port>. */
  publicUrl?: string;
  /** Lifetime of signed recording URLs. Default 10 minutes. */
  recordingUrlTtlMs?: number;
  /** Per-attempt webhook timeout. Default 10 s, as the reference says; tests shorten it. */
  webhookTimeoutMs?: number;
  /** SSE keep-alive period in simulated time. Default 15 s (so 15 s / speed real time). */
  ssePingIntervalMs?: number;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  apiKey: string;
  webhookSecret: string;
  credits: number;
  minimumCredits: number;
  speed: number;
  rateLimit: { capacity: number; refillPerSecond: number } | undefined;
  recordingUrlTtlMs: number;
  webhookTimeoutMs: number;
  ssePingIntervalMs: number;
}

export const SIMULATOR_DEFAULTS = {
  port: DEFAULT_SIMULATOR_PORT,
  host: '127.0.0.1',
  apiKey: DEFAULT_SIMULATOR_API_KEY,
  webhookSecret: DEFAULT_WEBHOOK_SECRET,
  credits: 1000,
  minimumCredits: 5,
  speed: 1,
  recordingUrlTtlMs: 10 * 60_000,
  webhookTimeoutMs: 10_000,
  ssePingIntervalMs: 15_000,
} as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

/** Fills defaults and rejects values that would make the simulator misbehave silently. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const d = SIMULATOR_DEFAULTS;
  const port = options.port ?? d.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be 0-65535');
  const credits = options.credits ?? d.credits;
  if (!Number.isFinite(credits)) throw new RangeError('credits must be a number');
  const minimumCredits = options.minimumCredits ?? d.minimumCredits;
  if (!Number.isFinite(minimumCredits) || minimumCredits < 0) {
    throw new RangeError('minimumCredits must be >= 0');
  }
  const rateLimit = options.rateLimit && {
    capacity: positive('rateLimit.capacity', options.rateLimit.capacity),
    refillPerSecond: positive('rateLimit.refillPerSecond', options.rateLimit.refillPerSecond),
  };
  return {
    port,
    host: options.host ?? d.host,
    apiKey: options.apiKey ?? d.apiKey,
    webhookSecret: options.webhookSecret ?? d.webhookSecret,
    credits,
    minimumCredits,
    speed: positive('speed', options.speed ?? d.speed),
    rateLimit,
    recordingUrlTtlMs: positive('recordingUrlTtlMs', options.recordingUrlTtlMs ?? d.recordingUrlTtlMs),
    webhookTimeoutMs: positive('webhookTimeoutMs', options.webhookTimeoutMs ?? d.webhookTimeoutMs),
    ssePingIntervalMs: positive('ssePingIntervalMs', options.ssePingIntervalMs ?? d.ssePingIntervalMs),
  };
}
