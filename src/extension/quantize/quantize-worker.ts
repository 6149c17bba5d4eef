/**
 * Worker-thread entry (bundled as dist/quantize-worker.js): runs one prepare or quantize job off the extension host's
 * thread, posts progress (at most every 100 ms) and the result, moving the model bytes instead of copying them.
 * Cancel aborts the engine's AbortSignal, so the engine stops between samples and says so.
 */
import { parentPort } from 'node:worker_threads';
import { prepareJob, quantizeJob } from './quantize-job';
import { serializeError, type HostMessage, type WorkerMessage } from './worker-protocol';

const PROGRESS_INTERVAL_MS = 100;

const port = parentPort;
if (port) {
  const abort = new AbortController();
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  port.on('message', (m: HostMessage) => {
    if (m.type === 'cancel') {
      abort.abort();
      return;
    }
    let lastPost = 0;
    const onProgress = (done: number, total: number, stage: string) => {
      const now = Date.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS && done < total) return;
      lastPost = now;
      post({ type: 'progress', done, total, stage });
    };
    const job = m.job;
    const run = job.kind === 'prepare' ? prepareJob(job) : quantizeJob(job, { onProgress, signal: abort.signal });
    run.then(
      (result) => {
        // The model bytes are a fresh array from the writer: move its buffer when it is the only view of it.
        const bytes = 'bytes' in result ? result.bytes : undefined;
        const movable = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
        post({ type: 'done', ok: true, result }, movable ? [bytes.buffer as ArrayBuffer] : []);
      },
      (e: unknown) => post({ type: 'done', ok: false, error: serializeError(e) }),
    );
  });
}
