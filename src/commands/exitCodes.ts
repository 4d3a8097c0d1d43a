/** Exit codes that mean something to scripts calling `cmc`. */
export const ExitCode = {
  ok: 0,
  /** The command ran and found a failure (for example, a campaign that cannot run). */
  failure: 1,
  /** Bad usage or bad input: unknown flag, unreadable file, invalid campaign. */
  usage: 2,
  /** A service the command needs (Temporal, the API) could not be reached. */
  unavailable: 3,
  /** The thing named does not exist (unknown campaign or schedule ID). */
  notFound: 4,
} as const;

/** An error meant for a human: printed as its message, with no stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
  ) {
    super(message);
  }
}
