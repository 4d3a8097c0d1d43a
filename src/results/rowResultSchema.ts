import { z } from 'zod';
import { DIAL_CHECK_NAMES, DIAL_DECISIONS } from '../compliance/dialChecks.js';
import { CALL_ACTION_NAMES } from './callAction.js';
import { FINAL_OUTCOMES, type RowResult } from './rowResult.js';

/**
 * The RowResult as written to and read back from storage: a bad write fails in the
 * activity that made it, and a file someone edited fails here with the field that is
 * wrong, not later in the report. Unknown keys are kept, so a newer writer's extra
 * fields survive. Kept lenient on values (any number) so no result that was accepted
 * once can become unreadable.
 */
const transcriptLineSchema = z.looseObject({
  role: z.string(),
  text: z.string(),
  seq: z.number(),
  timestamp: z.string().optional(),
});

const attemptRecordSchema = z.looseObject({
  attempt: z.number().int().positive(),
  clientRequestId: z.string(),
  sid: z.string().optional(),
  status: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationS: z.number().optional(),
  credits: z.number().optional(),
  error: z.string().optional(),
});

export const rowResultSchema = z.looseObject({
  campaignId: z.string(),
  rowKey: z.string(),
  line: z.number().int(),
  columns: z.record(z.string(), z.string()),
  phoneE164: z.string().optional(),
  outcome: z.enum(FINAL_OUTCOMES),
  disposition: z
    .looseObject({
      disposition: z.string(),
      rule: z.string(),
      captured: z.record(z.string(), z.string()).optional(),
      review: z.boolean(),
    })
    .optional(),
  goalCompleted: z.boolean().optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
  transcript: z.array(transcriptLineSchema).optional(),
  attempts: z.array(attemptRecordSchema),
  audit: z
    .array(
      z.looseObject({
        attempt: z.number().int(),
        decision: z.enum(DIAL_DECISIONS),
        checks: z.array(
          z.looseObject({ check: z.enum(DIAL_CHECK_NAMES), passed: z.boolean(), detail: z.string() }),
        ),
        firstCheckedAt: z.string(),
        checkedAt: z.string(),
      }),
    )
    .optional(),
  actions: z
    .array(
      z.looseObject({
        attempt: z.number().int(),
        sid: z.string(),
        action: z.enum(CALL_ACTION_NAMES),
        parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
        outcome: z.string(),
        at: z.string(),
      }),
    )
    .optional(),
  recording: z.string().optional(),
  error: z.string().optional(),
  recordedAt: z.string(),
}) satisfies z.ZodType<RowResult>;

/** `attempts.0.sid: Invalid input...`: the first problem, for an error message. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
