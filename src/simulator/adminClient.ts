import type {
  SimCall,
  SimCredits,
  SimDelivery,
  SimFaults,
  SimScenario,
  SimStartCallRequest,
  SimStats,
  SimVoice,
} from './adminTypes.js';

export type {
  SimCall,
  SimCredits,
  SimDelivery,
  SimFaults,
  SimOutcome,
  SimScenario,
  SimStats,
  SimVoice,
} from './adminTypes.js';

export class SimulatorAdminError extends Error {
  override readonly name = 'SimulatorAdminError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A typed client for the simulator's admin API (/_sim/*), for tests and demos:
 * script outcomes and faults, set credits, and read back calls, webhook delivery
 * attempts and concurrency statistics.
 */
export class SimulatorAdmin {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const message =
        typeof parsed === 'object' && parsed !== null && 'error' in parsed ? String(parsed.error) : text;
      throw new SimulatorAdminError(response.status, `${method} ${path} -> ${response.status}: ${message}`);
    }
    return parsed as T;
  }

  health(): Promise<{ ok: true }> {
    return this.request('GET', '/_sim/health');
  }

  /** No calls, faults, scenario or deliveries; credits back to the start value; timers cancelled. */
  async reset(): Promise<void> {
    await this.request('POST', '/_sim/reset');
  }

  async setScenario(scenario: SimScenario): Promise<void> {
    await this.request('PUT', '/_sim/scenario', scenario);
  }

  /** Replaces every armed fault. */
  async setFaults(faults: SimFaults): Promise<void> {
    await this.request('PUT', '/_sim/faults', faults);
  }

  async setCredits(balance: number): Promise<void> {
    await this.request('PUT', '/_sim/credits', { balance });
  }

  credits(): Promise<SimCredits> {
    return this.request('GET', '/_sim/credits');
  }

  /** Every call ever created since the last reset, in creation order. */
  async calls(): Promise<SimCall[]> {
    return (await this.request<{ calls: SimCall[] }>('GET', '/_sim/calls')).calls;
  }

  /** Every start-call request since the last reset, refused or not, with its answer. */
  async startCallRequests(): Promise<SimStartCallRequest[]> {
    return (await this.request<{ requests: SimStartCallRequest[] }>('GET', '/_sim/start-call-requests'))
      .requests;
  }

  /** Every webhook delivery attempt, in the order they finished. */
  async deliveries(): Promise<SimDelivery[]> {
    return (await this.request<{ deliveries: SimDelivery[] }>('GET', '/_sim/webhook-deliveries')).deliveries;
  }

  /** Every voice cloned since the last reset, with the files uploaded for it. */
  async voices(): Promise<SimVoice[]> {
    return (await this.request<{ voices: SimVoice[] }>('GET', '/_sim/voices')).voices;
  }

  stats(): Promise<SimStats> {
    return this.request('GET', '/_sim/stats');
  }
}
