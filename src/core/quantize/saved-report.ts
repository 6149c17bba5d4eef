/**
 * The quantization report as a JSON file: what `tinyml quantize --report` writes and what the editor saves beside
 * the quantized model (`<name>.report.json`, core/quantize/output-names.ts), read back by the inspector's
 * Quantization tab. One shape for both: `{ model, output, ...QuantizationReport, warnings }`. JSON has no Infinity:
 * an exact SQNR is written as null and read back as Infinity.
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

export function savedReportJson(r: SavedQuantizationReport): string {
  return JSON.stringify({ model: r.model, output: r.output, ...r.report, warnings: r.warnings }, null, 2) + '\n';
}

const dbBack = (x: unknown): number => (typeof x === 'number' ? x : Infinity);

/** Reads a saved report; undefined when the text is not one (another tool's JSON, a damaged file). */
export function parseSavedReport(text: string): SavedQuantizationReport | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
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
  for (const o of report.accuracy?.outputs ?? []) o.sqnrDb = dbBack(o.sqnrDb);
  for (const l of report.accuracy?.layers ?? []) l.sqnrDb = dbBack(l.sqnrDb);
  for (const o of report.accuracy?.tflm?.outputs ?? []) {
    o.sqnrDb = dbBack(o.sqnrDb);
    // Absent in reports saved before LiteRT's same-sample figure was added: left absent.
    if (o.liteRtSqnrDb !== undefined) o.liteRtSqnrDb = dbBack(o.liteRtSqnrDb);
  }
  const mp = report.mixedPrecision;
  if (mp) {
    // (an output computed exactly, Infinity, is written as null)
    if (Array.isArray(mp.outputsBeforeDb)) mp.outputsBeforeDb = mp.outputsBeforeDb.map(dbBack);
    if (Array.isArray(mp.outputsAfterDb)) mp.outputsAfterDb = mp.outputsAfterDb.map(dbBack);
    if (mp.reportedOn) mp.reportedOn.worstDb = dbBack(mp.reportedOn.worstDb);
    if (mp.reportedOn?.device) mp.reportedOn.device.worstDb = dbBack(mp.reportedOn.device.worstDb);
  }
  for (const c of report.recipe?.candidates ?? []) {
    c.scoreDb = dbBack(c.scoreDb);
    if (c.calibrationDb !== undefined) c.calibrationDb = dbBack(c.calibrationDb);
    if (Array.isArray(c.outputsDb)) c.outputsDb = c.outputsDb.map(dbBack);
  }
  return { model, output, report, warnings: Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [] };
}
