import type { Disposition } from '../dispositions/classifyDisposition.js';

/** A disposition as report.html's page knows it: the row summaries point at these by index. */
export interface PageDisposition {
  name: string;
  /** Rows with it are in the review queue. */
  review: boolean;
}

/**
 * Disposition names as small numbers, for report.html's row summaries (every byte of a
 * row is 100 kB at 100k rows): seeded with the campaign's names (dispositionNames.ts),
 * and growing by any other name a stored result carries. Whether a disposition goes to
 * the review queue belongs to its name (the campaign's rules say), so it is kept here
 * once, not in every row.
 */
export class DispositionIndex {
  private readonly indexes = new Map<string, number>();
  private readonly list: PageDisposition[] = [];

  constructor(names: readonly string[], isReview: (name: string) => boolean) {
    for (const name of names) this.add({ name, review: isReview(name) });
  }

  indexOf(disposition: Disposition): number {
    return (
      this.indexes.get(disposition.disposition) ??
      this.add({ name: disposition.disposition, review: disposition.review })
    );
  }

  /** Every disposition so far, by index. */
  get dispositions(): readonly PageDisposition[] {
    return this.list;
  }

  private add(disposition: PageDisposition): number {
    const index = this.list.length;
    this.list.push(disposition);
    this.indexes.set(disposition.name, index);
    return index;
  }
}
