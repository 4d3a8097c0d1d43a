import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object: API keys, webhook
 * secrets, signatures and signed recording URLs never reach a log line.
 */
export const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'webhookSecret',
  '*.webhookSecret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-callmycall-signature"]',
  'req.headers["x-callmycall-signature"]',
  'token',
  '*.token',
  'recording_url',
  '*.recording_url',
  'CALLMYCALL_API_KEY',
  'CALLMYCALL_WEBHOOK_SECRET',
  'CMC_ROW_KEY_SECRET',
];

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino({
    name,
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...options,
  });
}
