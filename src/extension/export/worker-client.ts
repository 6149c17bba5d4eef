/**
 * Runs an export job in a worker thread (export-worker.ts) through the one job RPC (../common/worker-rpc.ts).
 * Cancel terminates the worker at once, wherever it is: a 27 MB model is formatted in one synchronous call there,
 * so there is no point to stop at in between.
 */
import path from 'node:path';
import { runWorkerJob, type WorkerSpec } from '../common/worker-rpc';
import type {
  DetectedTarget, DetectJob, ExportJob, FolderJob, PlanJob, PlanJobResult, PrecisionJob, RunnerJob, RunnerJobResult,
} from './export-job';
import type { ModelPrecision } from '../../core/analysis/precision';

/** The bundled worker sits next to the bundled extension (dist/), the transpiled one next to this file (out/). */
export const EXPORT_WORKER: WorkerSpec = { file: path.join(__dirname, 'export-worker.js'), name: 'export', cancelGraceMs: 0 };

export function runInWorker(job: DetectJob, signal?: AbortSignal): Promise<DetectedTarget[]>;
export function runInWorker(job: FolderJob, signal?: AbortSignal): Promise<DetectedTarget>;
export function runInWorker(job: PlanJob, signal?: AbortSignal): Promise<PlanJobResult>;
export function runInWorker(job: RunnerJob, signal?: AbortSignal): Promise<RunnerJobResult>;
export function runInWorker(job: PrecisionJob, signal?: AbortSignal): Promise<ModelPrecision>;
export function runInWorker(job: ExportJob, signal?: AbortSignal): Promise<unknown> {
  return runWorkerJob(EXPORT_WORKER, job, signal ? { signal } : {});
}
