import { z } from 'zod';
import { FINAL_OUTCOMES } from '../results/rowResult.js';

/**
 * campaign.json's `dispositions`: an ordered list of named results for the clinic
 * (confirmed, reschedule_requested, ...), each with rules over what the call returned.
 * The first rule that matches, in file order, names the row's disposition; a row no
 * rule matches is `needs_review`, never guessed.
 */

/** The disposition of a row no rule matched: a person decides. */
export const NEEDS_REVIEW = 'needs_review';

export const SPEAKERS = ['assistant', 'user', 'anyone'] as const;
export const TURNS = ['last', 'any'] as const;

/** Longest pattern accepted: a rule, not a program. */
const MAX_PATTERN_CHARS = 2_000;

/** Flags every pattern is compiled with: case-insensitive, Unicode (å, ä, ö fold too). */
export const PATTERN_FLAGS = 'iu';

/** Why `pattern` cannot be compiled, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, PATTERN_FLAGS);
    return undefined;
  } catch (error) {
    return `invalid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const transcriptConditionSchema = z
  .strictObject({
    by: z.enum(SPEAKERS).default('anyone').meta({
      description: 'Whose words: the AI ("assistant"), the person called ("user"), or "anyone".',
    }),
    turn: z.enum(TURNS).default('any').meta({
      description: '"last": only that speaker\'s last turn; "any": any of their turns.',
    }),
    pattern: z
      .string()
      .min(1)
      .max(MAX_PATTERN_CHARS)
      .check((ctx) => {
        const problem = patternProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
      })
      .meta({
        description:
          'Regular expression, matched case-insensitively; a named group such as (?<proposed_time>...) is captured.',
      }),
  })
  .meta({ description: 'A pattern over the transcript.' });

const ruleSchema = z
  .strictObject({
    label: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .optional()
      .meta({ description: 'Shown as the rule that matched.' }),
    outcome: z
      .array(z.enum(FINAL_OUTCOMES))
      .min(1)
      .optional()
      .meta({ description: "The row's final outcome is one of these." }),
    status: z.array(z.string().min(1).max(40)).min(1).optional().meta({
      description: "The last attempt's call status is one of these (completed, busy, no-answer, ...).",
    }),
    goalCompleted: z.boolean().optional().meta({ description: "The call's summary.goal_completed." }),
    attempts: z
      .strictObject({ min: z.int().min(0).optional(), max: z.int().min(0).optional() })
      .optional()
      .meta({ description: 'Attempts used.' }),
    said: transcriptConditionSchema.optional(),
    notSaid: transcriptConditionSchema
      .optional()
      .meta({ description: 'A pattern no matching turn may contain.' }),
  })
  .meta({ description: 'Every condition given must hold; a rule with none matches every row.' });

const definitionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, {
        error: 'must be snake_case: a-z, 0-9 and _, starting with a letter',
      })
      .meta({ description: 'The disposition, e.g. "confirmed".' }),
    review: z.boolean().default(false).meta({
      description: "A person must act on these rows: they are listed in the report's review queue.",
    }),
    rules: z.array(ruleSchema).min(1).max(50),
  })
  .meta({ description: 'One named result and the rules that lead to it.' });

/** Built-in sets a campaign can name instead of writing rules. */
export const DISPOSITION_PRESETS = ['appointment-confirmation'] as const;
export type DispositionPreset = (typeof DISPOSITION_PRESETS)[number];

export const dispositionsSchema = z
  .union([z.enum(DISPOSITION_PRESETS), z.array(definitionSchema).min(1).max(50)])
  .meta({
    description:
      'What each row means for the clinic: a built-in set ("appointment-confirmation", the default) or an ordered list of named dispositions with rules; the first match wins, no match is needs_review. A name may appear more than once, to give its rules different priorities.',
  });

export type TranscriptCondition = z.output<typeof transcriptConditionSchema>;
export type DispositionRule = z.output<typeof ruleSchema>;
export type DispositionDefinition = z.output<typeof definitionSchema>;
export type DispositionsSetting = z.output<typeof dispositionsSchema>;
