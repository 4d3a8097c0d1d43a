import { describe, expect, it } from 'vitest';
import { MAX_EXCERPT_CHARS, quotedExcerpt } from '../../../src/campaign/quotedExcerpt.js';

describe('quotedExcerpt', () => {
  it('quotes short text as JSON', () => {
    expect(quotedExcerpt('070-17406')).toBe('"070-17406"');
    expect(quotedExcerpt('say "hi" \\ there')).toBe('"say \\"hi\\" \\\\ there"');
    expect(quotedExcerpt('')).toBe('""');
  });

  it(`cuts long text to ${MAX_EXCERPT_CHARS} characters and says how long it was`, () => {
    const secret = `KEY=${'s'.repeat(10_000)}`;
    const excerpt = quotedExcerpt(secret);
    expect(excerpt).toBe(`"KEY=${'s'.repeat(MAX_EXCERPT_CHARS - 4)}…" (10004 characters)`);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const excerpt = quotedExcerpt('😀'.repeat(200));
    expect(excerpt).toBe(`"${'😀'.repeat(MAX_EXCERPT_CHARS)}…" (200 characters)`);
  });

  it('escapes control, bidi and separator characters so none reaches a terminal raw', () => {
    const hostile = 'a\u0000b\u001b[31mc\rd\ne\u007ff\u0085g\u202eh\u2028i\tj';
    const excerpt = quotedExcerpt(hostile);
    expect(excerpt).toBe('"a\\u0000b\\u001b[31mc\\rd\\ne\\u007ff\\u0085g\\u202eh\\u2028i\\tj"');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there are none.
    expect(excerpt).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/);
  });
});
