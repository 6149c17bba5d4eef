import { FileError } from '../io/file-error';
import { MODEL_FILE_LIMIT, readFileBounded } from '../io/bounded-read';
import { ModelFormatError } from './errors';
import type { Model } from './model';
import type { ModelWarning } from './validate-model';
import { readModel } from './read-model';
import { validateModel } from './validate-model';

// Node-only (reads files): kept out of index.ts, which the webview bundle also type-checks against.

/** A model file that cannot be read at all (missing, a folder, a device, too large, empty); the message names the file. */
export class ModelFileError extends FileError {
  override readonly name = 'ModelFileError';
}

/** The bytes of a model file (a regular file within the 2 GiB FlatBuffers limit), or a ModelFileError saying why not. */
export function readModelFileBytes(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileBounded(file, MODEL_FILE_LIMIT);
  } catch (e) {
    if (e instanceof FileError) throw new ModelFileError(e.kind, e.file, e.message);
    throw e;
  }
  if (bytes.length === 0) throw new ModelFileError('io', file, `${file}: the file is empty, there is no model in it`);
  return bytes;
}

/**
 * Reads and validates a model file: what every entry point that takes a user's path calls. Throws ModelFileError when
 * the file cannot be read and ModelFormatError (naming the file) when it is not a valid .tflite model.
 */
export function loadModelFile(file: string): { model: Model; warnings: ModelWarning[]; bytes: Uint8Array } {
  const bytes = readModelFileBytes(file);
  try {
    const model = readModel(bytes);
    return { model, warnings: validateModel(model, { fileSize: bytes.length }), bytes };
  } catch (e) {
    throw e instanceof ModelFormatError ? e.withFile(file) : e;
  }
}
