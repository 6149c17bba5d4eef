/**
 * Turns the bytes of a .tflite file into what the inspector shows: the model summary, or the reason the file cannot
 * be read. The core is required on first use, not at the top, so that activating the extension does not load the
 * model library (esbuild keeps a call-time require lazy in the bundle; a dynamic import() would not resolve in the
 * unbundled test build).
 */
import type { ModelSummary } from '../../core/analysis/summary';

export type SummaryResult =
  | { ok: true; summary: ModelSummary }
  | { ok: false; title: string; message: string };

export function readSummary(bytes: Uint8Array, fileName: string): SummaryResult {
  const { loadModel, ModelFormatError } = require('../../core/tflite') as typeof import('../../core/tflite');
  const { summarizeModel } = require('../../core/analysis/summary') as typeof import('../../core/analysis/summary');
  try {
    const { model, warnings } = loadModel(bytes);
    return { ok: true, summary: summarizeModel(model, { fileBytes: bytes.length, warnings }) };
  } catch (err) {
    if (err instanceof ModelFormatError) {
      return { ok: false, title: 'This file is not a valid TFLite model', message: err.withFile(fileName).message };
    }
    // Not the file's fault: say so, so the user reports it instead of re-exporting the model.
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, title: 'The inspector failed on this model (please report it)', message: `${fileName}: ${detail}` };
  }
}
