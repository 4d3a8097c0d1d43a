/**
 * RFC 4180 quoting: a field holding a comma, a double quote, CR or LF is wrapped in
 * double quotes, with each inner quote doubled. Records end with CRLF.
 */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV record, CRLF included. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
