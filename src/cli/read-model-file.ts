import type { Model, ModelWarning } from '../core/tflite';
import { loadModelFile } from '../core/tflite/model-file';
import { UsageError } from './cli-io';

/**
 * Reads and validates a model file for a command. Failures are FileError (not a regular file, too large, missing)
 * or ModelFormatError naming the file, which the CLI prints on one line with exit code 2.
 */
export function readModelFile(file: string | undefined): { model: Model; warnings: ModelWarning[]; bytes: Uint8Array } {
  if (!file) throw new UsageError('no model given: pass the path of a .tflite file', true);
  return loadModelFile(file);
}
