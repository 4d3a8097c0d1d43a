import { classifyDisposition, type Disposition } from '../dispositions/classifyDisposition.js';
import type { DispositionDefinition } from '../dispositions/dispositionRules.js';
import { callFactsOf } from '../dispositions/rowFacts.js';
import type { RowResult } from '../results/rowResult.js';
import type { ReportOutcome } from './reportRecord.js';

/**
 * A report row's disposition, the one results.csv, results.jsonl, summary.json,
 * report.html and `cmc export` all show: the one stored with the row's result; else the
 * campaign's rules applied now, to what a result of an older build stored, or to a row
 * that was never called (invalid, duplicate, suppressed: no attempts, no transcript);
 * none for a pending row, which has not ended yet.
 */
export function recordDisposition(
  definitions: readonly DispositionDefinition[],
  outcome: ReportOutcome,
  result: RowResult | null,
): Disposition | null {
  if (outcome === 'pending') return null;
  if (result === null) return classifyDisposition(definitions, { outcome, attempts: 0, transcript: [] });
  return result.disposition ?? classifyDisposition(definitions, callFactsOf(result));
}
