import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { type CampaignFilePath, resolveCampaignFilePath } from './campaignFilePath.js';
import { type CampaignIssue, describeCampaignIssues } from './campaignIssues.js';
import { type CampaignConfig, campaignSchema, DATE_PLACEHOLDER } from './campaignSchema.js';
import { quotedExcerpt } from './quotedExcerpt.js';

/**
 * Reads `<campaignDir>/campaign.json`, checks it against the schema and resolves the
 * files it names: the contacts CSV (with `{{date}}` filled in) and the suppression
 * lists, each of which must be a regular file inside the campaign folder
 * (campaignFilePath.ts). Every problem found is reported at once in a
 * CampaignFileError, so an operator fixes the file in one pass rather than one error
 * per run.
 */
export const CAMPAIGN_FILE_NAME = 'campaign.json';

export interface LoadedCampaign {
  /** Absolute path of the campaign folder. */
  dir: string;
  /** Absolute path of campaign.json. */
  configPath: string;
  config: CampaignConfig;
  /** Absolute path of the contacts CSV, `{{date}}` resolved, symlinks followed; inside `dir`. */
  contactsPath: string;
  /** Absolute paths of config.suppression, in the same order, symlinks followed; inside `dir`. */
  suppressionPaths: string[];
  /** The YYYY-MM-DD used for `{{date}}`. */
  date: string;
}

export interface LoadCampaignOptions {
  /** YYYY-MM-DD substituted for `{{date}}` in the contacts path; default: today, local time. */
  date?: string;
}

