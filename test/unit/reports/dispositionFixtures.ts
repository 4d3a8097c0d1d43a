import { closingSentence } from '../../../src/dispositions/closingSentences.js';
import type { RowResult, TranscriptLine } from '../../../src/results/rowResult.js';
import type { StoredRow } from '../../../src/storage/preparedCampaignStore.js';
import { attempt, CAMPAIGN, contactRow, rowResult } from './reportFixtures.js';

/**
 * One campaign with a row of every kind the clinic sees a disposition for, as the
 * campaign store holds it (valid rows with their call), for the report and export tests.
 * Its idColumn is `booking_id`.
 */
export const ID_COLUMN = 'booking_id';
export const PROPOSED_TIME = 'på fredag klockan nio';
/** A captured value a hostile contact could get into a result: a formula and markup. */
export const HOSTILE_CAPTURED = '=HYPERLINK("http://evil.example","click") <script>alert(1)</script>';
export const HOSTILE_SAID = '</script><script>window.__pwned=1</script><img src=x onerror=alert(2)>';

/** Lines whose disposition puts them in the review queue, and those it does not. */
export const REVIEW_LINES = [2, 7, 8, 10];
export const OTHER_LINES = [3, 4, 5, 6, 9, 11];

function turns(...said: Array<[string, string]>): TranscriptLine[] {
  return said.map(([role, text], i) => ({ role, text, seq: i + 1 }));
}

function stored(line: number, overrides: Partial<StoredRow> = {}): StoredRow {
  const row = contactRow(line, overrides);
  const columns: Record<string, string> = { [ID_COLUMN]: `B-${1000 + line}`, ...row.columns };
  return {
    ...row,
    columns,
    ...(row.status === 'valid'
      ? {
          call: {
            maskedPhone: '+46 70•••••00',
            timezones: ['Europe/Stockholm'],
            task: `Confirm the appointment of ${columns.name}`,
            overrides: {},
          },
        }
      : {}),
  };
}

export function dispositionCampaign(): { rows: StoredRow[]; results: RowResult[] } {
  const rows = [
    stored(2),
    stored(3),
    stored(4, { status: 'invalid', column: 'phone', reason: 'not a phone number', phoneE164: undefined }),
    stored(5, { status: 'duplicate', duplicateOf: 2 }),
    stored(6), // no result yet: pending
    stored(7),
    stored(8),
    stored(9),
    stored(10),
    stored(11, { status: 'suppressed', reason: 'on the do-not-call list' }),
  ];
  const row = (line: number) => rows.find((r) => r.line === line) as StoredRow;
  const results = [
    // Written by a build before dispositions: classified when the report is written.
    rowResult(row(2), 'completed', [attempt(1)], {
      recording: 'recordings/r2-1.mp3',
      transcript: turns(
        ['assistant', 'Hej, jag ringer från kliniken om din tid på tisdag.'],
        ['user', 'Jag kan inte på tisdag, går det på fredag klockan nio?'],
        ['assistant', closingSentence('reschedule_requested', 'sv', PROPOSED_TIME)],
        ['user', 'Tack, hej då.'],
      ),
    }),
    // Written by this build: its stored disposition is the one shown, whatever the rules say now.
    rowResult(row(3), 'completed', [attempt(1)], {
      transcript: turns(['user', 'Yes, see you then.']),
      disposition: {
        disposition: 'confirmed',
        rule: "confirmed[1] AI's closing sentence (en)",
        review: false,
      },
    }),
    rowResult(row(7), 'unknown', [attempt(1, { status: 'in-progress' })], {
      error: 'no final status after 30 min',
    }),
    rowResult(row(8), 'completed', [attempt(1)], {
      recording: 'recordings/r8-1.mp3',
      transcript: turns(['assistant', 'Hello?'], ['user', HOSTILE_SAID]),
      disposition: {
        disposition: 'reschedule_requested',
        rule: 'reschedule_requested[1] <b>rule</b>',
        captured: { proposed_time: HOSTILE_CAPTURED },
        review: true,
      },
    }),
    rowResult(row(9), 'no-answer', [
      attempt(1, { status: 'no-answer', durationS: 0, credits: 0 }),
      attempt(2, { status: 'no-answer', durationS: 0, credits: 0 }),
    ]),
    rowResult(row(10), 'completed', [attempt(1)], {
      transcript: turns(['assistant', 'Hello, this is the clinic.'], ['user', 'Sluta ringa mig!']),
    }),
  ];
  return { rows, results };
}

export { CAMPAIGN };
