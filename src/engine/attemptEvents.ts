import type { CallEvent } from './callEvent.js';

/** Most distinct call sids one attempt listens to before it knows which call is its own. */
export const MAX_CANDIDATE_SIDS = 20;

interface CallEvents {
  completed?: CallEvent;
  price?: CallEvent;
}

/**
 * The webhook events one attempt keeps, bounded whatever arrives. A signature proves
 * CallMyCall sent an event, not that it is about this attempt's call: a captured
 * webhook can be replayed to another attempt's URL. So:
 * - once the attempt's sid is known (`bind`), events about any other call are dropped;
 * - before that (an uncertain start), events only name candidate sids, at most
 *   MAX_CANDIDATE_SIDS, each to be confirmed before it is believed;
 * - per call only the first call_completed and the first priced price_updated count,
 *   so a duplicate or replayed event changes nothing.
 */
export class AttemptEvents {
  private readonly bySid = new Map<string, CallEvents>();
  private boundSid: string | undefined;

  /** Keeps what the attempt may need from one event; returns false when it was dropped. */
  add(event: CallEvent): boolean {
    if (this.boundSid !== undefined && event.sid !== this.boundSid) return false;
    let events = this.bySid.get(event.sid);
    if (!events) {
      if (this.bySid.size >= MAX_CANDIDATE_SIDS) return false;
      events = {};
      this.bySid.set(event.sid, events);
    }
    if (event.event === 'call_completed' && !events.completed) events.completed = event;
    else if (event.event === 'price_updated' && event.credits !== undefined && !events.price)
      events.price = event;
    return true;
  }

  /** From now on only events about `sid` count. */
  bind(sid: string): void {
    this.boundSid = sid;
    for (const other of [...this.bySid.keys()]) if (other !== sid) this.bySid.delete(other);
  }

  /** Forgets a sid that turned out not to be this attempt's call. */
  reject(sid: string): void {
    this.bySid.delete(sid);
  }

  /** Sids seen so far, in arrival order. */
  get candidates(): string[] {
    return [...this.bySid.keys()];
  }

  completed(sid: string): CallEvent | undefined {
    return this.bySid.get(sid)?.completed;
  }

  credits(sid: string): number | undefined {
    return this.bySid.get(sid)?.price?.credits;
  }
}