export class CampaignFileError extends Error {
  override readonly name = 'CampaignFileError';
  constructor(
    readonly file: string,
    readonly issues: CampaignIssue[],
    /** Set when campaign.json itself is sound and only the files it names are not. */
    readonly config?: CampaignConfig,
  ) {
    super(
      `${file}: ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}:\n` +
        issues.map((issue) => `  ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'),
    );
  }

  /**
   * When a run may wait instead of failing: the only problem is a dated contacts file
   * that is not there yet, and campaign.json sets contactsWait.
   */
  get awaitedContacts(): { file: string; waitMs: number } | undefined {
    const [first] = this.issues;
    const waitMs = this.config?.contactsWait;
    if (first?.datedContactsMissing === undefined || waitMs === undefined) return undefined;
    if (!this.issues.every((issue) => issue.datedContactsMissing !== undefined)) return undefined;
    return { file: first.datedContactsMissing, waitMs };
  }
}

export async function loadCampaign(
  campaignDir: string,
  options: LoadCampaignOptions = {},
): Promise<LoadedCampaign> {
  const dir = path.resolve(campaignDir);
  const configPath = path.join(dir, CAMPAIGN_FILE_NAME);
  const date = options.date ?? localDate(new Date());
  if (!isCalendarDate(date)) {
    throw new CampaignFileError(configPath, [
      { path: '', message: `date ${quotedExcerpt(date)} is not a real date in the form YYYY-MM-DD` },
    ]);
  }

  const { json, realDir } = await readCampaignJson(dir, configPath);
  const result = campaignSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    throw new CampaignFileError(configPath, describeCampaignIssues(result.error.issues, campaignSchema));
  }
  const config = result.data;

  const issues: CampaignIssue[] = [];
  const rendered = config.contacts.replaceAll(DATE_PLACEHOLDER, date);
  const dated = rendered !== config.contacts;
  const contacts = await resolveCampaignFilePath(realDir, rendered);
  if (!contacts.ok) {
    issues.push(
      contacts.missing && dated
        ? {
            path: 'contacts',
            message:
              `${contacts.problem}: ${path.resolve(dir, rendered)} (contacts ${quotedExcerpt(config.contacts)} for date ${date})` +
              (await datedAlternatives(dir, config.contacts)),
            datedContactsMissing: rendered,
          }
        : fileIssue(
            'contacts',
            dir,
            config.contacts,
            contacts,
            dated ? ` (for ${date}: ${quotedExcerpt(rendered)})` : '',
          ),
    );
  }
  const suppressionPaths: string[] = [];
  for (const [index, source] of config.suppression.entries()) {
    const list = await resolveCampaignFilePath(realDir, source.path);
    if (list.ok) suppressionPaths.push(shownInside(dir, realDir, list.path));
    else issues.push(fileIssue(`suppression[${index}]`, dir, source.path, list));
  }
  if (issues.length > 0 || !contacts.ok) throw new CampaignFileError(configPath, issues, config);
  const contactsPath = shownInside(dir, realDir, contacts.path);

  return { dir, configPath, config, contactsPath, suppressionPaths, date };
}

async function readCampaignJson(
  dir: string,
  configPath: string,
): Promise<{ json: unknown; realDir: string }> {
  const dirProblem = await stat(dir).then(
    (dirStat) => (dirStat.isDirectory() ? undefined : 'is not a folder'),
    (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? 'campaign folder not found' : `cannot be read (${error.code})`,
  );
  if (dirProblem) throw new CampaignFileError(dir, [{ path: '', message: dirProblem }]);
  const realDir = await realpath(dir);
  // campaign.json obeys the rule for the files it names: a symlink out, or a FIFO, is refused.
  const config = await resolveCampaignFilePath(realDir, CAMPAIGN_FILE_NAME);
  if (!config.ok) {
    const message = config.missing
      ? `not found (a campaign folder needs a ${CAMPAIGN_FILE_NAME})`
      : config.problem;
    throw new CampaignFileError(configPath, [{ path: '', message }]);
  }
  let text: string;
  try {
    text = await readFile(config.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CampaignFileError(configPath, [{ path: '', message: `cannot be read (${code})` }]);
  }
  try {
    // Windows editors like to start a UTF-8 file with a byte-order mark.
    return { json: JSON.parse(text.replace(/^\uFEFF/, '')), realDir };
  } catch (error) {
    throw new CampaignFileError(configPath, [
      { path: '', message: `is not valid JSON: ${jsonErrorWhere(text, error)}` },
    ]);
  }
}

/** "Unexpected token ... at position 123" becomes "line 5, column 3: Unexpected token ...". */
function jsonErrorWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (!position) return message;
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
}

/** For a nightly export that is not there yet: which dates ARE there, to tell a typo from a missing export. */
async function datedAlternatives(dir: string, contacts: string): Promise<string> {
  const pattern = path.resolve(dir, contacts);
  const folder = path.dirname(pattern);
  const [before, after] = path.basename(pattern).split(DATE_PLACEHOLDER);
  if (after === undefined) return '';
  const names = await readdir(folder).catch(() => [] as string[]);
  const matching = names
    .filter(
      (name) => name.startsWith(before) && name.endsWith(after) && name.length > before.length + after.length,
    )
    .sort()
    .slice(-5);
  return matching.length > 0 ? `; files there: ${matching.join(', ')}` : '';
}

/**
 * `file not found: /abs/x.csv`, or `"../x.csv" resolves outside the campaign folder`:
 * the path is quoted as written (campaign.json is the operator's own text) and
 * followed by the problem; nothing from the file itself.
 */
function fileIssue(
  field: string,
  dir: string,
  written: string,
  refused: Extract<CampaignFilePath, { ok: false }>,
  shownWritten = '',
): CampaignIssue {
  if (refused.missing) return { path: field, message: `${refused.problem}: ${path.resolve(dir, written)}` };
  return { path: field, message: `${quotedExcerpt(written)}${shownWritten} ${refused.problem}` };
}

/**
 * A resolved file as seen from the folder as the operator named it, so messages show
 * campaigns/x/contacts.csv rather than where a symlinked campaigns/ really lives.
 */
function shownInside(dir: string, realDir: string, realFile: string): string {
  return path.join(dir, path.relative(realDir, realFile));
}

function localDate(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A real date written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
