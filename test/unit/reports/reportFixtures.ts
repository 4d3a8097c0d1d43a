import { closingSentence } from '../../../src/dispositions/closingSentences.js';
import type { ReportableRow, ReportEntry } from '../../../src/reports/reportRecord.js';
import type {
  AttemptRecord,
  FinalOutcome,
  RowResult,
  TranscriptLine,
} from '../../../src/results/rowResult.js';

/** Small builders for hand-made contacts rows and results. */
export const CAMPAIGN = 'spring-recall';

export function contactRow(line: number, overrides: Partial<ReportableRow> = {}): ReportableRow {
  return {
    line,
    rowKey: `r${line}`,
    columns: { name: `Patient ${line}`, phone: `070-123 45 ${String(line).padStart(2, '0')}` },
    phoneE164: `+467012345${String(line).padStart(2, '0')}`,
    status: 'valid',
    ...overrides,
  };
}

export function attempt(n: number, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: n,
    clientRequestId: `${CAMPAIGN}:r:${n}`,
    sid: `CA${n}`,
    status: 'completed',
    startedAt: '2026-02-14T10:00:00.000Z',
    endedAt: '2026-02-14T10:01:00.000Z',
    durationS: 60,
    credits: 2,
    ...overrides,
  };
}

export function rowResult(
  row: ReportableRow,
  outcome: FinalOutcome,
  attempts: AttemptRecord[],
  overrides: Partial<RowResult> = {},
): RowResult {
  return {
    campaignId: CAMPAIGN,
    rowKey: row.rowKey,
    line: row.line,
    columns: row.columns,
    ...(row.phoneE164 === undefined ? {} : { phoneE164: row.phoneE164 }),
    outcome,
    attempts,
    recordedAt: '2026-02-14T10:05:00.000Z',
    ...overrides,
  };
}

export async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** Each row with what `results` holds for it, as the campaign store hands them to the report. */
export async function* entriesOf(
  rows: readonly ReportableRow[],
  results: MemoryResultsStore,
): AsyncGenerator<ReportEntry> {
  for (const row of rows) yield { row, result: results.byKey.get(row.rowKey) };
}

/** Row results by row key, for reports built from hand-made rows. */
export class MemoryResultsStore {
  readonly byKey = new Map<string, RowResult>();
  async record(result: RowResult) {
    this.byKey.set(result.rowKey, result);
  }
}

/**
 * A confirmation call as the simulator has it: six turns, each naming its line so tests
 * can tell rows apart, the AI's last one the closing sentence the default rules read as
 * `confirmed`.
 */
export function sixLineTranscript(line: number, tag = ''): TranscriptLine[] {
  const texts: Array<[string, string]> = [
    ['assistant', `Hello, this is Anna calling from Demo Clinic ${tag}about your appointment, line ${line}.`],
    ['user', `Yes, hi, this is patient ${line}. What is it about?`],
    ['assistant', `You have an appointment on March ${(line % 28) + 1} at 09:30. Can you make it?`],
    ['user', `Yes, I will be there, thank you for reminding me (row ${line}).`],
    ['assistant', closingSentence('confirmed', 'en')],
    ['user', 'Thanks, bye.'],
  ];
  return texts.map(([role, text], i) => ({ role, text, seq: i + 1 }));
}

/** `count` valid rows from line 2 on, each completed with a six-line transcript and a recording. */
export async function campaignWithTranscripts(
  count: number,
  tag = '',
): Promise<{ rows: ReportableRow[]; store: MemoryResultsStore }> {
  const store = new MemoryResultsStore();
  const rows: ReportableRow[] = [];
  for (let i = 0; i < count; i++) {
    const line = i + 2;
    const row: ReportableRow = {
      line,
      rowKey: `r${line.toString(16).padStart(16, '0')}`,
      columns: { name: `Patient ${line}`, phone: `070-${String(1_000_000 + line).slice(-7)}` },
      phoneE164: `+4670${String(1_000_000 + line).slice(-7)}`,
      status: 'valid',
    };
    rows.push(row);
    await store.record(
      rowResult(row, 'completed', [attempt(1, { sid: `CA${line}`, durationS: 40 + (line % 30) })], {
        goalCompleted: line % 3 !== 0,
        recording: `recordings/${row.rowKey}-1.mp3`,
        transcript: sixLineTranscript(line, tag),
      }),
    );
  }
  return { rows, store };
}

/** Text a hostile contact (or API) could put in a transcript: every way out of HTML, a script or a string. */
export const HOSTILE_TRANSCRIPT =
  '</script><script>window.__pwned=1</script><!-- <img src=x onerror="window.__pwned=2"> ' +
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal lookalike is part of the hostile text
  '\u2028\u2029"]);window.__pwned=3;//*/ \\ ${x} `tick` \ud83d\ude00 \ud800 &amp; <svg onload=alert(1)>';
