/**
 * Picks the delimiter from a CSV's header line: the candidate that occurs most often
 * outside quotes. Spreadsheets in many European locales export ";" because "," is
 * their decimal separator; a single-column file has none and gets ",".
 */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (CSV_DELIMITERS as readonly string[]).includes(char)) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
  }
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const delimiter of CSV_DELIMITERS) {
    const count = counts.get(delimiter) ?? 0;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** The first physical line of a file's opening bytes (BOM removed), for detection. */
export function firstLine(openingText: string): string {
  const text = openingText.replace(/^\uFEFF/, '');
  const end = text.search(/[\r\n]/);
  return end === -1 ? text : text.slice(0, end);
}
