// Every workflow the worker registers. Workflow code is bundled and sandboxed by the
// Temporal worker: it must stay deterministic (no I/O, no Node built-ins).
export { callWorkflow } from './callWorkflow.js';
export { campaignWorkflow } from './campaignWorkflow.js';
export { resultWebhooksWorkflow } from './resultWebhooksWorkflow.js';
export { retentionPurgeWorkflow } from './retentionPurgeWorkflow.js';
export { rowWorkflow } from './rowWorkflow.js';
export { scheduledCampaignWorkflow } from './scheduledCampaignWorkflow.js';
