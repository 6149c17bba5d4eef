/**
 * The fit of a model on a board (RAM, flash, latency and what would make it fit), as a pure step the inspector
 * worker runs from the file itself (inspector-worker.ts) and the host runs for the hover. The suggestions estimate the
 * model on every board of the catalog: about 0.6 s for pose_landmark_heavy, seconds at 5,000 operators, which on the
 * extension host blocked every other extension that long. No `vscode` import.
 */
import type { BoardCatalog } from '../../core/fit/board-catalog';
import type { Board } from '../../core/fit/boards';
import type { FitBoardOrigin, FitResult } from '../../core/fit/fit-view';
import type { FitSettings } from '../common/settings';
import type { Model } from '../../core/tflite';

/** What a fit depends on besides the model (all plain data: it crosses to the worker). */
export interface FitInputs {
  board: Board;
  origin: FitBoardOrigin;
  catalog: BoardCatalog;
  kernels: FitSettings['kernels'];
}

export interface FitJob extends FitInputs { kind: 'fit'; file: string; modelBytes: number }
export interface FitJobResult { result: FitResult; ms: number }

export function computeFit(model: Model, modelBytes: number, inputs: FitInputs): FitResult {
  const { estimateFit } = require('../../core/fit/fit') as typeof import('../../core/fit/fit');
  const { suggestFixes } = require('../../core/fit/suggest') as typeof import('../../core/fit/suggest');
  const { fitView } = require('../../core/fit/fit-view') as typeof import('../../core/fit/fit-view');
  const { KernelChoiceError } = require('../../core/fit/latency') as typeof import('../../core/fit/latency');
  const kernels = inputs.kernels === 'auto' ? undefined : inputs.kernels;
  try {
    const report = estimateFit(model, inputs.board, { modelBytes, ...(kernels ? { kernels } : {}) });
    const suggestions = suggestFixes(model, report, inputs.catalog);
    return { ok: true, fit: fitView(report, suggestions, inputs.origin, inputs.catalog.userIds.has(inputs.board.id)) };
  } catch (e) {
    if (e instanceof KernelChoiceError) return { ok: false, reason: `${e.message.split(':')[0]} (tinyml.fit.kernels)` };
    return { ok: false, reason: `cannot estimate the fit: ${(e as Error).message}` };
  }
}

export function fitJob(job: FitJob): FitJobResult {
  const { loadModelFile } = require('../../core/tflite/model-file') as typeof import('../../core/tflite/model-file');
  const { model } = loadModelFile(job.file);
  const t0 = performance.now();
  const result = computeFit(model, job.modelBytes, job);
  return { result, ms: performance.now() - t0 };
}
