import type { CallRecord, TranscriptLine } from './callRegistry.js';

/** What happens to a call, for the webhook dispatcher and the SSE streams. */
export type CallEvent =
  | { type: 'status'; call: CallRecord }
  | { type: 'transcript'; call: CallRecord; line: TranscriptLine }
  | { type: 'final'; call: CallRecord };

type Listener = (event: CallEvent) => void;

export class CallEvents {
  private readonly listeners = new Set<Listener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CallEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
