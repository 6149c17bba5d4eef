/**
 * Turns the bytes of a .tflite file into what the inspector shows: the model and its view model, or the reason the
 * file cannot be read. The core is required on first use, not at the top, so that activating the extension does not
 * load the model library (esbuild keeps a call-time require lazy in the bundle; a dynamic import() would not resolve
 * in the unbundled test build).
 */
import type { InspectorView } from '../../core/inspector/view';
import type { InspectorAction } from '../../protocol/inspector';
import type { Model, ModelWarning } from '../../core/tflite';

export type LoadResult =
  | { ok: true; model: Model; warnings: ModelWarning[] }
  | { ok: false; title: string; message: string };

export function loadModelFile(bytes: Uint8Array, fileName: string): LoadResult {
  const { loadModel, ModelFormatError } = require('../../core/tflite') as typeof import('../../core/tflite');
  try {
    return { ok: true, ...loadModel(bytes) };
  } catch (err) {
    if (err instanceof ModelFormatError) {
      return { ok: false, title: 'This file is not a valid TFLite model', message: err.withFile(fileName).message };
    }
    return failure(fileName, err);
  }
}

/** Not the file's fault: say so, so the user reports it instead of re-exporting the model. */
export function failure(fileName: string, err: unknown): { ok: false; title: string; message: string } {
  const detail = err instanceof Error ? err.message : String(err);
  return { ok: false, title: 'The inspector failed on this model (please report it)', message: `${fileName}: ${detail}` };
}

/** Loads the modules `inspectorView` needs, so that the first build does not pay for it in the same step. */
export function preloadAnalysis(): void {
  require('../../core/inspector/view');
}

export function inspectorView(model: Model, warnings: ModelWarning[], fileBytes: number): InspectorView {
  const { buildInspectorView } = require('../../core/inspector/view') as typeof import('../../core/inspector/view');
  return buildInspectorView(model, { fileBytes, warnings });
}

/** What the inspector's action bar offers for a model: Quantize… on a float model, Export to C… on an integer one. */
export function modelActions(model: Model): InspectorAction[] {
  const { modelPrecision } = require('../../core/analysis/precision') as typeof import('../../core/analysis/precision');
  return modelPrecision(model) === 'float' ? ['quantize', 'compare'] : ['export', 'compare'];
}

/**
 * The text of the quantization report saved beside `modelFile` (`<name>.report.json`), or undefined when there is
 * none or it is not one of ours. Never throws: a missing or damaged report only means no Quantization tab.
 */
export async function readSavedReport(modelFile: string): Promise<string | undefined> {
  // The reader alone, not core/quantize/index: the first paint does not wait for the quantizer's modules.
  const { readReportBeside } = require('../../core/quantize/saved-report-file') as typeof import('../../core/quantize/saved-report-file');
  const r = await readReportBeside(modelFile);
  return 'saved' in r ? r.text : undefined;
}
