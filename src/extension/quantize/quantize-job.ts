/**
 * The heavy half of the Quantize Model command, run in a worker thread (quantize-worker.ts) so that LiteRT, the data
 * loaders and the graph rewrite never stall the extension host: reading the model, finding dataset candidates,
 * loading the data and quantizing. No `vscode` import; the unit tests call these functions directly.
 */
import path from 'node:path';
import type { ArenaOptions } from '../../core/arena/types';
import { checkHeldOutApart } from '../../core/data/held-out-data';
import { findDatasetCandidates, heldOutShare, holdOutForReport, loadDataset, type Dataset, type ImageOptions, type InputSpec } from '../../core/data/index';
import { quantizeBlockers, quantizeModel, type QuantizationReport, type QuantizeBlocker, type QuantizeHooks, type QuantizeMode, type RangeMethod } from '../../core/quantize/index';
import { TensorType, tensorTypeName, type Model } from '../../core/tflite/index';
import { loadModelFile, ModelFileError } from '../../core/tflite/model-file';
import type { FolderCandidate } from './quantize-ui';

/** Reads the model and lists the workspace data that could calibrate it. */
export interface PrepareJob {
  kind: 'prepare';
  model: string;
  /** Workspace folders to search for calibration data (none: no search). */
  folders: string[];
  /** The firmware's kernel set (tinyml.arena.kernels): which int16 kernels int16x8 may use. */
  kernels?: ArenaOptions['kernels'];
}

export interface PrepareResult {
  inputs: InputSpec[];
  candidates: FolderCandidate[];
  /** Set when the model cannot be quantized (already quantized, ...): say so before asking anything else. */
  notQuantizable?: string;
  /** Why int8 or int16x8 cannot run on it (custom operators, state, ...): said once the mode is known, before the data is asked for. */
  blocked: Partial<Record<'int8' | 'int16x8', QuantizeBlocker>>;
}

export interface QuantizeJob {
  kind: 'quantize';
  model: string;
  /** Calibration data (file or folder); required for int8 and int16x8. */
  data?: string;
  /**
   * Held-out data of its own (the CLI's --eval): the accuracy report, the recipe choice and a target are scored on it,
   * and all of `data` calibrates. Without it a part of `data` is held out (heldOutShare: 20%, 40% with a target).
   */
  evalData?: string;
  /** Data paths in messages are shown relative to this folder. */
  displayRoot?: string;
  /** How a folder of images becomes input values (default pixel / 255). */
  image?: ImageOptions;
  mode: QuantizeMode;
  io: 'int8' | 'float';
  /** A range method, or `auto`: the whole recipe chosen by held-out accuracy. */
  calibration: RangeMethod | 'auto';
  keepUnsupportedInFloat?: boolean;
  /** int8: the worst output SQNR (dB) to reach with mixed precision. */
  targetSqnrDb?: number;
  /** The `tinyml.arena.*` settings (kernels, target, ISA, margin): the int16x8 kernels there are, the report's arena. */
  build?: ArenaOptions;
}

export interface QuantizeJobResult {
  bytes: Uint8Array;
  report: QuantizationReport;
  warnings: string[];
}

/** Thrown for a model file that cannot be read or is not a valid model; the message names the file. */
export { ModelFileError };

/** ModelFileError when the file cannot be read, ModelFormatError (naming the file) when it is not a model. */
function readModelFile(file: string): Model {
  return loadModelFile(file).model;
}

export function inputSpecs(model: Model): InputSpec[] {
  const sg = model.subgraphs[0];
  if (!sg) return [];
  return sg.inputs.map((t) => ({ name: sg.tensors[t]!.name, shape: [...sg.tensors[t]!.shape], type: tensorTypeName(sg.tensors[t]!.type) }));
}

export async function prepareJob(job: PrepareJob): Promise<PrepareResult> {
  const model = readModelFile(job.model);
  const inputs = inputSpecs(model);
  const name = path.basename(job.model);
  const floatTensors = model.subgraphs[0]?.tensors.some((t) => t.type === TensorType.FLOAT32) ?? false;
  if (!floatTensors) return { inputs, candidates: [], blocked: {}, notQuantizable: `${name} has no float tensors: it is already quantized. Quantize the float model it was made from.` };
  const blocked = quantizeBlockers(model, { name, kernels: job.kernels ?? 'reference' });
  const candidates: FolderCandidate[] = [];
  for (const folder of job.folders) {
    for (const c of await findDatasetCandidates(folder, inputs)) candidates.push({ ...c, folder: path.basename(folder) });
  }
  return { inputs, candidates, blocked };
}

export async function quantizeJob(job: QuantizeJob, hooks: QuantizeHooks = {}): Promise<QuantizeJobResult> {
  const model = readModelFile(job.model);
  const inputs = inputSpecs(model);
  const warnings: string[] = [];
  let calibration: Dataset = { source: 'none', samples: [], inputShapes: inputs.map((i) => i.shape) };
  let heldOut: Dataset | undefined;
  if (job.data) {
    hooks.onProgress?.(0, 1, 'loading data');
    const options = { ...(job.displayRoot ? { displayRoot: job.displayRoot } : {}), ...(job.image ? { image: job.image } : {}) };
    // Before minutes of loading: held-out data that is the calibration data is refused first.
    if (job.evalData) await checkHeldOutApart(job.evalData, job.data, { ...options, heldOutPart: heldOutShare(job.targetSqnrDb !== undefined) });
    const loaded = await loadDataset(job.data, inputs, options);
    warnings.push(...loaded.warnings);
    calibration = loaded.dataset;
    if (job.evalData) {
      const ev = await loadDataset(job.evalData, inputs, options);
      warnings.push(...ev.warnings);
      heldOut = ev.dataset;
    } else {
      const split = holdOutForReport(calibration, { target: job.targetSqnrDb !== undefined });
      ({ calibration, heldOut } = split);
      if (split.warning) warnings.push(split.warning);
    }
  }
  // quantizeModel checks the signal first: a Cancel during data loading stops the run there.
  const result = await quantizeModel(model, calibration, {
    mode: job.mode, io: job.io, ...(job.calibration !== 'auto' ? { calibration: job.calibration } : {}), modelName: path.basename(job.model),
    keepUnsupportedInFloat: !!job.keepUnsupportedInFloat, ...(heldOut ? { heldOut } : {}),
    ...(job.targetSqnrDb !== undefined ? { targetSqnrDb: job.targetSqnrDb } : {}),
    ...(job.build ? { build: job.build } : {}),
  }, hooks);
  return { bytes: result.bytes, report: result.report, warnings: [...warnings, ...result.warnings] };
}
