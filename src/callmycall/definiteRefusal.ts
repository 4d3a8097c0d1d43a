import {
  AuthError,
  InsufficientCreditsError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
} from './errors.js';

/**
 * True only when a failed request certainly created nothing, so sending it again
 * cannot place a second call:
 * - it never left this process (refused locally by the request schema, or the
 *   connection failed before anything was sent: refused, DNS, unreachable);
 * - the API answered with one of its documented refusals: 400, 401, 402, 403, 429,
 *   and 404 (an unknown route or id: the API acted on nothing).
 *
 * Everything else may have been acted on and is uncertain: a 2xx whose body we cannot
 * read, every 3xx, 409 and other undocumented status, every 5xx, a timeout, a reset
 * after sending, and any error this client did not make itself.
 */
export function isDefiniteRefusal(error: unknown): boolean {
  if (error instanceof NetworkError) return !error.ambiguous;
  return (
    error instanceof ValidationError ||
    error instanceof AuthError ||
    error instanceof InsufficientCreditsError ||
    error instanceof RateLimitedError ||
    error instanceof NotFoundError
  );
}
