import fs from 'node:fs';
import { ModelFormatError } from './errors';
import type { Model } from './model';
import type { ModelWarning } from './validate-model';
import { readModel } from './read-model';
import { validateModel } from './validate-model';

// Node-only (reads files): kept out of index.ts, which the webview bundle also type-checks against.

/** A model file that cannot be read at all (missing, a folder, no permission, empty); the message names the file. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a .tflite file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** The bytes of a model file, or a ModelFileError saying in a few words why not. */
export function readModelFileBytes(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new ModelFileError(`${file}: ${REASONS[code] ?? (e as Error).message}`);
  }
  if (bytes.length === 0) throw new ModelFileError(`${file}: the file is empty, there is no model in it`);
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
