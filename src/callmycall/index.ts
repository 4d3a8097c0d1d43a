/** The CallMyCall API client, its payload schemas, error classes and webhook signing. */
export * from './client.js';
export * from './errors.js';
export * from './retryAfter.js';
export * from './schemas.js';
export * from './sse.js';
export * from './webhookSignature.js';
