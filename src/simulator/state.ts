import type { Logger } from '../logging/logger.js';
import type { SimVoice } from './adminTypes.js';
import { CalendarAuthorization } from './calendar.js';
import { CallEvents } from './callEvents.js';
import { CallerIdRegistry } from './callerIds.js';
import { CallLifecycle } from './callLifecycle.js';
import { CallRegistry } from './callRegistry.js';
import { CreditLedger } from './credits.js';
import { FaultPlan } from './faults.js';
import type { ResolvedOptions } from './options.js';
import { TokenBucket } from './rateLimiter.js';
import { RecordingTokens } from './recordingTokens.js';
import { ScenarioBook } from './scenario.js';
import { TimerRegistry } from './timers.js';
import { TranscriptStreams } from './transcriptStream.js';
import { WebhookDeliverer } from './webhookDelivery.js';
import { WebhookDispatcher } from './webhookDispatcher.js';

/** Everything one simulator instance knows, wired together; reset() returns it to a fresh start. */
export class SimulatorState {
  readonly timers: TimerRegistry;
  readonly events = new CallEvents();
  readonly registry = new CallRegistry();
  readonly ledger: CreditLedger;
  readonly rateLimiter: TokenBucket | undefined;
  readonly scenario = new ScenarioBook();
  readonly faults = new FaultPlan();
  readonly lifecycle: CallLifecycle;
  readonly deliverer: WebhookDeliverer;
  readonly dispatcher: WebhookDispatcher;
  readonly recordingTokens: RecordingTokens;
  readonly callerIds: CallerIdRegistry;
  readonly calendar = new CalendarAuthorization();
  /** Voices cloned since the last reset, for /_sim/voices. */
  readonly voices: SimVoice[] = [];
  readonly streams: TranscriptStreams;
  /** Base of the URLs the simulator hands out; set once the port is known. */
  publicUrl = '';
  private shutdown = new AbortController();

  constructor(
    readonly options: ResolvedOptions,
    readonly logger: Logger,
  ) {
    this.timers = new TimerRegistry(options.speed);
    this.ledger = new CreditLedger(options.credits, options.minimumCredits);
    this.rateLimiter =
      options.rateLimit && new TokenBucket(options.rateLimit.capacity, options.rateLimit.refillPerSecond);
    this.lifecycle = new CallLifecycle(this.registry, this.events, this.timers, this.ledger, options.speed);
    this.deliverer = new WebhookDeliverer(options.webhookSecret, options.webhookTimeoutMs, logger);
    this.dispatcher = new WebhookDispatcher(this.deliverer, this.faults, logger);
    this.dispatcher.attach(this.events);
    this.recordingTokens = new RecordingTokens(options.recordingUrlTtlMs);
    this.callerIds = new CallerIdRegistry(options.speed);
    this.streams = new TranscriptStreams(
      this.events,
      Math.max(10, options.ssePingIntervalMs / options.speed),
    );
  }

  /** Aborts waits (slow responses) when the simulator resets or closes. */
  get shutdownSignal(): AbortSignal {
    return this.shutdown.signal;
  }

  private stopActivity(): void {
    this.timers.cancelAll();
    this.streams.closeAll();
    this.shutdown.abort(new Error('simulator reset'));
    this.shutdown = new AbortController();
  }

  reset(): void {
    this.stopActivity();
    this.deliverer.reset();
    this.dispatcher.reset();
    this.registry.reset();
    this.ledger.reset();
    this.rateLimiter?.reset();
    this.scenario.reset();
    this.faults.reset();
    this.callerIds.reset();
    this.calendar.reset();
    this.voices.length = 0;
  }

  close(): void {
    this.stopActivity();
    this.deliverer.close();
    this.dispatcher.reset();
  }
}
