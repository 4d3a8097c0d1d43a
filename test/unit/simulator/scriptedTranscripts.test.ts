import { describe, expect, it } from 'vitest';
import { type CallFacts, classifyDisposition } from '../../../src/dispositions/classifyDisposition.js';
import { CLOSING_LANGUAGES, closingSentence } from '../../../src/dispositions/closingSentences.js';
import { APPOINTMENT_CONFIRMATION } from '../../../src/dispositions/defaultDispositions.js';
import { type Outcome, planOutcome } from '../../../src/simulator/scenario.js';
import {
  CALL_SCRIPTS,
  type CallScript,
  DEFAULT_PROPOSED_TIME,
} from '../../../src/simulator/scriptedTranscripts.js';

/** What each script must come out as under the default appointment rules. */
const INTENDED: Record<CallScript, string> = {
  confirm: 'confirmed',
  reschedule: 'reschedule_requested',
  cancel: 'cancel_requested',
  wrong_person: 'wrong_person',
  opt_out: 'opted_out',
  voicemail: 'voicemail',
  silence: 'needs_review',
};

/** The facts the engine would record for one answered call played out as `outcome`. */
function factsOf(outcome: Outcome): CallFacts {
  const plan = planOutcome(outcome);
  return {
    outcome: plan.status,
    status: plan.status,
    attempts: 1,
    goalCompleted: plan.goalCompleted,
    transcript: plan.transcript,
  };
}

const EVERY_SCRIPT = CLOSING_LANGUAGES.flatMap((language) =>
  CALL_SCRIPTS.map((script) => [script, language] as const),
);

describe('scripted transcripts', () => {
  it.each(EVERY_SCRIPT)('%s (%s) gets its intended disposition', (script, language) => {
    const result = classifyDisposition(APPOINTMENT_CONFIRMATION, factsOf({ script, language }));
    expect(result.disposition).toBe(INTENDED[script]);
    if (script === 'reschedule')
      expect(result.captured).toEqual({ proposed_time: DEFAULT_PROPOSED_TIME[language] });
  });

  it.each([
    ['sv', 'nästa tisdag efter lunch'],
    ['en', 'any morning the week after next'],
  ] as const)('a %s reschedule captures the time the scenario gave', (language, time) => {
    const facts = factsOf({ script: 'reschedule', language, proposed_time: time });
    expect(classifyDisposition(APPOINTMENT_CONFIRMATION, facts).captured).toEqual({ proposed_time: time });
    expect(facts.transcript[1]?.text).toContain(time);
  });

  it('ends each conversation with exactly the closing sentence, and a voicemail with the greeting alone', () => {
    for (const language of CLOSING_LANGUAGES) {
      const lastTurn = (script: CallScript) => planOutcome({ script, language }).transcript.at(-1);
      expect(lastTurn('confirm')).toEqual({
        role: 'assistant',
        text: closingSentence('confirmed', language),
      });
      expect(lastTurn('reschedule')).toEqual({
        role: 'assistant',
        text: closingSentence('reschedule_requested', language, DEFAULT_PROPOSED_TIME[language]),
      });
      expect(lastTurn('opt_out')).toEqual({
        role: 'assistant',
        text: closingSentence('opted_out', language),
      });
      const voicemail = planOutcome({ script: 'voicemail', language }).transcript;
      expect(voicemail.map((turn) => turn.role)).toEqual(['user']);
    }
  });

  it('writes Swedish unless told otherwise, starting the reschedule with a misleading yes', () => {
    const [, answer] = planOutcome({ script: 'reschedule' }).transcript;
    expect(answer).toEqual({ role: 'user', text: expect.stringMatching(/^Ja, men jag kan inte komma /) });
  });

  it('plays silence as an answered call with nothing said, not the default conversation', () => {
    expect(planOutcome({ script: 'silence' })).toMatchObject({
      status: 'completed',
      transcript: [],
      goalCompleted: false,
    });
  });

  it('reaches the goal only on a confirmation, unless the scenario says otherwise', () => {
    const goals = CALL_SCRIPTS.map((script) => [script, planOutcome({ script }).goalCompleted]);
    expect(Object.fromEntries(goals)).toEqual({
      confirm: true,
      reschedule: false,
      cancel: false,
      wrong_person: false,
      opt_out: false,
      voicemail: false,
      silence: false,
    });
    expect(planOutcome({ script: 'confirm', goal_completed: false }).goalCompleted).toBe(false);
    expect(planOutcome({ script: 'reschedule', goal_completed: true }).goalCompleted).toBe(true);
  });
});
