import { CONSENT_YES_VALUES, type ConsentCell, readConsentCell } from '../compliance/consentCell.js';
import { maskPhoneParts } from '../reports/maskPhone.js';
import { parseOverride } from './callOverrides.js';
import type { CampaignConfig } from './campaignSchema.js';
import type { ContactRow, RowProblem } from './contactRow.js';
import type { ContactsHeader } from './contactsHeader.js';
import { firstControlCharacter } from './controlCharacter.js';
import type { CsvRecord } from './csvRecords.js';
import { normalizePhoneNumber } from './phoneNumber.js';
import { quotedExcerpt } from './quotedExcerpt.js';
import { checkIdRowKey, lineRowKey, phoneRowKey } from './rowKey.js';
import type { SuppressionEntry } from './suppressionList.js';
import { renderTemplate, type Template } from './template.js';
import { resolveTimeZone } from './timeZone.js';

/**
 * Decides what happens to each data row, in file order, and why:
 *  1. invalid: any problem with the row itself (a control character in any cell,
 *     number, id, template values, override cells, time zone); every problem is
 *     listed, the first is the reason;
 *  2. suppressed: the number is on a suppression list;
 *     no_consent: consent.required and the row's consent cell is empty or no;
 *  3. duplicate: (dedupe "phone") an earlier VALID row has the same number, so
 *     that row is called and this one is reported as "duplicate of line N";
 *  4. valid: called.
 * State (numbers and ids seen) is one map entry per distinct value, not per row.
 */
export interface RowClassifierContext {
  header: ContactsHeader;
  config: CampaignConfig;
  suppression: ReadonlyMap<string, SuppressionEntry>;
  rowKeySecret: string;
}

export type RowClassifier = (record: CsvRecord) => ContactRow;

