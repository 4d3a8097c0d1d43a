import { describe, expect, it } from 'vitest';
import { doctorPassed, formatDoctorReport, redactChecks } from '../../../src/preflight/doctorReport.js';
import { fail, pass, skip } from '../../../src/preflight/preflightCheck.js';

describe('cmc doctor report', () => {
  const checks = [
    pass('temporal', 'reachable at localhost:7233'),
    fail('caller IDs', 'not verified: +46701234567', 'run `cmc caller-id verify +46701234567 --wait`'),
    skip('balance', 'not reported by the API'),
  ];

  it('prints one line per check and the fix under a failure', () => {
    const text = formatDoctorReport(checks);
    expect(text).toContain('PASS  temporal    reachable at localhost:7233');
    expect(text).toContain('FAIL  caller IDs  not verified: +46701234567');
    expect(text).toMatch(/\n\s+fix: run `cmc caller-id verify \+46701234567 --wait`\n/);
    expect(text).toContain('SKIP  balance');
    expect(text).toContain('1 of 3 checks failed.');
    expect(doctorPassed(checks)).toBe(false);
    expect(doctorPassed([checks[0], checks[2]].filter((check) => check !== undefined))).toBe(true);
  });

  it('removes every secret from details and fixes', () => {
    const secret = 'sk_live_very_secret_value';
    const redacted = redactChecks(
      [fail('api key', `refused key ${secret} at x`, `set it (was ${secret})`)],
      [secret, ''],
    );
    expect(JSON.stringify(redacted)).not.toContain(secret);
    expect(redacted[0]?.detail).toBe('refused key [redacted] at x');
  });
});
