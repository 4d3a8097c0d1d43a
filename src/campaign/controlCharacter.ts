/**
 * Control characters in campaign text (CSV cells, header names, file names): NUL and
 * the other C0 controls, DEL and the C1 controls. Tab, CR and LF are ordinary text in
 * a CSV cell (a quoted field may hold line breaks). The rest never belongs in a
 * contact's data: a NUL cuts strings short in other tools, an ESC rewrites the
 * operator's terminal, and either ends up in the AI's instructions.
 */
export interface ControlCharacter {
  /** 1-based position in the text, in characters as an editor counts them. */
  position: number;
  /** "U+0000" */
  codePoint: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function firstControlCharacter(text: string): ControlCharacter | undefined {
  const match = CONTROL.exec(text);
  if (match === null) return undefined;
  const char = match[0];
  return {
    position: Array.from(text.slice(0, match.index)).length + 1,
    codePoint: `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`,
  };
}
