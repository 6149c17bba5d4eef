/**
 * Worker-thread entry (bundled as dist/compare-worker.js): runs one Compare Models job off the extension host's
 * thread, the view models and layer matching, or the per-layer SQNR run (compare-job.ts). Cancel aborts the run's
 * signal, which it checks between samples.
 */
import { serveJobs } from '../common/worker-serve';
import { compareSqnrJob, compareViewsJob, type CompareSqnrJob, type CompareSqnrResult, type CompareViewsJob, type CompareViewsResult } from './compare-job';

serveJobs<CompareViewsJob | CompareSqnrJob, CompareViewsResult | CompareSqnrResult>((job, { signal, onProgress }) => (job.kind === 'views' ? compareViewsJob(job) : compareSqnrJob(job, { signal, onProgress })));
