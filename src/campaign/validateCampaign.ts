import { loadEnv } from '../config/env.js';
import { callsPerDay, effectiveConcurrency } from './callingCapacity.js';
import type { RowProblemCode } from './contactRow.js';
import { ContactsFileError } from './contactsFileError.js';
import { durationText } from './duration.js';
import { CampaignFileError, type LoadedCampaign, loadCampaign } from './loadCampaign.js';
import { type ContactsHeaderInfo, readContacts } from './readContacts.js';
import type { CampaignWarning } from './suppressionList.js';

/**
 * Everything `cmc validate` reports about a campaign, from one pass over its files.
 * The campaign can run (canRun) when campaign.json and the CSV files are sound and
 * at least one row is valid; invalid, duplicate and suppressed rows alone are
 * reported but do not stop it.
 */
export interface ValidationIssue {
  message: string;
  /** The file concerned (campaign.json, the contacts CSV, a suppression list). */
  file?: string;
  /** For campaign.json: the dotted key path. */
  path?: string;
  line?: number;
  column?: string;
}

export interface ValidationResult {
  campaignDir: string;
  name?: string;
  contactsFile?: string;
  /** The date used for {{date}} in the contacts path. */
  date?: string;
  canRun: boolean;
  delimiter?: string;
  columns?: string[];
  /** CSV columns that override a start-call option per row. */
  overrideColumns: string[];
  rows: number;
  valid: number;
  invalid: Array<{ line: number; column?: string; reason: string; code: RowProblemCode; problems?: number }>;
  duplicates: Array<{ line: number; duplicateOf: number }>;
  suppressed: Array<{ line: number; reason: string }>;
  /** Rows not called for want of consent (consent.required). */
  noConsent: Array<{ line: number; reason: string }>;
  /** Problems that stop the campaign. */
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  invalidByReason: Partial<Record<RowProblemCode, number>>;
  /** Valid rows per country (ISO 3166-1 alpha-2; "unknown" for non-geographic numbers). */
  countries: Record<string, number>;
  /** Valid rows per number type (mobile, fixed_line, ...). */
  numberTypes: Record<string, number>;
  /** Valid rows x credits.estimatePerCall (first attempts only). */
  estimatedCredits: number;
  budget?: number;
  /** The settings behind callsPerDay, for the summary. */
  pacing?: {
    concurrency: number;
    callsPerMinute: number;
    estimatedCallDurationMs: number;
    callingWindow: { timezone: string; days: string[]; start: string; end: string };
  };
  /**
   * The dated contacts file is not there yet and campaign.json sets contactsWait: a run
   * can start and wait for it (canRun is true; rows are counted once the file exists).
   */
  awaitingContacts?: { file: string; waitMs: number };
  /** Calls one calling day allows at this concurrency and pace; 0 if the config did not load. */
  callsPerDay: number;
  /** Calling days needed for the valid rows' first attempts. */
  callingDaysNeeded?: number;
}

export interface ValidateCampaignOptions {
  /** YYYY-MM-DD for {{date}} in the contacts path; default today. */
  date?: string;
  /** Default: CMC_ROW_KEY_SECRET from the environment. */
  rowKeySecret?: string;
}

const MAX_WARNINGS = 1_000;

