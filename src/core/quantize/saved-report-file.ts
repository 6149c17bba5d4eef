/**
 * The quantization report saved beside a model (`<name>.report.json`, written by Quantize Model with it), read with
 * a size bound. One reader for the inspector's Quantization tab and Compare's held-out samples.
 */
import path from 'node:path';
import { readFileBoundedAsync } from '../io/bounded-read';
import { reportFileNames } from './output-names';
import { parseSavedReport, type SavedQuantizationReport } from './saved-report';

/** A saved report is a few hundred KiB at most; anything larger is not ours. */
const REPORT_LIMIT = { maxBytes: 16 * 1024 * 1024, maxLabel: '16 MiB', what: 'quantization report' } as const;

/** The report beside `modelFile` (and its text), or why there is none (for the user), and the report's file name. */
export async function readReportBeside(modelFile: string): Promise<{ name: string } & ({ saved: SavedQuantizationReport; text: string } | { reason: string })> {
  const name = reportFileNames(path.basename(modelFile)).json;
  let text: string;
  try {
    text = new TextDecoder().decode(await readFileBoundedAsync(path.join(path.dirname(modelFile), name), REPORT_LIMIT));
  } catch {
    return { name, reason: `no readable ${name} beside ${path.basename(modelFile)}` };
  }
  const saved = parseSavedReport(text);
  return saved ? { name, saved, text } : { name, reason: `${name} is not a TinyML quantization report` };
}
