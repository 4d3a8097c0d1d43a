import {
  type DispositionDefinition,
  type DispositionRule,
  NEEDS_REVIEW,
  PATTERN_FLAGS,
  type TranscriptCondition,
} from './dispositionRules.js';

/** What the rules read of a row's end. */
export interface CallFacts {
  /** The row's final outcome (completed, no-answer, ...). */
  outcome: string;
  /** The last attempt's call status, as the API reported it. */
  status?: string;
  attempts: number;
  goalCompleted?: boolean;
  transcript: readonly { role: string; text: string }[];
}

export interface Disposition {
  disposition: string;
  /** Which rule decided, e.g. `reschedule_requested[0] AI's closing sentence`; `none` for needs_review by default. */
  rule: string;
  /** Named groups of the matching pattern, e.g. `{ proposed_time: "på fredag klockan nio" }`. */
  captured?: Record<string, string>;
  /** A person must act on the row. */
  review: boolean;
}

/** The first rule that matches names the disposition; no match is needs_review. Pure. */
export function classifyDisposition(
  definitions: readonly DispositionDefinition[],
  facts: CallFacts,
): Disposition {
  const turns = facts.transcript.map((turn) => ({ role: turn.role, text: normalized(turn.text) }));
  for (const definition of definitions) {
    for (const [index, rule] of definition.rules.entries()) {
      const captured = match(rule, facts, turns);
      if (captured === undefined) continue;
      return {
        disposition: definition.name,
        rule: `${definition.name}[${index}]${rule.label ? ` ${rule.label}` : ''}`,
        ...(Object.keys(captured).length > 0 ? { captured } : {}),
        review: isReview(definitions, definition.name),
      };
    }
  }
  return { disposition: NEEDS_REVIEW, rule: 'none matched', review: true };
}

/** Whether rows with this disposition go to the review queue (needs_review always does). */
export function isReview(definitions: readonly DispositionDefinition[], name: string): boolean {
  return (
    name === NEEDS_REVIEW || definitions.some((definition) => definition.name === name && definition.review)
  );
}

type Turn = { role: string; text: string };

/** The captured groups when every condition holds (an empty object for none), else undefined. */
function match(
  rule: DispositionRule,
  facts: CallFacts,
  turns: readonly Turn[],
): Record<string, string> | undefined {
  if (rule.outcome && !rule.outcome.includes(facts.outcome as never)) return undefined;
  if (rule.status && (facts.status === undefined || !rule.status.includes(facts.status))) return undefined;
  if (rule.goalCompleted !== undefined && facts.goalCompleted !== rule.goalCompleted) return undefined;
  if (rule.attempts?.min !== undefined && facts.attempts < rule.attempts.min) return undefined;
  if (rule.attempts?.max !== undefined && facts.attempts > rule.attempts.max) return undefined;
  if (rule.notSaid && find(rule.notSaid, turns) !== undefined) return undefined;
  if (!rule.said) return {};
  const found = find(rule.said, turns);
  if (found === undefined) return undefined;
  const captured: Record<string, string> = {};
  for (const [name, value] of Object.entries(found.groups ?? {})) {
    if (value !== undefined && value.trim() !== '') captured[name] = value.trim();
  }
  return captured;
}

function find(condition: TranscriptCondition, turns: readonly Turn[]): RegExpExecArray | undefined {
  const spoken = condition.by === 'anyone' ? turns : turns.filter((turn) => turn.role === condition.by);
  const candidates = condition.turn === 'last' ? spoken.slice(-1) : spoken;
  const pattern = compiled(condition.pattern);
  for (const turn of candidates) {
    const found = pattern.exec(turn.text);
    if (found) return found;
  }
  return undefined;
}

const cache = new Map<string, RegExp>();

/** Patterns are checked when the campaign is loaded; compiled once per worker. */
function compiled(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, PATTERN_FLAGS);
    cache.set(pattern, regex);
  }
  return regex;
}

/** Speech-to-text varies in apostrophes and spacing: "don’t  call" reads as "don't call". */
function normalized(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
