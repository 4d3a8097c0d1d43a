import { ROW_OVERRIDE_OPTIONS } from './callOverrides.js';
import {
  type CampaignConfig,
  DEFAULT_TIMEZONE_COLUMN,
  MAX_COLUMN_NAME_CHARS,
  type RowOverridableOption,
} from './campaignSchema.js';
import { closestMatch } from './closestMatch.js';
import { ContactsFileError, type ContactsFileIssue } from './contactsFileError.js';
import { firstControlCharacter } from './controlCharacter.js';
import type { CsvRecord } from './csvRecords.js';
import { quotedExcerpt } from './quotedExcerpt.js';
import { parseTemplate, type Template } from './template.js';

/**
 * Checks the contacts header against the campaign BEFORE any row is read: the
 * phone column, the idColumn and every template placeholder must exist, names
 * must be unique. Header names are trimmed and matched case-insensitively. All
 * problems are thrown together in one ContactsFileError.
 */
export interface ContactsHeader {
  line: number;
  /** Trimmed names as written, by column index; "" for an unnamed column (ignored). */
  names: string[];
  /** Lower-cased name -> column index. */
  indexByKey: Map<string, number>;
  phoneIndex: number;
  idIndex?: number;
  timezoneIndex?: number;
  /** consent.column: whether the contact consented. */
  consentIndex?: number;
  /** Columns that override a start-call option for their row. */
  overrides: Array<{ option: RowOverridableOption; index: number }>;
  task: Template;
  additionalPrompt?: Template;
}

export function analyzeContactsHeader(
  file: string,
  record: CsvRecord,
  config: CampaignConfig,
): ContactsHeader {
  const issues: ContactsFileIssue[] = [];
  const { line } = record;
  const names = record.fields.map((name) => name.trim());

  // A header name no campaign could use means this is not a contacts header (an env
  // dump, a key file): say so, and stop before its names reach any other message.
  const unusable = names.flatMap((name, index) => unusableNameIssue(name, index, line));
  if (unusable.length > 0) throw new ContactsFileError(file, unusable);

  if (names.length > config.limits.maxColumns) {
    issues.push({
      line,
      message: `the header has ${names.length} columns, more than the limit of ${config.limits.maxColumns} (limits.maxColumns)`,
    });
  }

  const indexByKey = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === '') return;
    const key = name.toLowerCase();
    const earlier = indexByKey.get(key);
    if (earlier === undefined) indexByKey.set(key, index);
    else {
      issues.push({
        line,
        column: name,
        message: `duplicate column ${quotedExcerpt(name)} (columns ${earlier + 1} and ${index + 1}); rename or remove one`,
      });
    }
  });

  const namedColumns = names.filter((name) => name !== '');
  const find = (wanted: string, setting: string): number | undefined => {
    const index = indexByKey.get(wanted.trim().toLowerCase());
    if (index === undefined) {
      const suggestion = closestMatch(wanted, namedColumns);
      issues.push({
        line,
        column: wanted,
        message:
          `no "${wanted}" column (${setting})` +
          (suggestion
            ? `; did you mean ${quotedExcerpt(suggestion)}?`
            : `; the header has: ${namedColumns.length > 0 ? quotedExcerpt(namedColumns.join(', ')) : '(nothing)'}`),
      });
    }
    return index;
  };

  const phoneIndex = find(config.phoneColumn, 'phoneColumn');
  const idIndex = config.idColumn === undefined ? undefined : find(config.idColumn, 'idColumn');
  // The default "timezone" column is optional; a column the operator named must exist.
  const timezoneIndex =
    config.timezoneColumn === DEFAULT_TIMEZONE_COLUMN
      ? indexByKey.get(DEFAULT_TIMEZONE_COLUMN)
      : find(config.timezoneColumn, 'timezoneColumn');

  const consentIndex = config.consent ? find(config.consent.column, 'consent.column') : undefined;

  const task = parseTemplate(config.call.task);
  const additionalPrompt =
    config.call.additionalPrompt === undefined ? undefined : parseTemplate(config.call.additionalPrompt);
  const checked = new Set<string>();
  for (const [setting, template] of [
    ['call.task', task],
    ['call.additionalPrompt', additionalPrompt],
  ] as const) {
    for (const placeholder of template?.placeholders ?? []) {
      if (checked.has(placeholder.key)) continue;
      checked.add(placeholder.key);
      if (!indexByKey.has(placeholder.key))
        find(placeholder.name, `used by {{${placeholder.name}}} in ${setting}`);
    }
  }

  if (issues.length > 0 || phoneIndex === undefined) throw new ContactsFileError(file, issues);

  const overrides = ROW_OVERRIDE_OPTIONS.flatMap((option) => {
    const index = indexByKey.get(option.toLowerCase());
    return index === undefined ? [] : [{ option, index }];
  });

  return {
    line,
    names,
    indexByKey,
    phoneIndex,
    ...(idIndex === undefined ? {} : { idIndex }),
    ...(timezoneIndex === undefined ? {} : { timezoneIndex }),
    ...(consentIndex === undefined ? {} : { consentIndex }),
    overrides,
    task,
    ...(additionalPrompt === undefined ? {} : { additionalPrompt }),
  };
}

function unusableNameIssue(name: string, index: number, line: number): ContactsFileIssue[] {
  const length = Array.from(name).length;
  if (length > MAX_COLUMN_NAME_CHARS) {
    return [
      {
        line,
        message: `column ${index + 1}'s name is ${length} characters long, more than ${MAX_COLUMN_NAME_CHARS}: ${quotedExcerpt(name)}; is this the contacts file?`,
      },
    ];
  }
  const control = firstControlCharacter(name);
  if (control) {
    return [
      {
        line,
        message: `column ${index + 1}'s name has a control character (${control.codePoint} at character ${control.position}): ${quotedExcerpt(name)}`,
      },
    ];
  }
  return [];
}
