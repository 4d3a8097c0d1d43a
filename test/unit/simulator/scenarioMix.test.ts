import { describe, expect, it } from 'vitest';
import { type PlannedOutcome, ScenarioBook, scenarioSchema } from '../../../src/simulator/scenario.js';
import { mixEntryFor, numberPosition } from '../../../src/simulator/scenarioMix.js';

/** A book holding `scenario`, parsed as PUT /_sim/scenario would. */
function bookWith(scenario: unknown): ScenarioBook {
  const book = new ScenarioBook();
  book.set(scenarioSchema.parse(scenario));
  return book;
}

/** 2,000 numbers as alike as a contacts file's: one block of consecutive mobiles. */
const NUMBERS = Array.from({ length: 2_000 }, (_, i) => `+4670${String(1_234_000 + i)}`);

// Each entry is told apart by its connected time.
const MIX = {
  default: { duration_ms: 4_000 },
  mix: [
    { share: 0.5, outcome: { duration_ms: 1_000 } },
    { share: 0.2, outcome: { duration_ms: 2_000 } },
    { share: 0.1, outcome: { duration_ms: 3_000 } },
  ],
};
const SHARE_BY_MS: Record<number, number> = { 1000: 0.5, 2000: 0.2, 3000: 0.1, 4000: 0.2 };

describe('a scenario mix', () => {
  it('places a number at the same point of [0, 1) in every run', () => {
    // Pinned: a changed hash would silently reshuffle every saved demo scenario.
    expect(numberPosition('+46701740601')).toBeCloseTo(0.145237, 6);
    for (const number of NUMBERS.slice(0, 50)) {
      const position = numberPosition(number);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(1);
      expect(numberPosition(number)).toBe(position);
    }
  });

  it('gives each number the same entry in every book, roughly in proportion to the shares', () => {
    const first = bookWith(MIX);
    const second = bookWith(MIX);
    const counts = new Map<number, number>();
    for (const number of NUMBERS) {
      const { connectedMs } = first.next(number);
      expect(second.next(number).connectedMs).toBe(connectedMs);
      counts.set(connectedMs, (counts.get(connectedMs) ?? 0) + 1);
    }
    for (const [connectedMs, share] of Object.entries(SHARE_BY_MS)) {
      const seen = (counts.get(Number(connectedMs)) ?? 0) / NUMBERS.length;
      expect(Math.abs(seen - share), `share ${share}: saw ${seen}`).toBeLessThan(0.03);
    }
  });

  it('lays the shares end to end in order, the rest falling to none', () => {
    const mix = [{ share: 0.25 }, { share: 0.25 }];
    const low = NUMBERS.find((number) => numberPosition(number) < 0.25) as string;
    const middle = NUMBERS.find((number) => numberPosition(number) >= 0.25 && numberPosition(number) < 0.5);
    const high = NUMBERS.find((number) => numberPosition(number) >= 0.5) as string;
    expect(mixEntryFor(mix, low)).toBe(mix[0]);
    expect(mixEntryFor(mix, middle as string)).toBe(mix[1]);
    expect(mixEntryFor(mix, high)).toBeUndefined();
  });

  it('yields to byNumber, and falls back to default outside every share', () => {
    const mine = NUMBERS[0];
    const book = bookWith({
      default: { status: 'busy' },
      mix: [{ share: 1, outcome: { status: 'no-answer' } }],
      byNumber: { [mine]: { script: 'confirm' } },
    });
    expect(book.next(mine).status).toBe('completed');
    expect(book.next(NUMBERS[1]).status).toBe('no-answer');

    const half = bookWith({
      default: { status: 'busy' },
      mix: [{ share: 0.5, outcome: { status: 'no-answer' } }],
    });
    const outside = NUMBERS.find((number) => numberPosition(number) >= 0.5) as string;
    expect(half.next(outside).status).toBe('busy');
  });

  it("advances a mix entry's list per call to each number, the last repeating", () => {
    const book = bookWith({
      mix: [{ share: 1, outcome: [{ status: 'no-answer' }, { status: 'busy' }, { script: 'cancel' }] }],
    });
    const calls = (number: string): PlannedOutcome['status'][] =>
      [1, 2, 3, 4].map(() => book.next(number).status);
    expect(calls(NUMBERS[0])).toEqual(['no-answer', 'busy', 'completed', 'completed']);
    expect(calls(NUMBERS[1])).toEqual(['no-answer', 'busy', 'completed', 'completed']);
  });
});
