import type { CheckStatus, PreflightCheck } from './preflightCheck.js';

const LABELS: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/** Replaces every secret that could have reached a check line (an error echoing a URL, say). */
export function redactChecks(
  checks: readonly PreflightCheck[],
  secrets: readonly string[],
): PreflightCheck[] {
  const hidden = secrets.filter((secret) => secret.length >= 4);
  const redact = (text: string) => hidden.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  return checks.map((check) => ({
    ...check,
    detail: redact(check.detail),
    ...(check.fix === undefined ? {} : { fix: redact(check.fix) }),
  }));
}

/** The human report: one line per check, its fix indented under a failure, then a verdict. */
export function formatDoctorReport(checks: readonly PreflightCheck[]): string {
  const width = Math.max(...checks.map((check) => check.name.length), 0);
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${LABELS[check.status]}  ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== 'pass') lines.push(`${' '.repeat(width + 8)}fix: ${check.fix}`);
  }
  const failed = checks.filter((check) => check.status === 'fail').length;
  lines.push(
    '',
    failed === 0
      ? `All ${checks.length} checks passed${checks.some((c) => c.status === 'skip') ? ' (some skipped)' : ''}.`
      : `${failed} of ${checks.length} checks failed.`,
  );
  return `${lines.join('\n')}\n`;
}

export function doctorPassed(checks: readonly PreflightCheck[]): boolean {
  return checks.every((check) => check.status !== 'fail');
}
