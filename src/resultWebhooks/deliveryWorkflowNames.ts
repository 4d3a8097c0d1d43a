/**
 * The result webhooks workflow by name, for the activities and commands that start or
 * wake it with signal-with-start: they must not import a workflow module, and the
 * workflow module defines its signal from this same name.
 */
export const RESULT_WEBHOOKS_WORKFLOW_TYPE = 'resultWebhooksWorkflow';
export const RESULT_EVENTS_WAITING_SIGNAL = 'resultEventsWaiting';
