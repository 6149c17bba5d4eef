/**
 * The names of what a quantization run writes, for the CLI and the editor alike (file names only: the caller puts
 * them beside the model). Browser-safe string work, no `node:path`.
 */
import type { QuantizeMode } from './types';

/** A float model's own precision suffix, dropped before the mode's: `hello_world_float` -> `hello_world`. */
const FLOAT_SUFFIX = /[_-](float32|float|fp32|f32)$/i;

/**
 * `hello_world_float.tflite` -> `hello_world_int8.tflite`; `ae.tflite` -> `ae_int8.tflite` (`_int16x8`, `_float16`,
 * `_dynamic` for the other modes). Only the `.tflite` extension is removed, in any case.
 */
export function quantizedFileName(modelFileName: string, mode: QuantizeMode): string {
  const stem = modelFileName.replace(/\.tflite$/i, '');
  const base = stem.replace(FLOAT_SUFFIX, '') || stem;
  return `${base}_${mode}.tflite`;
}

/** The quantization report saved beside a model: `hello_world_int8.tflite` -> `hello_world_int8.report.json` / `.md`. */
export function reportFileNames(modelFileName: string): { json: string; markdown: string } {
  const stem = modelFileName.replace(/\.tflite$/i, '');
  return { json: `${stem}.report.json`, markdown: `${stem}.report.md` };
}
