import type { RowResult } from '../results/rowResult.js';
import type { CallFacts } from './classifyDisposition.js';

/** What the disposition rules read of a row's result. */
export function callFactsOf(
  result: Pick<RowResult, 'outcome' | 'attempts' | 'goalCompleted' | 'transcript'>,
): CallFacts {
  const status = result.attempts.at(-1)?.status;
  return {
    outcome: result.outcome,
    ...(status === undefined ? {} : { status }),
    attempts: result.attempts.length,
    ...(result.goalCompleted === undefined ? {} : { goalCompleted: result.goalCompleted }),
    transcript: result.transcript ?? [],
  };
}
