import { describe, expect, it } from 'vitest';
import { RowSet } from '../../../src/engine/rowSet.js';

describe('RowSet', () => {
  it('says whether a row is in it, and adds each row once', () => {
    const rows = RowSet.empty();
    expect(rows.has(0)).toBe(false);
    expect(rows.add(0)).toBe(true);
    expect(rows.add(0)).toBe(false);
    expect(rows.add(13)).toBe(true);
    expect([0, 1, 12, 13, 14, 1_000].map((i) => rows.has(i))).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
  });

  it('survives its JSON form, for continue-as-new, at every length', () => {
    for (const count of [1, 2, 3, 7, 8, 9, 23, 24, 25, 100]) {
      const rows = RowSet.empty();
      const members = Array.from({ length: count }, (_, i) => i * 3 + (i % 2));
      for (const index of members) rows.add(index);
      const back = RowSet.fromJSON(JSON.parse(JSON.stringify(rows)));
      const max = members.at(-1) as number;
      for (let i = 0; i <= max + 9; i++) expect(back.has(i), `${count}:${i}`).toBe(members.includes(i));
    }
  });

  it('is the same as Node would write in base64', () => {
    const rows = RowSet.empty();
    for (const index of [0, 5, 9, 16, 17, 30]) rows.add(index);
    const bytes = Buffer.from([0b0010_0001, 0b0000_0010, 0b0000_0011, 0b0100_0000]);
    expect(rows.toJSON()).toBe(bytes.toString('base64'));
  });

  it('stays small: 100,000 finished rows take 12.5 KB as bytes, under 17 KB as text', () => {
    const rows = RowSet.empty();
    for (let i = 0; i < 100_000; i++) rows.add(i);
    expect(rows.toJSON().length).toBeLessThan(17_000);
    expect(RowSet.fromJSON(rows.toJSON()).has(99_999)).toBe(true);
  });

  it('reads an older carry without the set as empty, and refuses a negative index', () => {
    expect(RowSet.fromJSON(undefined).has(0)).toBe(false);
    expect(() => RowSet.empty().add(-1)).toThrow(RangeError);
  });
});