export function createRowClassifier({
  header,
  config,
  suppression,
  rowKeySecret,
}: RowClassifierContext): RowClassifier {
  // Per distinct number, kept small (numbers, not objects) since it grows with the file:
  // the line of the row called for it, or 0 when its first row was not called (suppressed),
  // and, only for numbers on more than one row, how many rows have had a key derived from it.
  const firstLineOf = new Map<string, number>();
  const rowsKeyedFor = new Map<string, number>();
  /** idColumn value -> first line using it. */
  const ids = new Map<string, number>();
  const { names } = header;
  // The templates look cells up by placeholder key; one lookup function for the whole file
  // (reading the row being classified) rather than a new closure per row.
  let rowFields: string[] = [];
  const cellValue = (key: string) => cellAt(rowFields, header.indexByKey.get(key));

  return (record) => {
    const { line, fields } = record;
    rowFields = fields;
    const columns: Record<string, string> = {};
    for (let index = 0; index < names.length; index++) {
      if (names[index] !== '') columns[names[index]] = fields[index] ?? '';
    }

    const problems: RowProblem[] = [];
    for (let index = 0; index < fields.length; index++) {
      const control = firstControlCharacter(fields[index]);
      if (control === undefined) continue;
      problems.push({
        code: 'control-character',
        column: names[index] || `column ${index + 1}`,
        reason: `contains a control character (${control.codePoint} at character ${control.position}): ${quotedExcerpt(fields[index])}`,
      });
    }
    if (hasTextFrom(fields, names.length)) {
      problems.push({
        code: 'too-many-fields',
        reason: `the row has ${fields.length} fields but the header has ${names.length} (an unquoted delimiter inside a value?)`,
      });
    }

    const phoneColumn = names[header.phoneIndex];
    const phone = normalizePhoneNumber(cellAt(fields, header.phoneIndex), config.defaultCountry);
    if (!phone.ok) problems.push({ code: phone.code, column: phoneColumn, reason: phone.reason });

    let idKey: string | undefined;
    if (header.idIndex !== undefined) {
      const idColumn = names[header.idIndex];
      const check = checkIdRowKey(
        cellAt(fields, header.idIndex),
        idColumn,
        phone.ok ? phone.nationalNumber : undefined,
      );
      if (!check.ok) problems.push({ code: check.code, column: idColumn, reason: check.reason });
      else {
        const firstLine = ids.get(check.key);
        if (firstLine === undefined) {
          ids.set(check.key, line);
          idKey = check.key;
        } else {
          problems.push({
            code: 'id-duplicate',
            column: idColumn,
            reason: `${idColumn} "${check.key}" is not unique: line ${firstLine} has it too`,
          });
        }
      }
    }

    let timezone: string | undefined;
    const zoneText = cellAt(fields, header.timezoneIndex).trim();
    if (zoneText !== '') {
      timezone = resolveTimeZone(zoneText);
      if (timezone === undefined) {
        problems.push({
          code: 'timezone-invalid',
          column: names[header.timezoneIndex as number],
          reason: `${quotedExcerpt(zoneText)} is not an IANA time zone such as "Europe/Stockholm"`,
        });
      }
    }

    let consent: ConsentCell | undefined;
    if (header.consentIndex !== undefined) {
      const cell = cellAt(fields, header.consentIndex);
      consent = readConsentCell(cell);
      if (consent === 'unreadable') {
        problems.push({
          code: 'consent-unreadable',
          column: names[header.consentIndex],
          reason: `${quotedExcerpt(cell)} is neither yes nor no (consent is one of ${CONSENT_YES_VALUES.join(', ')}; empty means no)`,
        });
      }
    }

    const overrides: Record<string, string | number | boolean> = {};
    for (const { option, index } of header.overrides) {
      if (cellAt(fields, index).trim() === '') continue;
      const result = parseOverride(option, cellAt(fields, index), config.defaultCountry);
      if (result.ok) overrides[option] = result.value;
      else problems.push({ code: 'override-invalid', column: names[index], reason: result.reason });
    }

    const task = render(header.task, 'call.task', cellValue, names, header, problems);
    const additionalPrompt = header.additionalPrompt
      ? render(header.additionalPrompt, 'call.additionalPrompt', cellValue, names, header, problems)
      : undefined;

    // Filled in place rather than spread together: this runs once per row of a large file.
    const row: ContactRow = { line, rowKey: lineRowKey(line), columns, status: 'invalid', overrides };
    if (phone.ok) {
      row.phoneE164 = phone.e164;
      row.maskedPhone = maskPhoneParts(phone.countryCallingCode, phone.nationalNumber);
      if (phone.country) row.country = phone.country;
      row.numberType = phone.numberType;
    }
    if (timezone !== undefined) row.timezone = timezone;
    if (task !== undefined) row.task = task;
    if (additionalPrompt !== undefined) row.additionalPrompt = additionalPrompt;

    if (problems.length > 0 || !phone.ok) {
      const [first] = problems;
      row.reason = first.reason;
      row.reasonCode = first.code;
      if (first.column !== undefined) row.column = first.column;
      row.problems = problems;
      return row;
    }

    const { e164 } = phone;
    const firstLine = firstLineOf.get(e164);
    const occurrence = firstLine === undefined ? 1 : (rowsKeyedFor.get(e164) ?? 1) + 1;
    if (occurrence > 1) rowsKeyedFor.set(e164, occurrence);
    row.rowKey = idKey ?? phoneRowKey(rowKeySecret, e164, occurrence);

    const listed = suppression.get(e164);
    if (listed) {
      if (firstLine === undefined) firstLineOf.set(e164, 0);
      row.status = 'suppressed';
      row.column = phoneColumn;
      row.reason = `on the suppression list ${listed.list} (line ${listed.line})${listed.reason ? `: ${quotedExcerpt(listed.reason)}` : ''}`;
      return row;
    }
    if (consent === 'missing' && config.consent?.required) {
      if (firstLine === undefined) firstLineOf.set(e164, 0);
      row.status = 'no_consent';
      row.column = names[header.consentIndex as number];
      row.reason = `no consent to be called (${row.column} is ${quotedExcerpt(row.columns[row.column] ?? '')})`;
      return row;
    }
    if (config.dedupe === 'phone' && firstLine !== undefined && firstLine > 0) {
      row.status = 'duplicate';
      row.column = phoneColumn;
      row.duplicateOf = firstLine;
      row.reason = `duplicate of line ${firstLine} (same phone number)`;
      return row;
    }
    if (firstLine === undefined) firstLineOf.set(e164, line);
    row.status = 'valid';
    return row;
  };
}

function cellAt(fields: string[], index: number | undefined): string {
  return index === undefined ? '' : (fields[index] ?? '');
}

/** Whether any field from `start` on holds more than whitespace. */
function hasTextFrom(fields: string[], start: number): boolean {
  for (let index = start; index < fields.length; index++) {
    if (fields[index].trim() !== '') return true;
  }
  return false;
}

function render(
  template: Template,
  setting: string,
  cellValue: (key: string) => string,
  names: string[],
  header: ContactsHeader,
  problems: RowProblem[],
): string | undefined {
  const result = renderTemplate(template, cellValue);
  if (result.ok) return result.text;
  for (const placeholder of result.missing) {
    const column = names[header.indexByKey.get(placeholder.key) as number] ?? placeholder.name;
    problems.push({
      code: 'template-empty',
      column,
      reason: `empty ${column}, needed by ${setting} (or give a default: {{${placeholder.name}|...}})`,
    });
  }
  return undefined;
}
