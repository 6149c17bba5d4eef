/**
 * The worker side of the job RPC (src/protocol/worker.ts): a worker entry calls serveJobs with its job runner. Each
 * job gets an AbortSignal that Cancel aborts and a progress callback (posted at most every 100 ms); the result goes
 * back with its big buffers moved, not copied; an error goes back as `{domain, kind, file, message}`.
 */
import { parentPort } from 'node:worker_threads';
import { CArrayParseError, ExportConflictError, ExportOptionError } from '../../core/codegen/errors';
import { DatasetError, datasetErrorFields } from '../../core/data/errors';
import { FileError } from '../../core/io/file-error';
import { QuantizeError } from '../../core/quantize/errors';
import { RuntimeError } from '../../core/runtime/errors';
import { ModelFormatError } from '../../core/tflite/errors';
import { ModelFileError } from '../../core/tflite/model-file';
import type { HostToWorker, WorkerError, WorkerToHost } from '../../protocol/worker';

export interface JobContext {
  /** Aborted when the user cancels. */
  signal: AbortSignal;
  onProgress(done: number, total: number, stage: string): void;
}

const PROGRESS_INTERVAL_MS = 100;
/** Buffers at least this big are moved to the other thread rather than copied. */
const TRANSFER_MIN_BYTES = 1 << 20;

/** What the worker posts for an error it caught. */
export function toWorkerError(e: unknown): WorkerError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof DatasetError) return { domain: 'dataset', ...datasetErrorFields(e) };
  if (e instanceof QuantizeError) return { domain: 'quantize', kind: e.kind, message };
  if (e instanceof RuntimeError) return { domain: 'runtime', kind: e.kind, message };
  if (e instanceof ModelFileError) return { domain: 'model', kind: 'unreadable', file: e.file, message };
  if (e instanceof FileError) return { domain: 'file', kind: e.kind, file: e.file, message };
  if (e instanceof ModelFormatError) return { domain: 'model', kind: 'invalid', ...(e.file ? { file: e.file } : {}), message };
  if (e instanceof ExportOptionError) return { domain: 'export', kind: 'option', message };
  if (e instanceof ExportConflictError) return { domain: 'export', kind: 'conflict', message };
  if (e instanceof CArrayParseError) return { domain: 'export', kind: 'c-array', message };
  return { domain: 'internal', kind: 'unexpected', message };
}

/**
 * The ArrayBuffers in `value` worth moving: big ones that belong to exactly one view (a pooled Buffer shares its
 * ArrayBuffer with others, and moving it would detach them).
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      const buf = v.buffer;
      if (buf instanceof ArrayBuffer && v.byteLength >= TRANSFER_MIN_BYTES && v.byteOffset === 0 && v.byteLength === buf.byteLength) found.add(buf);
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child, depth + 1);
  };
  visit(value, 0);
  return [...found];
}

/** Runs the job the host sends (one per worker) and answers once. */
export function serveJobs<Job, Result>(run: (job: Job, context: JobContext) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) return;
  const abort = new AbortController();
  const post = (m: WorkerToHost<Result>, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  port.on('message', (m: HostToWorker<Job>) => {
    if (m.type === 'cancel') {
      abort.abort();
      return;
    }
    let lastPost = 0;
    const onProgress = (done: number, total: number, stage: string): void => {
      const now = Date.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS && done < total) return;
      lastPost = now;
      post({ type: 'progress', done, total, stage });
    };
    // A synchronous job throws here; an asynchronous one rejects: both answer the same way.
    new Promise<Result>((resolve) => resolve(run(m.job, { signal: abort.signal, onProgress }))).then(
      (result) => post({ type: 'done', ok: true, result }, transferablesOf(result)),
      (e: unknown) => post({ type: 'done', ok: false, error: toWorkerError(e) }),
    );
  });
}