export async function validateCampaign(
  campaignDir: string,
  options: ValidateCampaignOptions = {},
): Promise<ValidationResult> {
  const result: ValidationResult = {
    campaignDir,
    canRun: false,
    overrideColumns: [],
    rows: 0,
    valid: 0,
    invalid: [],
    duplicates: [],
    suppressed: [],
    noConsent: [],
    errors: [],
    warnings: [],
    invalidByReason: {},
    countries: {},
    numberTypes: {},
    estimatedCredits: 0,
    callsPerDay: 0,
  };

  let campaign: LoadedCampaign;
  try {
    campaign = await loadCampaign(campaignDir, options.date === undefined ? {} : { date: options.date });
  } catch (error) {
    if (!(error instanceof CampaignFileError)) throw error;
    const awaited = error.awaitedContacts;
    if (awaited && error.config) {
      // Tonight's export is not there yet, and the campaign says a run may wait for it.
      result.name = error.config.name;
      result.awaitingContacts = awaited;
      result.warnings.push({
        file: error.file,
        path: 'contacts',
        message: `contacts file ${awaited.file} is not there yet: a run waits up to ${durationText(awaited.waitMs)} for it (contactsWait), then fails`,
      });
      result.canRun = true;
      return result;
    }
    result.errors.push(
      ...error.issues.map((issue) => ({
        file: error.file,
        ...(issue.path ? { path: issue.path } : {}),
        message: issue.path ? `${issue.path}: ${issue.message}` : issue.message,
      })),
    );
    return result;
  }

  const { config } = campaign;
  Object.assign(result, {
    name: config.name,
    contactsFile: campaign.contactsPath,
    date: campaign.date,
    budget: config.credits.budget,
    callsPerDay: callsPerDay(config),
    pacing: {
      concurrency: effectiveConcurrency(config),
      callsPerMinute: config.callsPerMinute,
      estimatedCallDurationMs: config.estimatedCallDuration,
      callingWindow: {
        timezone: config.callingWindow.timezone,
        days: config.callingWindow.days,
        start: config.callingWindow.start,
        end: config.callingWindow.end,
      },
    },
  });

  const operatorBound = effectiveConcurrency(config);
  if (operatorBound < config.concurrency) {
    result.warnings.push({
      path: 'concurrency',
      message: `concurrency ${config.concurrency} is more than the ${operatorBound} operator phone(s) in call.userPhone: at most ${operatorBound} call(s) run at once`,
    });
  }
  if (config.purpose === 'marketing') {
    result.warnings.push({
      message:
        'purpose is marketing: national do-not-call registers apply (in Sweden NIX-Telefon, in the US the National DNC Registry); ' +
        'wash the contacts against them and add the matches to the suppression list before running',
    });
  }

  let omittedWarnings = 0;
  const onWarning = (warning: CampaignWarning) => {
    if (result.warnings.length < MAX_WARNINGS) result.warnings.push(warning);
    else omittedWarnings++;
  };
  const onHeader = (header: ContactsHeaderInfo) => {
    result.delimiter = header.delimiter;
    result.columns = header.columns;
    result.overrideColumns = header.overrideColumns;
  };
  const rowKeySecret = options.rowKeySecret ?? loadEnv().CMC_ROW_KEY_SECRET;

  try {
    for await (const row of readContacts(campaign, { rowKeySecret, onWarning, onHeader })) {
      result.rows++;
      switch (row.status) {
        case 'valid':
          result.valid++;
          count(result.countries, row.country ?? 'unknown');
          count(result.numberTypes, row.numberType ?? 'unknown');
          break;
        case 'invalid': {
          const code = row.reasonCode ?? 'phone-invalid';
          const extra = (row.problems?.length ?? 1) - 1;
          result.invalid.push({
            line: row.line,
            ...(row.column === undefined ? {} : { column: row.column }),
            reason: row.reason ?? 'invalid',
            code,
            ...(extra > 0 ? { problems: extra + 1 } : {}),
          });
          result.invalidByReason[code] = (result.invalidByReason[code] ?? 0) + 1;
          break;
        }
        case 'duplicate':
          result.duplicates.push({ line: row.line, duplicateOf: row.duplicateOf ?? 0 });
          break;
        case 'suppressed':
          result.suppressed.push({ line: row.line, reason: row.reason ?? 'suppressed' });
          break;
        case 'no_consent':
          result.noConsent.push({ line: row.line, reason: row.reason ?? 'no consent' });
          break;
      }
    }
  } catch (error) {
    if (!(error instanceof ContactsFileError)) throw error;
    result.errors.push(
      ...error.issues.map((issue) => ({
        file: error.file,
        message: issue.message,
        ...(issue.line === undefined ? {} : { line: issue.line }),
        ...(issue.column === undefined ? {} : { column: issue.column }),
      })),
    );
  }
  if (omittedWarnings > 0) result.warnings.push({ message: `${omittedWarnings} more warnings not listed` });

  result.estimatedCredits = Math.ceil(result.valid * config.credits.estimatePerCall);
  if (result.callsPerDay > 0) result.callingDaysNeeded = Math.ceil(result.valid / result.callsPerDay);
  if (result.errors.length === 0 && result.valid === 0 && result.rows > 0) {
    result.errors.push({ file: campaign.contactsPath, message: 'no valid rows: there is nobody to call' });
  }
  if (result.estimatedCredits > config.credits.budget) {
    result.warnings.push({
      message:
        `estimated ${result.estimatedCredits} credits for ${result.valid} calls exceeds the budget of ` +
        `${config.credits.budget}; the campaign will stop when the budget is spent`,
    });
  }
  result.canRun = result.errors.length === 0 && result.valid > 0;
  return result;
}

function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
