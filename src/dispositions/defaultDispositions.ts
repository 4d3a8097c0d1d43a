import { NEVER_CALLED_OUTCOMES } from '../results/rowResult.js';
import {
  CLOSING_LANGUAGES,
  CLOSING_SENTENCES,
  type ClosingOutcome,
  PROPOSED_TIME,
} from './closingSentences.js';
import type {
  DispositionDefinition,
  DispositionPreset,
  DispositionRule,
  DispositionsSetting,
} from './dispositionRules.js';

/**
 * The built-in dispositions of an appointment confirmation, in Swedish and English.
 * Order matters, first match wins:
 * 1. the AI's closing sentence (closingSentences.ts), which the task makes predictable;
 *    an opt-out in the patient's own words outranks it (not calling again is the safe side);
 * 2. what the API says of the call (voicemail, no answer, failed, never called);
 * 3. a few unambiguous phrases of the patient (wrong number, a voicemail greeting).
 * Everything else is needs_review: "ja, men jag kan inte komma" is not a yes.
 */

/** A closing sentence as a pattern: any case, any spacing, the final full stop optional. */
function closingPattern(sentence: string): string {
  const escaped = sentence
    .replace(/[.!?]+$/, '')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  return escaped.replace(
    PROPOSED_TIME.replace(/[{}]/g, (c) => `\\${c}`),
    '(?<proposed_time>[^.!?]+?)',
  );
}

/** One rule per language (a pattern cannot name the same group twice on Node 20). */
function closingRules(outcome: ClosingOutcome): DispositionRule[] {
  return CLOSING_LANGUAGES.map((language) => ({
    label: `AI's closing sentence (${language})`,
    said: { by: 'assistant', turn: 'last', pattern: closingPattern(CLOSING_SENTENCES[outcome][language]) },
  }));
}

/** "sluta ringa", "ring inte" (but not "ring inte förrän ..."), "stop calling", "remove me". */
const OPT_OUT_WORDS =
  "\\b(?:sluta\\s+ring(?:a|er)|ring\\s+inte(?!\\s+(?:förrän|innan|före|just\\s+nu))|vill\\s+inte\\s+bli\\s+(?:upp)?ringd|stop\\s+calling|do\\s+not\\s+call|don'?t\\s+call\\s+(?:me|this\\s+number|again)|remove\\s+me|take\\s+me\\s+off)";

const WRONG_PERSON_WORDS =
  '\\b(?:fel\\s+(?:nummer|person)|ingen\\s+(?:här\\s+)?som\\s+heter|wrong\\s+(?:number|person)|no\\s+one\\s+(?:here\\s+)?(?:called|named|by\\s+that\\s+name)|nobody\\s+(?:here\\s+)?(?:called|named|by\\s+that\\s+name))';

const VOICEMAIL_GREETING =
  '\\b(?:lämna\\s+(?:ett\\s+)?meddelande|efter\\s+(?:tonen|pipet)|röstbrevlåda|kan\\s+inte\\s+svara\\s+just\\s+nu|leave\\s+(?:me\\s+)?a\\s+message|after\\s+the\\s+(?:tone|beep)|voicemail|not\\s+available\\s+to\\s+take)';

/** The disposition that puts a number on the suppression list, whatever rule set names it. */
export const OPTED_OUT = 'opted_out';

export const APPOINTMENT_CONFIRMATION: readonly DispositionDefinition[] = [
  {
    name: OPTED_OUT,
    review: true,
    rules: [
      ...closingRules('opted_out'),
      { label: "patient's words", said: { by: 'user', turn: 'any', pattern: OPT_OUT_WORDS } },
    ],
  },
  { name: 'wrong_person', review: false, rules: closingRules('wrong_person') },
  { name: 'cancel_requested', review: true, rules: closingRules('cancel_requested') },
  { name: 'reschedule_requested', review: true, rules: closingRules('reschedule_requested') },
  { name: 'confirmed', review: false, rules: closingRules('confirmed') },
  {
    name: 'voicemail',
    review: false,
    rules: [
      { label: 'call status', outcome: ['voicemail'] },
      {
        label: 'voicemail greeting',
        status: ['completed'],
        said: { by: 'user', turn: 'any', pattern: VOICEMAIL_GREETING },
      },
    ],
  },
  {
    name: 'wrong_person',
    review: false,
    rules: [{ label: "patient's words", said: { by: 'user', turn: 'any', pattern: WRONG_PERSON_WORDS } }],
  },
  {
    name: 'unreachable',
    review: false,
    rules: [{ label: 'no answer or busy after the last attempt', outcome: ['no-answer', 'busy'] }],
  },
  { name: 'failed', review: false, rules: [{ label: 'call failed', outcome: ['failed', 'rejected'] }] },
  {
    name: 'not_called',
    review: false,
    rules: [
      {
        label: 'never called',
        outcome: [...NEVER_CALLED_OUTCOMES],
      },
    ],
  },
];

/** The rules a campaign's `dispositions` setting stands for (absent: the appointment set). */
export function dispositionDefinitions(
  setting: DispositionsSetting | undefined,
): readonly DispositionDefinition[] {
  if (setting === undefined || typeof setting === 'string')
    return PRESETS[setting ?? 'appointment-confirmation'];
  return setting;
}

const PRESETS: Record<DispositionPreset, readonly DispositionDefinition[]> = {
  'appointment-confirmation': APPOINTMENT_CONFIRMATION,
};

/** The built-in set reads the AI's closing sentences, so its calls are asked to say them. */
export function usesClosingSentences(setting: DispositionsSetting | undefined): boolean {
  return setting === undefined || typeof setting === 'string';
}
