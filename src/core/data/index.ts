/**
 * Calibration and evaluation data from workspace files, shaped for a model's inputs:
 *
 *   const { dataset, warnings } = await loadDataset('data/calib.npy', inputs, { displayRoot: workspace });
 *
 * Files: .npy, .npz, .csv, .json. Folders: images (.png/.jpg/.jpeg/.bmp), .wav audio or one .npy per sample; with
 * several model inputs, one sub-folder per input name. Every problem is a DatasetError naming the file.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { InputSpec } from './dataset';
import { assembleDataset, type InputSamples } from './assemble';
import { describeErrno } from '../io/file-error';
import { displayPath } from './display-path';
import { DatasetError } from './errors';
import { loadCsvFile, loadJsonFile, loadNpyFile, loadNpzFile } from './file-loaders';
import { loadFolder } from './folder-loader';
import type { DatasetOptions, LoadedDataset } from './options';
import { readBytes } from './read-bytes';

export type { Dataset, InputSpec } from './dataset';
export { DatasetError, type DatasetErrorKind } from './errors';
export type { AudioOptions, DatasetOptions, ImageOptions, LoadedDataset } from './options';
export { DEFAULT_MAX_SAMPLES, describeImageOptions } from './options';
export { readNpy, readNpyHeader, writeNpy, type NpyArray, type NpyHeader } from './npy';
export { splitHeldOut, seededOrder, seededRandom, holdOutForReport, heldOutShare, splitForTargetSearch, REPORT_HELD_OUT_FRACTION, TARGET_HELD_OUT_FRACTION, MIN_SAMPLES_FOR_HELD_OUT, MIN_TARGET_PART_SAMPLES } from './split';
export { findDatasetCandidates, type DatasetCandidate, type CandidateOptions } from './candidates';
export { holdsImages } from './sample-files';

const FILE_LOADERS: Record<string, (bytes: Uint8Array, inputs: readonly InputSpec[], file: string) => InputSamples[]> = {
  '.npy': loadNpyFile,
  '.npz': loadNpzFile,
  '.csv': loadCsvFile,
  '.json': loadJsonFile,
};

export { displayPath };

export async function loadDataset(dataPath: string, inputs: readonly InputSpec[], options: DatasetOptions = {}): Promise<LoadedDataset> {
  const shown = displayPath(dataPath, options);
  if (inputs.length === 0) throw new DatasetError('mismatch', shown, `${shown}: the model has no inputs to feed.`);
  let stat;
  try {
    stat = await fsp.stat(dataPath);
  } catch (e) {
    throw new DatasetError('unreadable', shown, `${shown}: ${describeErrno(e).reason}.`);
  }
  const warnings: string[] = [];
  if (stat.isDirectory()) {
    const perInput = await loadFolder(dataPath, inputs, options, warnings);
    const loaded = assembleDataset(perInput, inputs, shown, options, warnings);
    // Images record how they became inputs (the default too): the report states it, and reading the held-out images
    // again (the inspector's compare) uses the same.
    if (perInput.some((p) => p.images)) loaded.dataset.image = options.image ?? {};
    return loaded;
  }
  const ext = path.extname(dataPath).toLowerCase();
  const loader = FILE_LOADERS[ext];
  if (!loader) {
    throw new DatasetError('unsupported', shown, `${shown}: ${ext || 'files without an extension'} cannot be read as data; use .npy, .npz, .csv, .json, or a folder of images (.png/.jpg/.bmp), .wav or .npy files.`);
  }
  const bytes = await readBytes(dataPath, shown);
  if (bytes.length === 0) throw new DatasetError('empty', shown, `${shown}: the file is empty.`);
  return assembleDataset(loader(bytes, inputs, shown), inputs, shown, options, warnings);
}
