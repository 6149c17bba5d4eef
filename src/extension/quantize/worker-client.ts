/**
 * Runs a quantize worker job (quantize-worker.ts) through the one job RPC (../common/worker-rpc.ts). Cancel reaches
 * the engine's signal in the worker (it then stops between samples and nothing is returned); a worker still busy
 * after CANCEL_GRACE_MS (one long forward pass, a long data load) is terminated.
 */
import path from 'node:path';
import { runWorkerJob, type WorkerRunOptions, type WorkerSpec } from '../common/worker-rpc';
import type { PrepareJob, PrepareResult, QuantizeJob, QuantizeJobResult } from './quantize-job';

export const CANCEL_GRACE_MS = 2000;

/** The bundled worker sits next to the bundled extension (dist/), the transpiled one next to this file (out/). */
export const QUANTIZE_WORKER: WorkerSpec = { file: path.join(__dirname, 'quantize-worker.js'), name: 'quantize', cancelGraceMs: CANCEL_GRACE_MS };

export function runQuantizeWorker(job: PrepareJob, options?: WorkerRunOptions): Promise<PrepareResult>;
export function runQuantizeWorker(job: QuantizeJob, options?: WorkerRunOptions): Promise<QuantizeJobResult>;
export function runQuantizeWorker(job: PrepareJob | QuantizeJob, options: WorkerRunOptions = {}): Promise<PrepareResult | QuantizeJobResult> {
  return runWorkerJob(QUANTIZE_WORKER, job, options);
}
