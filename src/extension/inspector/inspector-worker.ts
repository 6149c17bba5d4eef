/**
 * Worker-thread entry (bundled as dist/inspector-worker.js) for the inspector's and the Compare view's heavy steps,
 * one job per worker: the inspector's details (details-job.ts) and fit on the board (../fit/fit-job.ts), and Compare Models' view models and layer matching
 * or per-layer SQNR run (../compare/compare-job.ts). Cancel aborts the SQNR run's signal, checked between samples.
 */
import { serveJobs } from '../common/worker-serve';
import { compareSqnrJob, compareViewsJob, type CompareSqnrJob, type CompareSqnrResult, type CompareViewsJob, type CompareViewsResult } from '../compare/compare-job';
import { fitJob, type FitJob, type FitJobResult } from '../fit/fit-job';
import { detailsJob, type DetailsJob, type DetailsJobResult } from './details-job';

type Job = CompareViewsJob | CompareSqnrJob | DetailsJob | FitJob;
type Result = CompareViewsResult | CompareSqnrResult | DetailsJobResult | FitJobResult;

serveJobs<Job, Result>((job, { signal, onProgress }) => {
  switch (job.kind) {
    case 'views': return compareViewsJob(job);
    case 'sqnr': return compareSqnrJob(job, { signal, onProgress });
    case 'details': return detailsJob(job);
    case 'fit': return fitJob(job);
  }
});
