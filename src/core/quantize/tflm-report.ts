/**
 * What TFLite Micro will make of a quantized model: the analysis module's compatibility check (kernels, hybrid ops,
 * float16 weights, type combinations) and the arena module's estimate of the tensor arena it needs.
 */
import { checkTflmCompatibility, isTflmCompatible } from '../analysis/tflm-compat';
import { estimateArena } from '../arena/index';
import { formatOperatorRef } from '../common/format';
import type { ArenaOptions } from '../arena/types';
import type { Model } from '../tflite/index';
import type { QuantizationReport } from './types';

/** @param build the firmware's build (kernels, target, CMSIS-NN ISA, margin) the arena figure is for */
export function tflmReport(model: Model, build: ArenaOptions = {}): QuantizationReport['tflm'] {
  const problems = checkTflmCompatibility(model, build.kernels);
  const notes = problems.filter((p) => p.severity !== 'info').map((p) => (p.operatorIndex >= 0 ? `${formatOperatorRef(p.operatorIndex, p.opcode)}: ${p.message}` : p.message));
  const report: NonNullable<QuantizationReport['tflm']> = { runs: isTflmCompatible(problems), notes };
  try {
    const e = estimateArena(model, build);
    report.arena = {
      minArenaBytes: e.minArenaBytes, arenaUsedBytes: e.arenaUsedBytes, recommendedArenaBytes: e.recommendedArenaBytes,
      marginPercent: e.marginPercent, target: e.target, kernels: e.kernels, ...(e.kernels === 'cmsis-nn' ? { isa: e.isa } : {}), exact: e.exact,
    };
  } catch (e) {
    notes.push(`No arena estimate: ${e instanceof Error ? e.message : String(e)}`);
  }
  return report;
}
