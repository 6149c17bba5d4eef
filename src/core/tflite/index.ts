/** The .tflite model library: read, validate, write and build models. */
import type { Model } from './model';
import { readModel } from './read-model';
import { validateModel, type ModelWarning } from './validate-model';

export * from './model';
export * from './errors';
export * from './names';
export * from './tensor-types';
export * from './metadata';
export * from './operators';
export { operatorCode } from './operator-code';
export { readModel, TFLITE_FILE_IDENTIFIER } from './read-model';
export { validateModel, TFLITE_SCHEMA_VERSION, type ModelWarning, type ValidateOptions } from './validate-model';
export { writeModel } from './write-model';
export { ModelBuilder } from './model-builder';

/** Reads and validates in one step: what every entry point that takes a user's file should call. */
export function loadModel(bytes: Uint8Array): { model: Model; warnings: ModelWarning[] } {
  const model = readModel(bytes);
  const warnings = validateModel(model, { fileSize: bytes.length });
  return { model, warnings };
}
export { densify } from './sparse-tensor';
