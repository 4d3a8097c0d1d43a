import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CallEvent } from '../engine/callEvent.js';

/** Messages of the call workflow (one per contact row). */

/** A verified webhook from CallMyCall, forwarded by the webhook receiver. */
export const callEventSignal = defineSignal<[CallEvent]>('callEvent');

/** The campaign lets this row place its next attempt. */
export const slotGrantedSignal = defineSignal<[SlotGrant]>('slotGranted');

/** A slot for one attempt; in a user-on-call campaign, with the operator phone (by index) it holds. */
export interface SlotGrant {
  attempt: number;
  operator?: number;
}

/** The campaign will not let this row place another attempt. */
export const slotDeniedSignal = defineSignal<[{ reason: 'not_called_budget' | 'cancelled' }]>('slotDenied');

/** The campaign was cancelled; with `hangup`, a live call is ended through end-call. */
export const campaignCancelledSignal = defineSignal<[{ hangup: boolean }]>('campaignCancelled');

export interface CallWorkflowState {
  rowKey: string;
  line: number;
  attempt: number;
  phase:
    | 'waiting_for_slot'
    | 'waiting_for_window'
    | 'dialing'
    | 'reconciling'
    | 'in_call'
    | 'retry_delay'
    | 'finished';
  sid?: string;
  outcome?: string;
}

export const callStateQuery = defineQuery<CallWorkflowState>('callState');

/**
 * The campaign run that started this row is about to continue as new: report the row's
 * end by signal to the campaign's workflow ID, since the next run never sees this
 * workflow's completion.
 */
export const reportBySignalSignal = defineSignal('reportBySignal');
