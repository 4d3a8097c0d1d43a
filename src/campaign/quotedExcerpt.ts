/**
 * The one way an error message quotes text from a file or a campaign setting: as a
 * JSON string literal, cut to MAX_EXCERPT_CHARS characters. Messages end up on
 * terminals, in reports and in Temporal history, so a file that is not what it
 * should be (an env dump, a key file) shows a short, inert excerpt, never its
 * whole content, and no control or bidi character reaches a terminal raw.
 */
export const MAX_EXCERPT_CHARS = 120;

/** Escaped beyond what JSON.stringify escapes: DEL, C1 controls, line/paragraph separators, bidi controls. */
const INVISIBLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function quotedExcerpt(text: string): string {
  const characters = Array.from(text.slice(0, 2 * MAX_EXCERPT_CHARS));
  const cut = characters.length > MAX_EXCERPT_CHARS || text.length > 2 * MAX_EXCERPT_CHARS;
  const shown = cut ? `${characters.slice(0, MAX_EXCERPT_CHARS).join('')}…` : text;
  const quoted = JSON.stringify(shown).replace(
    INVISIBLE,
    (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${quoted} (${Array.from(text).length} characters)` : quoted;
}
