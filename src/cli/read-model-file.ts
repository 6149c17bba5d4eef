import fs from 'node:fs';
import { loadModel, ModelFormatError, type Model, type ModelWarning } from '../core/tflite';
import { UsageError } from './cli-io';

/** Reads and validates a model file, turning every failure into a one-line UsageError that names the file. */
export function readModelFile(file: string | undefined): { model: Model; warnings: ModelWarning[]; bytes: Uint8Array } {
  if (!file) throw new UsageError('no model given: pass the path of a .tflite file');
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a .tflite file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`${file}: ${why}`);
  }
  try {
    const { model, warnings } = loadModel(bytes);
    return { model, warnings, bytes };
  } catch (e) {
    if (e instanceof ModelFormatError) throw new UsageError(e.withFile(file).message);
    throw e;
  }
}
