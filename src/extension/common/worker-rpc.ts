/**
 * The host side of the job RPC (src/protocol/worker.ts): runs one job in a fresh worker thread and resolves with its
 * result. Cancel is one AbortSignal: it is passed on to the job (whose engine stops at its next check and answers
 * "cancelled"), and a worker still busy `cancelGraceMs` later is terminated. A job that cannot check a signal (one
 * long synchronous call) has a grace of 0: Cancel terminates it at once. Either way the promise rejects with
 * WorkerCancelled and no result is delivered.
 */
import { Worker } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from '../../protocol/worker';
import { WorkerCancelled, WorkerJobError } from './worker-errors';

export interface WorkerSpec {
  /** The worker's script (bundled next to the extension in dist/, transpiled in out/ for the unit tests). */
  file: string;
  /** For messages: "the export worker stopped ...". */
  name: string;
  /** How long a cancelled job may take to stop by itself before the worker is terminated. */
  cancelGraceMs: number;
}

export interface WorkerRunOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number, stage: string): void;
}

export function runWorkerJob<Job, Result>(spec: WorkerSpec, job: Job, options: WorkerRunOptions = {}): Promise<Result> {
  const { signal, onProgress } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new WorkerCancelled('engine'));
      return;
    }
    const worker = new Worker(spec.file);
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const terminate = () => finish(() => reject(new WorkerCancelled('terminate')));
    function onAbort(): void {
      if (spec.cancelGraceMs <= 0) {
        terminate();
        return;
      }
      worker.postMessage({ type: 'cancel' } satisfies HostToWorker<Job>);
      grace = setTimeout(terminate, spec.cancelGraceMs);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerToHost<Result>) => {
      if (m.type === 'progress') {
        if (!settled && !signal?.aborted) onProgress?.(m.done, m.total, m.stage);
        return;
      }
      // Whatever arrives after Cancel is dropped: the user asked for nothing to be done with it.
      if (signal?.aborted || (!m.ok && m.error.domain === 'quantize' && m.error.kind === 'cancelled')) {
        finish(() => reject(new WorkerCancelled('engine')));
      } else {
        finish(() => (m.ok ? resolve(m.result) : reject(new WorkerJobError(m.error))));
      }
    });
    worker.once('error', (e) => finish(() => reject(e)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the ${spec.name} worker stopped (exit code ${code}) before it answered`))));
    worker.postMessage({ type: 'run', job } satisfies HostToWorker<Job>);
  });
}
