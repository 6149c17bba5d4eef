/**
 * Worker-thread entry (bundled as dist/export-worker.js): runs one export job off the extension host's thread and
 * posts the result back, moving big buffers (the C array source) instead of copying them.
 */
import { serveJobs } from '../common/worker-serve';
import { runJob, type ExportJob } from './export-job';

serveJobs((job: ExportJob) => runJob(job));
