/**
 * CSV injection defence (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets
 * run a cell that starts with `=`, `+`, `-` or `@` as a formula, and tab, CR or LF can
 * smuggle one in, so such a cell gets a leading single quote and is shown as text.
 * Spreadsheets skip leading blanks before they look for a formula, so `  =1+1` counts
 * too: the first character that is not whitespace decides.
 *
 * This includes every E.164 number: `+46701234567` is written `'+46701234567`. That is
 * deliberate; spreadsheets show the quote (or hide it as a text marker), and a program
 * reading results.csv should strip one leading `'` from `phone_e164`. Negative
 * numbers would get the quote too; our numeric columns are never negative.
 */
const STARTS_A_FORMULA = /^[\t\r\n]|^\s*[=+\-@]/;

export function spreadsheetSafe(value: string): string {
  return STARTS_A_FORMULA.test(value) ? `'${value}` : value;
}
