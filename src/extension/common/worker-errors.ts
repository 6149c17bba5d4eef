/**
 * Errors across the worker boundary, host side: a WorkerError (src/protocol/worker.ts, made in the worker by
 * toWorkerError in worker-serve.ts) becomes a WorkerJobError, and Cancel is always a WorkerCancelled.
 */
import type { ErrorDomain, ErrorKinds, WorkerError } from '../../protocol/worker';

/** An error raised in a worker job, on the host side. `error` narrows by domain: `error.domain === 'dataset'` types `error.kind`. */
export class WorkerJobError extends Error {
  override readonly name = 'WorkerJobError';
  constructor(readonly error: WorkerError) {
    super(error.message);
  }

  get domain(): ErrorDomain {
    return this.error.domain;
  }

  get file(): string | undefined {
    return this.error.file;
  }

  /** True for this domain (and kind, when given). */
  is<D extends ErrorDomain>(domain: D, kind?: ErrorKinds[D]): boolean {
    return this.error.domain === domain && (kind === undefined || this.error.kind === kind);
  }
}

/** The job was cancelled: the engine stopped at its signal, or the worker was terminated. Nothing was returned. */
export class WorkerCancelled extends Error {
  override readonly name = 'WorkerCancelled';
  constructor(readonly stoppedBy: 'engine' | 'terminate') {
    super('cancelled');
  }
}
