import type { DialAudit } from '../compliance/dialChecks.js';
import type { RowResult } from '../results/rowResult.js';
import type { ReportableRow, ReportOutcome } from './reportRecord.js';

/**
 * Why the row was or was not called, in one line, for results.csv and the report: the
 * contacts file's verdict for rows never dialled, else each attempt's dial-time
 * decision with the check that decided it. results.jsonl carries every check in full.
 */
export function callDecision(
  row: ReportableRow,
  outcome: ReportOutcome,
  result: RowResult | null,
  problem: string | undefined,
): string {
  if (row.status !== 'valid') return `not called: ${problem ?? row.status}`;
  if (outcome === 'pending') return 'not decided yet';
  const audit = result?.audit ?? [];
  if (audit.length === 0) {
    const placed = result?.attempts.filter((attempt) => attempt.sid !== undefined).length ?? 0;
    if (placed > 0) return `called ${placed} time${placed === 1 ? '' : 's'}`;
    return `not called: ${outcome}${result?.error ? ` (${result.error})` : ''}`;
  }
  return audit.map(attemptDecision).join('; ');
}

function attemptDecision(audit: DialAudit): string {
  const failed = audit.checks.find((check) => !check.passed);
  const at = `attempt ${audit.attempt} ${audit.decision} at ${audit.checkedAt}`;
  if (failed) return `${at}: ${failed.check} ${failed.detail}`;
  return `${at}: ${audit.checks.map((check) => check.check).join(', ')} passed`;
}
