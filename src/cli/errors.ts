/**
 * How a failed command ends: the one place that turns an error into an exit code and a line on stderr. Errors the
 * user can fix (bad arguments, a file that is not a model, data of the wrong shape, a folder that cannot be written)
 * exit 2 with their own one-line message; anything else is a bug in the toolkit and exits 1, also on one line, with
 * the stack only under TINYML_DEBUG=1.
 */
import { CArrayParseError, ExportConflictError, ExportOptionError } from '../core/codegen/errors';
import { StalePlanError } from '../core/firmware/node-apply';
import { DatasetError } from '../core/data/errors';
import { FileError } from '../core/io/file-error';
import { QuantizeError } from '../core/quantize/errors';
import { RuntimeError } from '../core/runtime/errors';
import { ModelFormatError } from '../core/tflite/errors';
import { EXIT_BAD_INPUT, EXIT_FAILURE, UsageError } from './cli-io';

const USER_ERRORS = [
  UsageError, FileError, ModelFormatError, DatasetError, QuantizeError, RuntimeError,
  ExportOptionError, CArrayParseError, ExportConflictError, StalePlanError,
] as const;

function isUserError(e: unknown): e is Error {
  return USER_ERRORS.some((c) => e instanceof c);
}

export interface Failure {
  code: number;
  /** What to print on stderr, ending in a newline. */
  text: string;
}

/** The exit code and message for an error thrown by command `name`, given its usage line. */
export function describeFailure(e: unknown, name: string, usage: string | undefined, debug: boolean): Failure {
  const prefix = name ? `tinyml ${name}` : 'tinyml';
  if (isUserError(e)) {
    const first = e.message.split('\n')[0]!;
    const withUsage = e instanceof UsageError && e.showUsage && usage ? `\nusage: ${usage}` : '';
    return { code: EXIT_BAD_INPUT, text: `${prefix}: ${first}${withUsage}\n${debug && e.stack ? `${e.stack}\n` : ''}` };
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  const stack = debug && e instanceof Error && e.stack ? `\n${e.stack}` : '';
  return {
    code: EXIT_FAILURE,
    text: `${prefix}: internal error: ${message}. This is a bug in TinyML Toolkit; TINYML_DEBUG=1 shows where it happened.${stack}\n`,
  };
}
