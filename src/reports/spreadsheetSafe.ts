/**
 * CSV injection defence (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets
 * run a cell that starts with `=`, `+`, `-` or `@` as a formula, and tab, CR or LF can
 * smuggle one in, so such a cell gets a leading single quote and is shown as text.
 *
 * This includes every E.164 number: `+46701234567` is written `'+46701234567`. That is
 * deliberate; spreadsheets show the quote (or hide it as a text marker), and a program
 * reading results.csv should strip one leading `'` from `phone_e164`. Negative
 * numbers would get the quote too; our numeric columns are never negative.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n']);

export function spreadsheetSafe(value: string): string {
  return value.length > 0 && FORMULA_TRIGGERS.has(value[0] as string) ? `'${value}` : value;
}
