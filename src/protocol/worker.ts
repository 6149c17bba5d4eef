/**
 * The messages between the extension host and a job worker (export-worker.js, quantize-worker.js): one job per
 * worker, progress while it runs, then one answer. Errors cross as data, `{domain, kind, file, message}`, so the host
 * reacts to what went wrong (a dataset file with NaNs, an unsupported operator) without matching class names.
 * Type-only (see README.md).
 */
import type { DatasetErrorKind } from '../core/data/errors';
import type { FileErrorKind } from '../core/io/file-error';
import type { QuantizeErrorKind } from '../core/quantize/errors';
import type { RuntimeErrorKind } from '../core/runtime/errors';

/** Each error domain and the kinds it has. */
export interface ErrorKinds {
  /** The model file: `unreadable` (missing, a folder, empty, no permission: ModelFileError) or `invalid` bytes (ModelFormatError). */
  model: 'unreadable' | 'invalid';
  /** Calibration or evaluation data (DatasetError). */
  dataset: DatasetErrorKind;
  /** The quantizer (QuantizeError); `cancelled` when the job's signal fired. */
  quantize: QuantizeErrorKind;
  /** LiteRT, running the model (RuntimeError). */
  runtime: RuntimeErrorKind;
  /** Export: an option that cannot make valid C, a file that is not ours, a C array we cannot read. */
  export: 'option' | 'conflict' | 'c-array';
  /** Reading or writing one of the user's files (FileError of core/io): not a regular file, read-only, full, an input. */
  file: FileErrorKind;
  /** Anything else: a bug in our code; the message is all there is. */
  internal: 'unexpected';
}

export type ErrorDomain = keyof ErrorKinds;

/** An error raised in the worker, as it crosses to the host. */
export type WorkerError = {
  [D in ErrorDomain]: {
    domain: D;
    kind: ErrorKinds[D];
    /** The file at fault, as shown to the user, when there is one. */
    file?: string;
    /** What went wrong and what to do: shown to the user as it is. */
    message: string;
    /** When the message already ends with the fix (DatasetError.fix): the host adds none of its own. */
    fix?: string;
  };
}[ErrorDomain];

/** Host -> worker. */
export type HostToWorker<Job> =
  | { type: 'run'; job: Job }
  /** The user pressed Cancel: the worker aborts the job's signal; a job that cannot stop soon is terminated. */
  | { type: 'cancel' };

/** Worker -> host. */
export type WorkerToHost<Result> =
  | { type: 'progress'; done: number; total: number; stage: string }
  | { type: 'done'; ok: true; result: Result }
  | { type: 'done'; ok: false; error: WorkerError };
