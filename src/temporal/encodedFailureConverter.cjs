// The failure converter of every client and worker, and of the workflow bundle: it moves
// a failure's message and stack trace into an encoded payload, so the payload codec
// encrypts them like any other payload (personal data in error messages stays out of
// Temporal history). Plain CommonJS because the SDK loads it with require() in the
// worker and client, and webpack bundles it into the workflow sandbox.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
