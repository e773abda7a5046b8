/** Exit codes the CLI promises (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** the API or AWS said no */
  refused: 1,
  /** the command line was wrong */
  usage: 2,
  /** nothing deployed, cloud not running, endpoint unreachable */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI shows as one or two lines and maps to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.refused,
    /** the command that fixes it, shown on a second line */
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, EXIT.usage, hint);
export const unavailable = (message: string, hint?: string) => new CliError(message, EXIT.unavailable, hint);
