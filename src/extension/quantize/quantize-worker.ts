/**
 * Worker-thread entry (bundled as dist/quantize-worker.js): runs one prepare or quantize job off the extension host's
 * thread, with progress and the result (the model bytes moved, not copied). Cancel aborts the engine's signal, so the
 * engine stops between samples and says so.
 */
import { serveJobs } from '../common/worker-serve';
import { prepareJob, quantizeJob, type PrepareJob, type PrepareResult, type QuantizeJob, type QuantizeJobResult } from './quantize-job';

serveJobs<PrepareJob | QuantizeJob, PrepareResult | QuantizeJobResult>((job, { signal, onProgress }) => (job.kind === 'prepare' ? prepareJob(job) : quantizeJob(job, { onProgress, signal })));
