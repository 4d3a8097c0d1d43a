import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Finds (or builds, the first time) the Temporal CLI through scripts/ensure-temporal.sh. */
export function resolveTemporalCli(): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const script = fileURLToPath(new URL('../../scripts/ensure-temporal.sh', import.meta.url));
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
