/**
 * Runs a quantize worker job from the extension host. Cancel goes to the worker as a message (the engine then stops
 * between samples and nothing is returned); a worker still busy after CANCEL_GRACE_MS (one long forward pass, a long
 * data load) is terminated.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PrepareJob, PrepareResult, QuantizeJob, QuantizeJobResult } from './quantize-job';
import { QuantizeJobError, type HostMessage, type WorkerMessage } from './worker-protocol';

/** The bundled worker sits next to the bundled extension (dist/), the transpiled one next to this file (out/). */
export const WORKER_FILE = path.join(__dirname, 'quantize-worker.js');

export const CANCEL_GRACE_MS = 2000;

export interface WorkerRunOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number, stage: string): void;
}

export class QuantizeJobCancelled extends Error {
  override readonly name = 'QuantizeJobCancelled';
  constructor(readonly stoppedBy: 'engine' | 'terminate') {
    super('cancelled');
  }
}

export function runQuantizeWorker(job: PrepareJob, options?: WorkerRunOptions): Promise<PrepareResult>;
export function runQuantizeWorker(job: QuantizeJob, options?: WorkerRunOptions): Promise<QuantizeJobResult>;
export function runQuantizeWorker(job: PrepareJob | QuantizeJob, options: WorkerRunOptions = {}): Promise<PrepareResult | QuantizeJobResult> {
  const { signal, onProgress } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new QuantizeJobCancelled('engine'));
      return;
    }
    const worker = new Worker(WORKER_FILE);
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
    const onAbort = (): void => {
      worker.postMessage({ type: 'cancel' } satisfies HostMessage);
      grace = setTimeout(() => finish(() => reject(new QuantizeJobCancelled('terminate'))), CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        if (!settled && !signal?.aborted) onProgress?.(m.done, m.total, m.stage);
        return;
      }
      if (m.ok) {
        // A result that arrives after Cancel is dropped: the user asked for nothing to be written.
        finish(() => (signal?.aborted ? reject(new QuantizeJobCancelled('engine')) : resolve(m.result)));
        return;
      }
      const err = new QuantizeJobError(m.error.name, m.error.message, m.error.kind, m.error.file);
      finish(() => reject(err.cancelled || signal?.aborted ? new QuantizeJobCancelled('engine') : err));
    });
    worker.once('error', (e) => finish(() => reject(e)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the quantize worker stopped (exit code ${code}) before it answered`))));
    worker.postMessage({ type: 'run', job } satisfies HostMessage);
  });
}
