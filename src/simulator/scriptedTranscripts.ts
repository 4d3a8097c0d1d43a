import {
  type ClosingLanguage,
  type ClosingOutcome,
  closingSentence,
} from '../dispositions/closingSentences.js';
import type { TranscriptTurn } from './scenario.js';

/**
 * Realistic appointment-confirmation calls a scenario can name instead of writing a
 * transcript, so demos show every kind of ending and tests can drive each disposition
 * rule. The AI ends the connected calls with the exact closing sentence the default
 * rules read (closingSentences.ts); the patients' words are deliberately misleading
 * ("Ja, men jag kan inte komma ...") because real answers are.
 */
export const CALL_SCRIPTS = [
  'confirm',
  'reschedule',
  'cancel',
  'wrong_person',
  'opt_out',
  'voicemail',
  'silence',
] as const;
export type CallScript = (typeof CALL_SCRIPTS)[number];

/** Scripts are written in the languages the closing sentences exist in. */
export type ScriptLanguage = ClosingLanguage;
export const DEFAULT_SCRIPT_LANGUAGE: ScriptLanguage = 'sv';

/** The new time a rescheduling patient asks for when the scenario names none. */
export const DEFAULT_PROPOSED_TIME: Record<ScriptLanguage, string> = {
  sv: 'på fredag klockan nio',
  en: 'Friday at nine',
};

/** Only a confirmation reaches the call's goal; every other ending leaves work for the clinic. */
export function scriptReachesGoal(script: CallScript): boolean {
  return script === 'confirm';
}

/** Scripts where someone answers and talks with the AI. */
type ConversationScript = Exclude<CallScript, 'voicemail' | 'silence'>;

/** The closing sentence the AI ends each conversation with. */
const CLOSING_OF: Record<ConversationScript, ClosingOutcome> = {
  confirm: 'confirmed',
  reschedule: 'reschedule_requested',
  cancel: 'cancel_requested',
  wrong_person: 'wrong_person',
  opt_out: 'opted_out',
};

const OPENING: Record<ScriptLanguage, string> = {
  sv: 'Hej, jag ringer från kliniken för att bekräfta din tid på torsdag klockan tio. Passar det fortfarande?',
  en: "Hi, I'm calling from the clinic to confirm your appointment on Thursday at ten. Does that still work for you?",
};

/** What the patient answers, per script; `time` is the proposed time (reschedule only). */
const ANSWER: Record<ConversationScript, Record<ScriptLanguage, (time: string) => string>> = {
  confirm: {
    sv: () => 'Torsdag? Oj, det hade jag nästan glömt. Nej men jo, det går bra, jag kommer.',
    en: () => "Thursday? Oh no, I'd almost forgotten. No, no, that's fine, I'll be there.",
  },
  reschedule: {
    sv: (time) =>
      `Ja, men jag kan inte komma på torsdag, jag har fått ett möte på jobbet. Kan jag komma ${time} i stället?`,
    en: (time) =>
      `Yes, but I can't come on Thursday, something came up at work. Could I come ${time} instead?`,
  },
  cancel: {
    sv: () =>
      'Ja, tack för att ni ringer, men jag behöver inte tiden längre. Det har gått över av sig självt.',
    en: () => "Yes, thanks for calling, but I don't need the appointment anymore. It cleared up on its own.",
  },
  wrong_person: {
    sv: () => 'Ja, hallå? Nej, du har nog fått fel nummer. Jag har inte bokat någon tid hos er.',
    en: () => "Yes? Sorry, I think you've got the wrong number. I haven't booked anything with you.",
  },
  opt_out: {
    sv: () => 'Jag vet inte än. Men ring inte hit fler gånger, jag hör av mig själv när jag vill boka.',
    en: () => "I don't know yet. But please stop calling this number, I'll get in touch when I want to book.",
  },
};

/** The callee's recorded greeting: all a call that reaches voicemail hears. */
const VOICEMAIL_GREETING: Record<ScriptLanguage, string> = {
  sv: 'Hej, du har kommit till min röstbrevlåda. Jag kan inte svara just nu, men lämna ett meddelande efter tonen så ringer jag upp.',
  en: "Hi, you've reached my voicemail. I can't take your call right now, please leave a message after the tone.",
};

/** The turns of a scripted call, in order. */
export function scriptedTranscript(
  script: CallScript,
  language: ScriptLanguage = DEFAULT_SCRIPT_LANGUAGE,
  proposedTime: string = DEFAULT_PROPOSED_TIME[language],
): TranscriptTurn[] {
  if (script === 'silence') return [];
  // The AI hangs up on a voicemail without a word (the campaign asks it to).
  if (script === 'voicemail') return [{ role: 'user', text: VOICEMAIL_GREETING[language] }];
  return [
    { role: 'assistant', text: OPENING[language] },
    { role: 'user', text: ANSWER[script][language](proposedTime) },
    { role: 'assistant', text: closingSentence(CLOSING_OF[script], language, proposedTime) },
  ];
}
