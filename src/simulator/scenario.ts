import { z } from 'zod';
import { CLOSING_LANGUAGES } from '../dispositions/closingSentences.js';
import { mixEntryFor } from './scenarioMix.js';
import {
  CALL_SCRIPTS,
  DEFAULT_SCRIPT_LANGUAGE,
  scriptedTranscript,
  scriptReachesGoal,
} from './scriptedTranscripts.js';
import { E164 } from './startCallRequest.js';

/** Final statuses a scenario may script. */
export const FINAL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

const transcriptLineSchema = z.strictObject({
  role: z.enum(['assistant', 'user']),
  text: z.string(),
});

export const outcomeSchema = z
  .strictObject({
    /** Omitted: completed. */
    status: z.enum(FINAL_STATUSES).optional(),
    goal_completed: z.boolean().optional(),
    /** Connected (billed) simulated time; only meaningful for `completed`. */
    duration_ms: z.number().int().nonnegative().optional(),
    transcript: z.array(transcriptLineSchema).optional(),
    /** A ready-made conversation (scriptedTranscripts.ts) instead of a transcript. */
    script: z.enum(CALL_SCRIPTS).optional(),
    /** The script's language; default sv. */
    language: z.enum(CLOSING_LANGUAGES).optional(),
    /** The new time in the patient's words, for script `reschedule`. */
    proposed_time: z
      .string()
      .trim()
      .min(1)
      // The disposition rule reads the time up to the end of the sentence.
      .regex(/^[^.!?]+$/, { error: 'proposed_time must not contain . ! or ?' })
      .optional(),
  })
  .superRefine((outcome, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (outcome.script === undefined) {
      if (outcome.language !== undefined) problem('language', 'language is only used with a script');
      if (outcome.proposed_time !== undefined)
        problem('proposed_time', "proposed_time needs script 'reschedule'");
      return;
    }
    if (outcome.status !== undefined && outcome.status !== 'completed') {
      problem(
        'script',
        `a script is a conversation, so it needs status 'completed' (or none), not '${outcome.status}'`,
      );
    }
    if (outcome.transcript !== undefined) {
      problem('script', 'give either a script or a transcript, not both: the script writes the transcript');
    }
    if (outcome.proposed_time !== undefined && outcome.script !== 'reschedule') {
      problem('proposed_time', `proposed_time needs script 'reschedule', not '${outcome.script}'`);
    }
  });

/** One outcome, or a list used in order on successive calls to a number (the last repeats). */
const outcomeOrListSchema = z.union([outcomeSchema, z.array(outcomeSchema).min(1)]);

/** Float sums such as 0.1 + 0.2 + 0.7 land a hair above 1. */
const SHARE_TOLERANCE = 1e-9;

const mixEntrySchema = z.strictObject({
  /** The part of the called numbers, in (0, 1], that get this outcome. */
  share: z.number().positive().max(1),
  outcome: outcomeOrListSchema,
});

export const scenarioSchema = z.strictObject({
  default: outcomeOrListSchema.optional(),
  /** Each number falls (by a hash, the same every run) in one entry's share or, past them all, in default. */
  mix: z
    .array(mixEntrySchema)
    .min(1)
    .superRefine((mix, ctx) => {
      const total = mix.reduce((sum, entry) => sum + entry.share, 0);
      if (total > 1 + SHARE_TOLERANCE) {
        ctx.addIssue({ code: 'custom', message: `mix shares must sum to at most 1, these sum to ${total}` });
      }
    })
    .optional(),
  byNumber: z
    .record(z.string().regex(E164, { error: 'byNumber keys must be E.164 numbers' }), outcomeOrListSchema)
    .optional(),
});

export type Outcome = z.infer<typeof outcomeSchema>;
type OutcomeOrList = z.infer<typeof outcomeOrListSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

export interface TranscriptTurn {
  role: 'assistant' | 'user';
  text: string;
}

/** An outcome with every default filled in: what the lifecycle plays out. */
export interface PlannedOutcome {
  status: FinalStatus;
  goalCompleted: boolean;
  /** 0 for calls that never connect. */
  connectedMs: number;
  transcript: TranscriptTurn[];
}

export const DEFAULT_CONNECTED_MS = 30_000;

/** A plausible appointment confirmation: the default call when nothing is scripted. */
export function defaultTranscript(): TranscriptTurn[] {
  return [
    {
      role: 'assistant',
      text: "Hi, this is the booking assistant calling from the clinic. I'm calling to confirm your appointment on Thursday at 10:00.",
    },
    { role: 'user', text: 'Oh hi. Yes, Thursday at ten, that works.' },
    {
      role: 'assistant',
      text: "Great, you're confirmed for Thursday at 10:00. Is there anything else I can help with?",
    },
    { role: 'user', text: "No, that's all. Thanks for calling!" },
  ];
}

export function planOutcome(outcome: Outcome | undefined): PlannedOutcome {
  const status = outcome?.status ?? 'completed';
  if (status === 'completed') {
    const script = outcome?.script;
    return {
      status,
      goalCompleted: outcome?.goal_completed ?? (script === undefined || scriptReachesGoal(script)),
      connectedMs: outcome?.duration_ms ?? DEFAULT_CONNECTED_MS,
      transcript:
        outcome?.transcript ??
        (script === undefined
          ? defaultTranscript()
          : scriptedTranscript(script, outcome?.language ?? DEFAULT_SCRIPT_LANGUAGE, outcome?.proposed_time)),
    };
  }
  // Nobody answered, so nothing was said and no time was connected.
  return {
    status,
    goalCompleted: outcome?.goal_completed ?? false,
    connectedMs: 0,
    transcript: [],
  };
}

/** The scripted outcomes and how many calls each number has had since the script was set. */
export class ScenarioBook {
  private scenario: Scenario = {};
  private readonly callsPerNumber = new Map<string, number>();

  get current(): Scenario {
    return this.scenario;
  }

  set(scenario: Scenario): void {
    this.scenario = scenario;
    this.callsPerNumber.clear();
  }

  reset(): void {
    this.set({});
  }

  /** The outcome for the next call to `to`, advancing that number's position in a list. */
  next(to: string): PlannedOutcome {
    const spec = this.specFor(to);
    const index = this.callsPerNumber.get(to) ?? 0;
    this.callsPerNumber.set(to, index + 1);
    if (Array.isArray(spec)) return planOutcome(spec[Math.min(index, spec.length - 1)]);
    return planOutcome(spec);
  }

  /** A number's own script first, then its share of the mix, then the default. */
  private specFor(to: string): OutcomeOrList | undefined {
    const { byNumber, mix, default: fallback } = this.scenario;
    return byNumber?.[to] ?? (mix && mixEntryFor(mix, to)?.outcome) ?? fallback;
  }
}
