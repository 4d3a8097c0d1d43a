import { describe, expect, it } from 'vitest';
import { describeCampaignIssues } from '../../../src/campaign/campaignIssues.js';
import { campaignSchema } from '../../../src/campaign/campaignSchema.js';
import { type CallFacts, classifyDisposition } from '../../../src/dispositions/classifyDisposition.js';
import { closingSentence } from '../../../src/dispositions/closingSentences.js';
import { APPOINTMENT_CONFIRMATION } from '../../../src/dispositions/defaultDispositions.js';
import { dispositionsSchema } from '../../../src/dispositions/dispositionRules.js';
import { campaignWith } from '../campaign/campaignFixture.js';

const ai = (text: string) => ({ role: 'assistant', text });
const patient = (text: string) => ({ role: 'user', text });
const opening = ai(
  'Hej, jag ringer från kliniken för att bekräfta din tid på torsdag klockan tio. Kan du komma?',
);

function completed(...transcript: CallFacts['transcript']): CallFacts {
  return { outcome: 'completed', status: 'completed', attempts: 1, goalCompleted: true, transcript };
}

/** Transcripts where the patient's words mislead, and what the default rules must make of them. */
const TRICKY: Array<[string, CallFacts, string, Record<string, string>?]> = [
  [
    '"ja, men jag kan inte komma" ends with a reschedule sentence',
    completed(
      opening,
      patient('Ja, men jag kan inte komma på torsdag. Går det på fredag förmiddag?'),
      ai(closingSentence('reschedule_requested', 'sv', 'på fredag förmiddag')),
    ),
    'reschedule_requested',
    { proposed_time: 'på fredag förmiddag' },
  ],
  [
    'a plain "ja" with no closing sentence is not a confirmation',
    completed(opening, patient('Ja.'), ai('Okej, hej då.')),
    'needs_review',
  ],
  [
    'a negated cancel ("nej, jag vill inte avboka") followed by the confirmation',
    completed(
      opening,
      patient('Nej nej, jag vill inte avboka, jag kommer.'),
      ai(closingSentence('confirmed', 'sv')),
    ),
    'confirmed',
  ],
  [
    'the AI asking a question that contains the cancel words is not a cancel',
    completed(
      opening,
      patient('Hmm, jag vet inte.'),
      ai('Vill du att jag noterar att du vill avboka din tid?'),
      patient('Jag ringer tillbaka.'),
    ),
    'needs_review',
  ],
  [
    'a confirmation earlier in the call, then a cancel: the last sentence decides',
    completed(
      opening,
      patient('Yes... actually no, I need to cancel.'),
      ai(closingSentence('confirmed', 'en')),
      patient('No wait, cancel it please.'),
      ai(closingSentence('cancel_requested', 'en')),
    ),
    'cancel_requested',
  ],
  [
    'English reschedule with the time as the patient said it',
    completed(
      ai('Hi, I am calling to confirm your appointment on Thursday at 10.'),
      patient("I can't do Thursday, could we do next Monday after lunch?"),
      ai(closingSentence('reschedule_requested', 'en', 'next Monday after lunch')),
    ),
    'reschedule_requested',
    { proposed_time: 'next Monday after lunch' },
  ],
  [
    '"sluta ringa mig" outranks a confirmation',
    completed(
      opening,
      patient('Ja ja, men sluta ringa mig hela tiden.'),
      ai(closingSentence('confirmed', 'sv')),
    ),
    'opted_out',
  ],
  [
    '"ring inte förrän efter lunch" is not an opt-out',
    completed(
      opening,
      patient('Ring inte förrän efter lunch nästa gång. Men ja, jag kommer.'),
      ai(closingSentence('confirmed', 'sv')),
    ),
    'confirmed',
  ],
  [
    '"don’t call me again" with a typographic apostrophe',
    completed(opening, patient('Please don’t call me again.'), ai('Okay, goodbye.')),
    'opted_out',
  ],
  [
    '"fel nummer?" asked, then confirmed: the closing sentence wins',
    completed(
      opening,
      patient('Fel nummer? Nej, det är jag. Jag kommer.'),
      ai(closingSentence('confirmed', 'sv')),
    ),
    'confirmed',
  ],
  [
    "wrong person in the patient's words, no closing sentence",
    completed(opening, patient("Sorry, there's nobody here called Anna."), ai('Oh, sorry to bother you.')),
    'wrong_person',
  ],
  [
    'a Swedish voicemail greeting on a completed call',
    completed(patient('Hej, du har kommit till Annas röstbrevlåda. Lämna ett meddelande efter tonen.')),
    'voicemail',
  ],
  [
    'an English voicemail greeting',
    completed(
      patient(
        "You've reached Sam. I'm not available to take your call, please leave a message after the beep.",
      ),
    ),
    'voicemail',
  ],
  [
    'the closing sentence with different case and spacing, without its full stop',
    completed(opening, patient('Ja.'), ai('Toppen!  tack, DIN tid är bekräftad')),
    'confirmed',
  ],
  ['silence: a completed call with no transcript', completed(), 'needs_review'],
];

