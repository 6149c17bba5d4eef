/** Messages between the extension host and the quantize worker (one job per worker). */
import type { PrepareJob, PrepareResult, QuantizeJob, QuantizeJobResult } from './quantize-job';

export type QuantizeWorkerJob = PrepareJob | QuantizeJob;

export type HostMessage =
  | { type: 'run'; job: QuantizeWorkerJob }
  /** The user pressed Cancel: the worker aborts the engine's signal and answers with a 'cancelled' error. */
  | { type: 'cancel' };

/** What the host needs of an error raised in the worker to say what went wrong and what to do. */
export interface SerializedError {
  /** Class name there: DatasetError, QuantizeError, ModelFileError, RuntimeError, ... */
  name: string;
  message: string;
  /** DatasetError / QuantizeError / RuntimeError kind. */
  kind?: string;
  /** DatasetError: the file at fault, as shown to the user. */
  file?: string;
}

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number; stage: string }
  | { type: 'done'; ok: true; result: PrepareResult | QuantizeJobResult }
  | { type: 'done'; ok: false; error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const fields = err as Error & { kind?: unknown; file?: unknown };
  return {
    name: err.name,
    message: err.message,
    ...(typeof fields.kind === 'string' ? { kind: fields.kind } : {}),
    ...(typeof fields.file === 'string' ? { file: fields.file } : {}),
  };
}

/** An error raised in the worker, with its class name and kind from there. */
export class QuantizeJobError extends Error {
  readonly kind?: string;
  readonly file?: string;
  constructor(readonly errorName: string, message: string, kind?: string, file?: string) {
    super(message);
    this.name = errorName;
    if (kind !== undefined) this.kind = kind;
    if (file !== undefined) this.file = file;
  }

  get cancelled(): boolean {
    return this.errorName === 'QuantizeError' && this.kind === 'cancelled';
  }
}
