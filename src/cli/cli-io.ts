import type { WriteFs } from '../core/io/safe-write';

/** Where a CLI command writes; tests pass collectors (and may inject the file system), main.ts the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The file system output files are written through (node:fs when absent). */
  writeFs?: WriteFs;
}

/** Bad arguments: the CLI prints the message (and, with `usage`, the command's usage) and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly showUsage = false) {
    super(message);
  }
}

// Exit codes, documented in `tinyml --help` and the README.
/** Done. */
export const EXIT_OK = 0;
/** A bug in TinyML Toolkit (one line; the stack with TINYML_DEBUG=1). */
export const EXIT_FAILURE = 1;
/** Bad input or environment: arguments, a file that is not a model, data of the wrong shape, a read-only folder. */
export const EXIT_BAD_INPUT = 2;
/** Done, but a check the user asked for failed (e.g. a target missed). */
export const EXIT_CHECK_FAILED = 3;
