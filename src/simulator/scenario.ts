import { z } from 'zod';
import { E164 } from './startCallRequest.js';

/** Final statuses a scenario may script. */
export const FINAL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

const transcriptLineSchema = z.strictObject({
  role: z.enum(['assistant', 'user']),
  text: z.string(),
});

export const outcomeSchema = z.strictObject({
  status: z.enum(FINAL_STATUSES),
  goal_completed: z.boolean().optional(),
  /** Connected (billed) simulated time; only meaningful for `completed`. */
  duration_ms: z.number().int().nonnegative().optional(),
  transcript: z.array(transcriptLineSchema).optional(),
});

/** One outcome, or a list used in order on successive calls to a number (the last repeats). */
const outcomeOrListSchema = z.union([outcomeSchema, z.array(outcomeSchema).min(1)]);

export const scenarioSchema = z.strictObject({
  default: outcomeOrListSchema.optional(),
  byNumber: z
    .record(z.string().regex(E164, { error: 'byNumber keys must be E.164 numbers' }), outcomeOrListSchema)
    .optional(),
});

export type Outcome = z.infer<typeof outcomeSchema>;
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
  if (outcome === undefined || outcome.status === 'completed') {
    return {
      status: 'completed',
      goalCompleted: outcome?.goal_completed ?? true,
      connectedMs: outcome?.duration_ms ?? DEFAULT_CONNECTED_MS,
      transcript: outcome?.transcript ?? defaultTranscript(),
    };
  }
  // Nobody answered, so nothing was said and no time was connected.
  return {
    status: outcome.status,
    goalCompleted: outcome.goal_completed ?? false,
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
    const spec = this.scenario.byNumber?.[to] ?? this.scenario.default;
    const index = this.callsPerNumber.get(to) ?? 0;
    this.callsPerNumber.set(to, index + 1);
    if (Array.isArray(spec)) return planOutcome(spec[Math.min(index, spec.length - 1)]);
    return planOutcome(spec);
  }
}
