/**
 * The heavy half of TinyML: Compare Models…, run in the inspector worker thread (../inspector/inspector-worker.ts) so that the extension host
 * never reads, analyses or runs the two models itself:
 *
 * - `views`: both files read, their inspector view models built and their layers matched (core/inspector/compare.ts);
 * - `sqnr`: both models run on the same inputs with every matched layer's output exposed, and each layer's SQNR
 *   against the float model (core/inspector/layer-sqnr.ts). The inputs are the held-out samples of the last
 *   quantization when a `<name>.report.json` beside the quantized model names its data and that data is still there
 *   (split again exactly as the quantizer split it), else seeded inputs across each input's range; the result says which.
 *
 * No `vscode` import; the unit tests call these functions directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modelPrecision } from '../../core/analysis/precision';
import { matchLayers, type ModelComparison } from '../../core/inspector/compare';
import { layerSqnr, seededInputs } from '../../core/inspector/layer-sqnr';
import { buildInspectorView, type InspectorView } from '../../core/inspector/view';
import { holdOutForReport, loadDataset, type Dataset } from '../../core/data/index';
import type { QuantizeHooks } from '../../core/quantize/types';
import { readReportBeside } from '../../core/quantize/saved-report-file';
import type { Model } from '../../core/tflite/index';
import { loadModelFile } from '../../core/tflite/model-file';
import type { CompareInputs, CompareSqnrResult } from '../../protocol/compare';
import { inputSpecs } from '../quantize/quantize-job';

export type { CompareInputs, CompareSqnrResult };

export interface CompareViewsJob { kind: 'views'; a: string; b: string }
export interface CompareSideResult { fileName: string; view: InspectorView }
export interface CompareViewsResult { a: CompareSideResult; b: CompareSideResult; comparison: ModelComparison }

export interface CompareSqnrJob {
  kind: 'sqnr';
  a: string;
  b: string;
  /** Matched operators (A, B), as in ModelComparison.matches. */
  matches: { a: number; b: number }[];
  /** Workspace folders: a report's data path is relative to one of them (or to the report's folder). */
  roots: string[];
}

export function compareViewsJob(job: CompareViewsJob): CompareViewsResult {
  const side = (file: string) => {
    const { model, warnings, bytes } = loadModelFile(file);
    return { fileName: path.basename(file), view: buildInspectorView(model, { fileBytes: bytes.length, warnings }), bytes: bytes.length };
  };
  const a = side(job.a);
  const b = side(job.b);
  const ga = a.view.subgraphs[0]!;
  const gb = b.view.subgraphs[0]!;
  const comparison = matchLayers({ operators: ga.operators, tensors: ga.tensors, fileBytes: a.bytes }, { operators: gb.operators, tensors: gb.tensors, fileBytes: b.bytes });
  return { a: { fileName: a.fileName, view: a.view }, b: { fileName: b.fileName, view: b.view }, comparison };
}

/** A data path as a report names it: absolute, or relative to a workspace folder or to the report's own folder. */
function resolveData(shown: string, roots: readonly string[], reportDir: string): string | undefined {
  if (path.isAbsolute(shown)) return fs.existsSync(shown) ? shown : undefined;
  for (const root of [...roots, reportDir]) {
    const p = path.join(root, shown);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The held-out samples of the quantization that made `quantizedFile`, from its saved report: the data it split
 * (re-split with the quantizer's seed and fraction) or the separate evaluation data it names. Otherwise undefined
 * with the reason, which the view shows next to the seeded inputs it uses instead.
 */
export async function heldOutFromReport(quantizedFile: string, floatModel: Model, roots: readonly string[]): Promise<{ data: Dataset; description: string } | { reason: string }> {
  const dir = path.dirname(quantizedFile);
  const found = await readReportBeside(quantizedFile);
  if ('reason' in found) return { reason: found.reason };
  const reportName = found.name;
  const r = found.saved.report;
  const split = r.calibration?.split;
  const evalSource = !split && r.accuracy && r.accuracy.source !== r.calibration?.source ? r.accuracy.source : undefined;
  const shown = split?.source ?? evalSource;
  if (!shown) return { reason: `${reportName} names no held-out data (the quantization had too few samples to hold any out)` };
  const file = resolveData(shown, roots, dir);
  if (!file) return { reason: `${reportName} names ${shown}, which is no longer there` };
  // Read as the quantization read it: image files with its image options (the CLI's --image-range, --mean, --std, --bgr).
  const image = r.calibration?.image;
  const loaded = await loadDataset(file, inputSpecs(floatModel), { ...(roots[0] ? { displayRoot: roots[0] } : {}), ...(image ? { image } : {}) });
  if (!split) return { data: loaded.dataset, description: `${loaded.dataset.samples.length} samples of ${shown}, the evaluation data ${reportName} names` };
  if (loaded.dataset.samples.length !== split.given) {
    return { reason: `${shown} now holds ${loaded.dataset.samples.length} samples; the quantization in ${reportName} split ${split.given}, so its held-out part cannot be recovered` };
  }
  const { heldOut } = holdOutForReport(loaded.dataset);
  if (!heldOut) return { reason: `${shown} has too few samples to hold any out` };
  return { data: heldOut, description: `the ${heldOut.samples.length} held-out samples of ${shown} (${split.given} samples, split as the quantization in ${reportName} split them)` };
}

export async function compareSqnrJob(job: CompareSqnrJob, hooks: QuantizeHooks = {}): Promise<CompareSqnrResult> {
  const a = loadModelFile(job.a).model;
  const b = loadModelFile(job.b).model;
  // The float model is the reference: A unless only B is float.
  const reference: 'a' | 'b' = modelPrecision(a) !== 'float' && modelPrecision(b) === 'float' ? 'b' : 'a';
  const [ref, other, otherFile] = reference === 'a' ? [a, b, job.b] : [b, a, job.a];
  hooks.onProgress?.(0, 1, 'loading data');
  const held = await heldOutFromReport(otherFile, ref, job.roots);
  let data: Dataset;
  let inputs: CompareInputs;
  if ('data' in held) {
    data = held.data;
    inputs = { kind: 'held-out', description: held.description, samples: data.samples.length };
  } else {
    data = seededInputs(ref, other);
    inputs = { kind: 'seeded', description: `${data.source} (seeded: ${held.reason})`, samples: data.samples.length };
  }
  const pairs = job.matches.map((m) => (reference === 'a' ? { ref: m.a, other: m.b } : { ref: m.b, other: m.a }));
  const result = await layerSqnr(ref, other, pairs, data, hooks);
  const exact = result.sqnrDb.flatMap((v, i) => (v === Infinity ? [i] : []));
  return { sqnrDb: result.sqnrDb.map((v) => (v === null || Number.isFinite(v) ? v : null)), exact, reference, inputs };
}
