/**
 * Every timer the simulator arms goes through here, grouped by a key (usually a call
 * sid), so end-call can cancel one call's future and reset/close can cancel them all
 * — otherwise a stray timer would fire into a reset state or keep vitest alive.
 */
export class TimerRegistry {
  private readonly groups = new Map<string, Set<NodeJS.Timeout>>();

  constructor(private readonly speed: number) {}

  /** Runs `fn` after `ms` of real time. */
  after(group: string, ms: number, fn: () => void): void {
    const set = this.groups.get(group) ?? new Set<NodeJS.Timeout>();
    this.groups.set(group, set);
    const handle = setTimeout(
      () => {
        set.delete(handle);
        if (set.size === 0 && this.groups.get(group) === set) this.groups.delete(group);
        fn();
      },
      Math.max(0, ms),
    );
    set.add(handle);
  }

  /** Runs `fn` after `simulatedMs` of simulated time, i.e. simulatedMs / speed of real time. */
  afterSimulated(group: string, simulatedMs: number, fn: () => void): void {
    this.after(group, simulatedMs / this.speed, fn);
  }

  cancel(group: string): void {
    for (const handle of this.groups.get(group) ?? []) clearTimeout(handle);
    this.groups.delete(group);
  }

  cancelAll(): void {
    for (const group of [...this.groups.keys()]) this.cancel(group);
  }

  get pending(): number {
    let count = 0;
    for (const set of this.groups.values()) count += set.size;
    return count;
  }
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (reset/close). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(handle);
      reject(signal.reason);
    };
    const handle = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
