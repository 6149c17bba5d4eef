/**
 * The quantization report as a JSON file: what `tinyml quantize --report` writes and what the editor saves beside
 * the quantized model (`<name>.report.json`, core/quantize/output-names.ts), read back by the inspector's
 * Quantization tab. One shape for both: `{ model, output, ...QuantizationReport, warnings }`.
 *
 * JSON has no Infinity or NaN. An exact figure (+∞ dB: no noise at all) is written as null, as it always was; −∞
 * (an output whose reference is all zeros) and NaN are written as the strings "-Infinity" and "NaN". Only the
 * figures' own fields (FIGURE_KEYS) are read back that way, so a tensor named "NaN" stays a name. The inspector's
 * page gets the report as this text too (webview messages cross as JSON) and reads it with parseSavedReport.
 */
import { parseImageOptions } from '../data/options';
import type { QuantizationReport } from './types';

export interface SavedQuantizationReport {
  /** The float model the run started from, as given (path or file name). */
  model: string;
  /** The file written. */
  output: string;
  report: QuantizationReport;
  warnings: string[];
}

/** The float model's file name: `model` is kept as given, a path when the CLI was given one. */
export function savedModelName(r: Pick<SavedQuantizationReport, 'model'>): string {
  return r.model.split(/[\\/]/).pop() || r.model;
}

const nonFiniteOut = (_key: string, v: unknown): unknown =>
  (typeof v === 'number' && !Number.isFinite(v) ? (v === Infinity ? null : String(v)) : v);

export function savedReportJson(r: SavedQuantizationReport): string {
  return JSON.stringify({ model: r.model, output: r.output, ...r.report, warnings: r.warnings }, nonFiniteOut, 2) + '\n';
}

/** The report's number fields that can be ±∞ or NaN (SQNR figures, errors, t statistics), and its lists of them. */
const FIGURE_KEYS = new Set(['sqnrDb', 'liteRtSqnrDb', 'int8SqnrDb', 'worstDb', 'scoreDb', 'calibrationDb', 'pairedT',
  'calibrationPairedT', 'int8FloorDb', 'perChannelFcBoundDb', 'maxAbsError', 'meanAbsError', 'addedNoise', 'min', 'max']);
/** Lists of figures, and the scatter plot's values (a float model may output ±∞). */
const FIGURE_LIST_KEYS = new Set(['outputsDb', 'outputsBeforeDb', 'outputsAfterDb', 'reference', 'quantized']);

const figureBack = (x: unknown): unknown =>
  (x === null ? Infinity : x === '-Infinity' ? -Infinity : x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x);

const nonFiniteIn = (key: string, v: unknown): unknown =>
  (FIGURE_KEYS.has(key) ? figureBack(v) : FIGURE_LIST_KEYS.has(key) && Array.isArray(v) ? v.map(figureBack) : v);

/** Reads a saved report; undefined when the text is not one (another tool's JSON, a damaged file). */
export function parseSavedReport(text: string): SavedQuantizationReport | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text, nonFiniteIn);
  } catch {
    return undefined;
  }
  if (typeof j !== 'object' || j === null) return undefined;
  const { model, output, warnings, ...rest } = j as Record<string, unknown>;
  const report = rest as unknown as QuantizationReport;
  if (typeof model !== 'string' || typeof output !== 'string' || typeof report.mode !== 'string' || !Array.isArray(report.operators)
    || typeof report.sizeBefore !== 'number' || typeof report.sizeAfter !== 'number') return undefined;
  // Compare reads the held-out images with these options: a report with options we never write is not ours.
  if (report.calibration?.image !== undefined && !parseImageOptions(report.calibration.image)) return undefined;
  return { model, output, report, warnings: Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [] };
}
