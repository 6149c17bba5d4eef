/**
 * Runs an export job in a worker thread. Cancelling terminates the worker at once, wherever it is (a 27 MB model
 * is formatted in one synchronous call there, so there is no point to stop at in between).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type {
  DetectedTarget, DetectJob, ExportJob, FolderJob, PlanJob, PlanJobResult, RunnerJob, RunnerJobResult,
} from './export-job';
import { ExportJobCancelled, ExportJobError, type WorkerReply } from './worker-protocol';

/** The bundled worker sits next to the bundled extension (dist/), the transpiled one next to this file (out/). */
export const WORKER_FILE = path.join(__dirname, 'export-worker.js');

/** A minimal cancellation token: vscode.CancellationToken fits it. */
export interface CancelSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export function runInWorker(job: DetectJob, cancel?: CancelSignal): Promise<DetectedTarget[]>;
export function runInWorker(job: FolderJob, cancel?: CancelSignal): Promise<DetectedTarget>;
export function runInWorker(job: PlanJob, cancel?: CancelSignal): Promise<PlanJobResult>;
export function runInWorker(job: RunnerJob, cancel?: CancelSignal): Promise<RunnerJobResult>;
export function runInWorker(job: ExportJob, cancel?: CancelSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (cancel?.isCancellationRequested) {
      reject(new ExportJobCancelled());
      return;
    }
    const worker = new Worker(WORKER_FILE);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      subscription?.dispose();
      void worker.terminate();
      fn();
    };
    const subscription = cancel?.onCancellationRequested(() => finish(() => reject(new ExportJobCancelled())));
    worker.once('message', (reply: WorkerReply) => {
      finish(() => (reply.ok ? resolve(reply.result) : reject(new ExportJobError(reply.error.name, reply.error.message, reply.error.paths))));
    });
    worker.once('error', (e) => finish(() => reject(e)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the export worker stopped (exit code ${code}) before it answered`))));
    worker.postMessage(job);
  });
}
