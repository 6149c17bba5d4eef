/**
 * Held-out data of its own (`--eval`, VS Code's held-out data pick): loaded like calibration data, after a check that
 * it is not the calibration data itself (or a file of its folder, or a folder holding it), through links too. A score
 * on samples that calibrated the model would be reported as held-out and flatter it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { InputSpec } from './dataset';
import { displayPath } from './display-path';
import { DatasetError } from './errors';
import { loadDataset } from './index';
import type { DatasetOptions, LoadedDataset } from './options';

async function realOrResolved(p: string): Promise<string> {
  try {
    return await fsp.realpath(p);
  } catch {
    return path.resolve(p);
  }
}

const within = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Throws a DatasetError when `evalPath` is, lies inside or holds `calibrationPath`: before either is loaded. */
export async function checkHeldOutApart(evalPath: string, calibrationPath: string | undefined, options: DatasetOptions = {}): Promise<void> {
  if (calibrationPath !== undefined) {
    const [ev, cal] = await Promise.all([realOrResolved(evalPath), realOrResolved(calibrationPath)]);
    if (within(ev, cal) || within(cal, ev)) {
      const shown = displayPath(evalPath, options);
      const how = ev === cal ? 'is the calibration data' : within(ev, cal) ? 'lies inside the calibration data' : 'holds the calibration data';
      throw new DatasetError('mismatch', shown, `${shown} ${how} (${displayPath(calibrationPath, options)}): held-out samples must be ones that did not calibrate the model.`,
        'Give data the calibration does not read, or none: then 20% of the calibration data is held out.');
    }
  }
}

export async function loadHeldOutData(evalPath: string, calibrationPath: string | undefined, inputs: readonly InputSpec[], options: DatasetOptions = {}): Promise<LoadedDataset> {
  await checkHeldOutApart(evalPath, calibrationPath, options);
  return loadDataset(evalPath, inputs, options);
}
