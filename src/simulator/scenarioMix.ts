import { createHash } from 'node:crypto';

/**
 * Where a number falls in [0, 1): the same for the same number in every process and
 * run, so a scenario's mix treats a number the same way every time, and spread evenly
 * enough that a share of 0.2 gets about a fifth of any set of numbers, however alike.
 */
export function numberPosition(e164: string): number {
  return createHash('sha256').update(e164).digest().readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The mix entry a number belongs to: the shares are laid end to end over [0, 1) in
 * order, and the number's position picks one; past the last share, none.
 */
export function mixEntryFor<Entry extends { share: number }>(
  mix: readonly Entry[],
  e164: string,
): Entry | undefined {
  const position = numberPosition(e164);
  let end = 0;
  for (const entry of mix) {
    end += entry.share;
    if (position < end) return entry;
  }
  return undefined;
}
