import type { PhoneProblemCode } from './phoneNumber.js';

/**
 * One data row of the contacts CSV after validation: what the engine calls (status
 * 'valid') and what the report explains (everything else). Every data row of the
 * file becomes exactly one ContactRow, in file order.
 */
export type ContactStatus = 'valid' | 'invalid' | 'duplicate' | 'suppressed' | 'no_consent';

export type RowProblemCode =
  | PhoneProblemCode
  | 'id-empty'
  | 'id-unsafe'
  | 'id-contains-phone'
  | 'id-duplicate'
  | 'template-empty'
  | 'override-invalid'
  | 'timezone-invalid'
  | 'too-many-fields'
  | 'control-character'
  | 'consent-unreadable';

/** Short labels for summaries ("invalid by reason"). */
export const ROW_PROBLEM_LABELS: Record<RowProblemCode, string> = {
  'phone-empty': 'empty phone number',
  'phone-not-a-number': 'not a phone number',
  'phone-no-country': 'national number without defaultCountry',
  'phone-too-short': 'phone number too short',
  'phone-too-long': 'phone number too long',
  'phone-invalid': 'invalid phone number',
  'phone-extension': 'phone number with extension',
  'phone-premium-rate': 'premium-rate number',
  'id-empty': 'empty row id',
  'id-unsafe': 'row id with unsafe characters',
  'id-contains-phone': 'row id contains the phone number',
  'id-duplicate': 'row id not unique',
  'template-empty': 'empty value needed by a template',
  'override-invalid': 'invalid call option in a column',
  'timezone-invalid': 'unknown time zone',
  'too-many-fields': 'more fields than header columns',
  'control-character': 'control character in a cell',
  'consent-unreadable': 'consent cell neither yes nor no',
};

export interface RowProblem {
  code: RowProblemCode;
  /** The column at fault, as written in the header. */
  column?: string;
  reason: string;
}

export type ContactRow = {
  /** Physical line where the row starts (header = line 1). */
  line: number;
  /**
   * Stable key, safe in Temporal workflow IDs ([A-Za-z0-9._-], at most 64): the
   * idColumn value, else "r" + 16 hex of an HMAC of the number; "line-<N>" for invalid rows.
   */
  rowKey: string;
  /** Header name (trimmed, as written) -> raw cell value. */
  columns: Record<string, string>;
  phoneE164?: string;
  /** The number as reports show it (`+46 70•••••67`), from the same parse as phoneE164. */
  maskedPhone?: string;
  /** ISO 3166-1 alpha-2 of the number. */
  country?: string;
  /** mobile, fixed_line, fixed_line_or_mobile, toll_free, voip, ... or unknown. */
  numberType?: string;
  status: ContactStatus;
  /** Why the row is not called (the first problem, for invalid rows). */
  reason?: string;
  /** The column the reason is about. */
  column?: string;
  /** Machine-readable form of reason, for invalid rows. */
  reasonCode?: RowProblemCode;
  /** Every problem found in an invalid row (reason/column/reasonCode repeat the first). */
  problems?: RowProblem[];
  /** For duplicates: the line of the row that is called instead. */
  duplicateOf?: number;
  /** Rendered call.task. */
  task?: string;
  /** Rendered call.additionalPrompt. */
  additionalPrompt?: string;
  /** Start-call options set by this row's columns (e.g. language), already checked. */
  overrides: Record<string, string | number | boolean>;
  /** Canonical IANA zone from the timezone column, when given. */
  timezone?: string;
};
