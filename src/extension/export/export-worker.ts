/**
 * Worker-thread entry (bundled as dist/export-worker.js): runs one export job off the extension host's thread and
 * posts the result back, moving big buffers (the C array source) instead of copying them.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, type ExportJob } from './export-job';
import { transferablesOf, type WorkerReply } from './worker-protocol';

parentPort?.once('message', (job: ExportJob) => {
  let reply: WorkerReply;
  try {
    const result = runJob(job);
    reply = { ok: true, result };
    parentPort!.postMessage(reply, transferablesOf(result));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { ok: false, error: { name: err.name, message: err.message, paths: (err as { paths?: string[] }).paths } };
    parentPort!.postMessage(reply);
  }
});