describe('the default appointment dispositions', () => {
  it.each(TRICKY)('%s', (_name, facts, expected, captured) => {
    const result = classifyDisposition(APPOINTMENT_CONFIRMATION, facts);
    expect(result.disposition).toBe(expected);
    if (captured) expect(result.captured).toEqual(captured);
  });

  it.each([
    ['no-answer', 'unreachable'],
    ['busy', 'unreachable'],
    ['voicemail', 'voicemail'],
    ['failed', 'failed'],
    ['rejected', 'failed'],
    ['not_called_budget', 'not_called'],
    ['invalid', 'not_called'],
    ['unknown', 'needs_review'],
  ])('an outcome of %s is %s', (outcome, expected) => {
    expect(
      classifyDisposition(APPOINTMENT_CONFIRMATION, { outcome, attempts: 2, transcript: [] }).disposition,
    ).toBe(expected);
  });

  it('names the rule that matched and sends review dispositions to the queue', () => {
    const result = classifyDisposition(
      APPOINTMENT_CONFIRMATION,
      completed(opening, ai(closingSentence('cancel_requested', 'sv'))),
    );
    expect(result).toEqual({
      disposition: 'cancel_requested',
      rule: "cancel_requested[0] AI's closing sentence (sv)",
      review: true,
    });
    expect(classifyDisposition(APPOINTMENT_CONFIRMATION, completed()).review).toBe(true);
    expect(
      classifyDisposition(APPOINTMENT_CONFIRMATION, { outcome: 'busy', attempts: 2, transcript: [] }).review,
    ).toBe(false);
  });
});

describe('custom disposition rules', () => {
  it('accept the built-in set written out, so every default pattern compiles', () => {
    expect(dispositionsSchema.safeParse(APPOINTMENT_CONFIRMATION).error).toBeUndefined();
  });

  const config = (dispositions: unknown) => campaignSchema.safeParse(campaignWith({ dispositions }));

  it('match on goal_completed, attempts and what was not said, in file order', () => {
    const parsed = config([
      { name: 'second_try_yes', rules: [{ goalCompleted: true, attempts: { min: 2 } }] },
      {
        name: 'yes',
        rules: [{ goalCompleted: true, notSaid: { by: 'user', pattern: '\\bmaybe\\b' } }],
      },
    ]);
    if (!parsed.success) throw parsed.error;
    const rules = parsed.data.dispositions;
    if (typeof rules === 'string' || rules === undefined) throw new Error('expected rules');
    const facts = completed(patient('Yes I will come'));
    expect(classifyDisposition(rules, facts).disposition).toBe('yes');
    expect(classifyDisposition(rules, { ...facts, attempts: 2 }).disposition).toBe('second_try_yes');
    expect(classifyDisposition(rules, completed(patient('maybe'))).disposition).toBe('needs_review');
    expect(classifyDisposition(rules, { ...facts, goalCompleted: false }).rule).toBe('none matched');
  });

  it('refuse a bad pattern, naming where it is', () => {
    const parsed = config([{ name: 'x', rules: [{ said: { pattern: '(?<time>unclosed' } }] }]);
    expect(parsed.success).toBe(false);
    const issues = describeCampaignIssues(parsed.error?.issues ?? [], campaignSchema);
    expect(issues).toEqual([
      {
        path: 'dispositions[0].rules[0].said.pattern',
        message: expect.stringMatching(/^invalid regular expression: /),
      },
    ]);
  });

  it('refuse names that are not snake_case and unknown outcomes', () => {
    expect(config([{ name: 'Confirmed!', rules: [{}] }]).success).toBe(false);
    expect(config([{ name: 'x', rules: [{ outcome: ['answered'] }] }]).success).toBe(false);
    expect(config('appointment-confirmation').success).toBe(true);
    expect(config('other-preset').success).toBe(false);
  });
});
