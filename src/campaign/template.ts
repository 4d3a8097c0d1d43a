/**
 * Task templates: `Confirm {{first_name|there}}'s appointment on {{appointment_date}}`.
 * A placeholder names a CSV column (matched trimmed and case-insensitively); the
 * text after `|` is the default used when the row's value is empty. Parsed once per
 * campaign so every row renders without re-scanning the text.
 */
export interface Placeholder {
  /** The column name as written in the template. */
  readonly name: string;
  /** Lower-cased, trimmed name used to find the column. */
  readonly key: string;
  /** Used when the row's value is empty; undefined means "required". */
  readonly defaultValue?: string;
}

export interface Template {
  readonly source: string;
  /** Literal text and placeholders, in order. */
  readonly parts: ReadonlyArray<string | Placeholder>;
  readonly placeholders: readonly Placeholder[];
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const OPEN = '{{';
const CLOSE = '}}';

export function parseTemplate(source: string): Template {
  const parts: Array<string | Placeholder> = [];
  const placeholders: Placeholder[] = [];
  let position = 0;
  while (position < source.length) {
    const open = source.indexOf(OPEN, position);
    const strayClose = source.indexOf(CLOSE, position);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      throw new TemplateError(`"}}" at character ${strayClose + 1} has no matching "{{"`);
    }
    if (open === -1) {
      parts.push(source.slice(position));
      break;
    }
    if (open > position) parts.push(source.slice(position, open));
    const close = source.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) throw new TemplateError(`"{{" at character ${open + 1} is never closed with "}}"`);
    const placeholder = parsePlaceholder(source.slice(open + OPEN.length, close), open);
    parts.push(placeholder);
    placeholders.push(placeholder);
    position = close + CLOSE.length;
  }
  return { source, parts, placeholders };
}

function parsePlaceholder(body: string, offset: number): Placeholder {
  const bar = body.indexOf('|');
  const name = (bar === -1 ? body : body.slice(0, bar)).trim();
  if (name === '' || name.includes('{')) {
    throw new TemplateError(`placeholder "{{${body}}}" at character ${offset + 1} needs a column name`);
  }
  const key = name.toLowerCase();
  return bar === -1 ? { name, key } : { name, key, defaultValue: body.slice(bar + 1).trim() };
}

export type RenderResult = { ok: true; text: string } | { ok: false; missing: Placeholder[] };

/**
 * Renders with a row's values (looked up by placeholder key). CSV values are
 * collapsed to one line: they are spliced into the AI's instructions, and a stray
 * newline from a quoted field should not restructure the prompt.
 */
export function renderTemplate(
  template: Template,
  cellValue: (key: string) => string | undefined,
): RenderResult {
  let text = '';
  const missing: Placeholder[] = [];
  for (const part of template.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = (cellValue(part.key) ?? '').replace(/\s+/g, ' ').trim();
    if (value !== '') text += value;
    else if (part.defaultValue !== undefined) text += part.defaultValue;
    else if (!missing.some((earlier) => earlier.key === part.key)) missing.push(part);
  }
  return missing.length === 0 ? { ok: true, text } : { ok: false, missing };
}
