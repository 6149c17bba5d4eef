/**
 * The inspector's details (the arena estimate and the TFLite Micro check) computed in the inspector worker
 * (inspector-worker.ts) from the file itself: at 5,000 operators the arena estimate alone took over a second, which on
 * the extension host blocked every other extension (and the Graph tab's reveal) that long. No `vscode` import.
 */
import { arenaForView, checkTflmCompatibility, type InspectorDetails } from '../../core/inspector/view';
import { loadModelFile } from '../../core/tflite/model-file';
import type { ArenaOptions } from '../../core/arena';

/** `arena`: the build the settings describe (tinyml.arena.*); the check is for its kernel library. */
export interface DetailsJob { kind: 'details'; file: string; arena: ArenaOptions }
export interface DetailsJobResult { details: InspectorDetails; arenaMs: number; tflmMs: number }

export function detailsJob(job: DetailsJob): DetailsJobResult {
  const { model } = loadModelFile(job.file);
  const t0 = performance.now();
  const arena = arenaForView(model, job.arena);
  const t1 = performance.now();
  const tflm = checkTflmCompatibility(model, job.arena.kernels);
  return { details: { arena, tflm }, arenaMs: t1 - t0, tflmMs: performance.now() - t1 };
}
