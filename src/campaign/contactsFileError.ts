/**
 * A problem with a campaign's CSV file as a whole (contacts or suppression list):
 * unreadable bytes, a broken header, missing columns, a size limit. The campaign
 * cannot run until it is fixed. Problems with single rows are not errors: those
 * rows are reported as invalid and the rest still run.
 */
export interface ContactsFileIssue {
  message: string;
  /** Physical line in the file, header = 1. */
  line?: number;
  /** The column concerned, as written in the header (or the configured name when it is missing). */
  column?: string;
}

export class ContactsFileError extends Error {
  override readonly name = 'ContactsFileError';
  constructor(
    /** Absolute path of the CSV file. */
    readonly file: string,
    readonly issues: ContactsFileIssue[],
  ) {
    super(
      `${file}:\n` +
        issues
          .map((issue) => `  ${issue.line === undefined ? '' : `line ${issue.line}: `}${issue.message}`)
          .join('\n'),
    );
  }
}
