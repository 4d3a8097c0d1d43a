import { describe, expect, it } from 'vitest';
import { HttpError, parseBody } from '../../../src/simulator/http.js';
import { scenarioSchema } from '../../../src/simulator/scenario.js';

/** The admin API's answer to a PUT /_sim/scenario body, as the 400 would say it. */
function refusal(body: unknown): string {
  try {
    parseBody(scenarioSchema, body, 'scenario');
  } catch (error) {
    if (error instanceof HttpError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

describe('the scenario schema', () => {
  it.each([
    ['a script with no status (completed)', { default: { script: 'silence' } }],
    [
      'a script with status completed',
      { default: { status: 'completed', script: 'confirm', language: 'en' } },
    ],
    ['a reschedule with its time', { default: { script: 'reschedule', proposed_time: 'nästa måndag' } }],
    ['an outcome with no status at all', { default: { goal_completed: false } }],
    [
      'a mix whose float shares add up to a hair over 1',
      {
        mix: [
          { share: 0.1, outcome: { script: 'cancel' } },
          { share: 0.2, outcome: [{ status: 'busy' }, { script: 'confirm' }] },
          { share: 0.7, outcome: { status: 'no-answer' } },
        ],
      },
    ],
  ])('accepts %s', (_name, body) => {
    expect(scenarioSchema.safeParse(body).error).toBeUndefined();
  });

  it.each([
    [
      'a script together with a transcript',
      { default: { script: 'confirm', transcript: [{ role: 'user', text: 'Ja.' }] } },
      /^Invalid scenario: default\.script: give either a script or a transcript, not both/,
    ],
    [
      'a script on a busy call',
      { byNumber: { '+46700000001': [{ status: 'busy', script: 'confirm' }] } },
      /^Invalid scenario: byNumber\.\+46700000001\.0\.script: .*needs status 'completed' \(or none\), not 'busy'/,
    ],
    [
      'mix shares summing over 1',
      {
        mix: [
          { share: 0.6, outcome: { script: 'confirm' } },
          { share: 0.6, outcome: { script: 'cancel' } },
        ],
      },
      /^Invalid scenario: mix: mix shares must sum to at most 1, these sum to 1\.2$/,
    ],
    [
      'a share of 0',
      { mix: [{ share: 0, outcome: { script: 'confirm' } }] },
      /^Invalid scenario: mix\.0\.share: /,
    ],
    [
      'a bad script inside a mix entry',
      { mix: [{ share: 0.5, outcome: { status: 'no-answer', script: 'voicemail' } }] },
      /^Invalid scenario: mix\.0\.outcome\.script: .*not 'no-answer'/,
    ],
    [
      'a proposed time on a script that does not reschedule',
      { default: { script: 'confirm', proposed_time: 'på fredag' } },
      /^Invalid scenario: default\.proposed_time: proposed_time needs script 'reschedule', not 'confirm'/,
    ],
    [
      'a proposed time that ends a sentence early',
      { default: { script: 'reschedule', proposed_time: 'fredag. Eller lördag' } },
      /^Invalid scenario: default\.proposed_time: proposed_time must not contain/,
    ],
    [
      'a language without a script',
      { default: { status: 'completed', language: 'en' } },
      /^Invalid scenario: default\.language: language is only used with a script/,
    ],
    ['an unknown script', { default: { script: 'maybe' } }, /^Invalid scenario: default\.script: /],
    [
      'an unknown language',
      { default: { script: 'confirm', language: 'de' } },
      /^Invalid scenario: default\.language: /,
    ],
  ])('refuses %s, saying why', (_name, body, message) => {
    expect(refusal(body)).toMatch(message);
  });
});
