import type { RowResult } from './rowResult.js';

/**
 * Where each row's final result is kept, keyed by (campaignId, rowKey). Small on
 * purpose so another backend (S3, a database) can replace the file one.
 *
 * Contract every backend keeps:
 * - `record` is idempotent: writing the same row twice leaves one record.
 * - A write replaces the stored one only if it has at least as many attempts, so a
 *   retried activity carrying stale data can never move a row back.
 * - campaignId and rowKey use only `[A-Za-z0-9._:-]` (no `..`); others are rejected.
 * - A stored record that cannot be read back throws CorruptResultError (below).
 */
export interface ResultsStore {
  record(result: RowResult): Promise<void>;
  get(campaignId: string, rowKey: string): Promise<RowResult | undefined>;
  /** Every stored result of a campaign, in no particular order. */
  list(campaignId: string): AsyncIterable<RowResult>;
}

/** True when `incoming` may replace `stored` (see the contract above). */
export function shouldReplace(stored: RowResult | undefined, incoming: RowResult): boolean {
  return stored === undefined || incoming.attempts.length >= stored.attempts.length;
}

/** A stored record that cannot be read back as a RowResult; every backend throws this for one. */
export class CorruptResultError extends Error {
  override readonly name = 'CorruptResultError';
}
