import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { rootCauseMessage } from '../../../src/temporal/rootCause.js';

describe('rootCauseMessage', () => {
  it('is the innermost failure, not the wrappers Temporal puts around it', () => {
    const invalid = ApplicationFailure.nonRetryable(
      'file not found: /c/contacts-2026-03-02.csv',
      'InvalidCampaign',
    );
    const activity = new ActivityFailure(
      'Activity task failed',
      'prepareCampaign',
      '1',
      RetryState.NON_RETRYABLE_FAILURE,
      undefined,
      invalid,
    );
    const child = new ChildWorkflowFailure(
      'default',
      { workflowId: 'campaign:x', runId: 'r' },
      'campaignWorkflow',
      RetryState.NON_RETRYABLE_FAILURE,
      activity,
    );
    expect(rootCauseMessage(child)).toBe('file not found: /c/contacts-2026-03-02.csv');
  });

  it('is the error itself when it has no cause, and never hangs on a cause that loops', () => {
    expect(rootCauseMessage(new Error('plain'))).toBe('plain');
    expect(rootCauseMessage('text')).toBe('text');
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(['a', 'b']).toContain(rootCauseMessage(a));
  });
});
