import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Installs the Temporal Worker runtime once per process, with the SDK's own log lines
 * at WARN unless TEMPORAL_LOG_LEVEL asks for more: operators read our logs, not the SDK's.
 */
export function installTemporalRuntime(
  level: LogLevel = (process.env.TEMPORAL_LOG_LEVEL as LogLevel) ?? 'WARN',
): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by this process (for example, by a test file run earlier in the same fork).
  }
}
