/** Where a CLI command writes; tests pass collectors, main.ts passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Bad arguments or bad input files: the CLI prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
/** A check the user asked for failed (e.g. `fit`: the model does not fit the board or is too slow): for CI. */
export const EXIT_CHECK_FAILED = 3;
