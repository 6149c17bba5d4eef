import { ModelFormatError, type Model, type ModelWarning } from '../core/tflite';
import { loadModelFile, ModelFileError } from '../core/tflite/model-file';
import { UsageError } from './cli-io';

/** Reads and validates a model file, turning every failure into a one-line UsageError that names the file. */
export function readModelFile(file: string | undefined): { model: Model; warnings: ModelWarning[]; bytes: Uint8Array } {
  if (!file) throw new UsageError('no model given: pass the path of a .tflite file');
  try {
    return loadModelFile(file);
  } catch (e) {
    if (e instanceof ModelFileError || e instanceof ModelFormatError) throw new UsageError(e.message);
    throw e;
  }
}
