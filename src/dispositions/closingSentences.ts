/**
 * The sentence the AI ends each call with, one per outcome of an appointment
 * confirmation, in each language the default rules read. Words are treacherous
 * ("ja, men jag kan inte komma" starts with yes and means no), so the default task
 * asks the AI to say exactly one of these last, and the default rules read that
 * sentence rather than guess from the patient's words. One source: the prompt that
 * asks for them, the rules that match them and the simulator's scripts all read this.
 */
export const CLOSING_LANGUAGES = ['sv', 'en'] as const;
export type ClosingLanguage = (typeof CLOSING_LANGUAGES)[number];

export const CLOSING_OUTCOMES = [
  'confirmed',
  'reschedule_requested',
  'cancel_requested',
  'wrong_person',
  'opted_out',
] as const;
export type ClosingOutcome = (typeof CLOSING_OUTCOMES)[number];

/** `{proposed_time}` stands for the new time in the patient's own words. */
export const PROPOSED_TIME = '{proposed_time}';

export const CLOSING_SENTENCES: Record<ClosingOutcome, Record<ClosingLanguage, string>> = {
  confirmed: {
    sv: 'Tack, din tid är bekräftad.',
    en: 'Thank you, your appointment is confirmed.',
  },
  reschedule_requested: {
    sv: `Jag har noterat att du hellre vill komma ${PROPOSED_TIME}, och kliniken ringer upp för att boka om.`,
    en: `I have noted that you would prefer ${PROPOSED_TIME}, and the clinic will call you back to rebook.`,
  },
  cancel_requested: {
    sv: 'Jag har noterat att du vill avboka din tid.',
    en: 'I have noted that you want to cancel your appointment.',
  },
  wrong_person: {
    sv: 'Ursäkta, då har jag fått fel nummer. Ha en bra dag.',
    en: 'Sorry, I must have the wrong number. Have a good day.',
  },
  opted_out: {
    sv: 'Jag har noterat att du inte vill bli uppringd igen.',
    en: 'I have noted that you do not want to be called again.',
  },
};

/** The sentence for `outcome` in `language`, with the proposed time filled in. */
export function closingSentence(
  outcome: ClosingOutcome,
  language: ClosingLanguage,
  proposedTime = '',
): string {
  return CLOSING_SENTENCES[outcome][language].replace(PROPOSED_TIME, proposedTime);
}

/**
 * The instructions appended to every call's additional_prompt when a campaign uses the
 * default dispositions: which sentence ends which kind of call, word for word.
 */
export function closingInstructions(): string {
  const lines = CLOSING_OUTCOMES.map((outcome) => {
    const [sv, en] = CLOSING_LANGUAGES.map((language) => `"${CLOSING_SENTENCES[outcome][language]}"`);
    return `- ${WHEN[outcome]}: ${sv} (Swedish) or ${en} (English)`;
  });
  return [
    'End the call with exactly one of these sentences, word for word, in the language of the call, and say nothing after it:',
    ...lines,
    `Replace ${PROPOSED_TIME} with the day and time the patient asked for, in their own words.`,
    'If none of these fits, end the call politely without any of them.',
  ].join('\n');
}

const WHEN: Record<ClosingOutcome, string> = {
  confirmed: 'the patient will come at the booked time',
  reschedule_requested: 'the patient wants another time',
  cancel_requested: 'the patient wants to cancel and no new time',
  wrong_person: 'you did not reach the patient (wrong number or wrong person)',
  opted_out: 'the patient asks not to be called again',
};
