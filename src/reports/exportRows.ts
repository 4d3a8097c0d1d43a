import { join } from 'node:path';
import { dispositionDefinitions } from '../dispositions/defaultDispositions.js';
import type { DispositionDefinition } from '../dispositions/dispositionRules.js';
import { type ReportEntry, reportRecordOf } from './reportRecord.js';
import { ResultsCsvWriter, type TextSink } from './resultsCsvWriter.js';
import { resultsJsonlLine } from './resultsJsonl.js';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRowsInput {
  /** Every row of the campaign in input order, as the report reads them. */
  entries: AsyncIterable<ReportEntry>;
  /** The campaign's disposition rules (its manifest's); absent: the default set. */
  dispositions?: DispositionDefinition[];
  format: ExportFormat;
  /** Only rows with one of these dispositions; absent: every row, as results.csv / results.jsonl. */
  only?: ReadonlySet<string>;
  /** A folder for the CSV's scratch file (the header needs every row first); removed when done. */
  scratchDir: string;
}

/**
 * `cmc export`: the rows of results.csv or results.jsonl, all of them or those with some
 * dispositions, each record built and formatted by the very code the report uses
 * (reportRecordOf, ResultsCsvWriter, resultsJsonlLine), so an exported row reads the
 * same as in the report folder. Pending rows have no disposition: only a full export
 * has them. Returns how many rows went out.
 */
export async function exportRows(input: ExportRowsInput, out: TextSink): Promise<number> {
  const definitions = dispositionDefinitions(input.dispositions);
  const only = input.only;
  const csv =
    input.format === 'csv'
      ? await ResultsCsvWriter.create(join(input.scratchDir, 'export-csv.scratch'))
      : null;
  try {
    let rows = 0;
    for await (const entry of input.entries) {
      const record = reportRecordOf(entry, definitions);
      if (only !== undefined && (record.disposition === null || !only.has(record.disposition.disposition)))
        continue;
      rows += 1;
      if (csv === null) await out.write(resultsJsonlLine(record));
      else await csv.add(record);
    }
    await csv?.writeTo(out);
    return rows;
  } finally {
    await csv?.abort();
  }
}
