/**
 * What TFLite Micro will make of a quantized model: whether every operator has a kernel it can run, and the arena
 * estimate of the arena module. Float or hybrid operators are named: TFLM's float kernels exist for a subset of ops
 * only, and hybrid (float activations with int8 weights) kernels not at all.
 */
import { estimateArena } from '../arena/index';
import { BuiltinOperator, builtinOperatorName, TensorType, type Model } from '../tflite/index';
import type { QuantizationReport } from './types';

export function tflmReport(model: Model): QuantizationReport['tflm'] {
  const sg = model.subgraphs[0]!;
  const notes: string[] = [];
  let runs = true;
  sg.operators.forEach((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
    const inputs = op.inputs.filter((t) => t >= 0).map((t) => sg.tensors[t]!);
    if (code === BuiltinOperator.DEQUANTIZE && inputs[0]?.type === TensorType.FLOAT16) {
      runs = false;
      notes.push(`DEQUANTIZE #${i} expands float16 weights: TFLite Micro's DEQUANTIZE does not take float16.`);
      return;
    }
    if (code === BuiltinOperator.QUANTIZE || code === BuiltinOperator.DEQUANTIZE) return;
    const floatIn = inputs.some((t) => t.type === TensorType.FLOAT32);
    const int8Weights = inputs.slice(1).some((t) => t.type === TensorType.INT8 && model.buffers[t.buffer]!.data.byteLength > 0);
    if (floatIn && int8Weights) {
      runs = false;
      notes.push(`${builtinOperatorName(code)} #${i} is a hybrid operator (float activations, int8 weights): TFLite Micro has no kernel for it.`);
    } else if (floatIn) {
      notes.push(`${builtinOperatorName(code)} #${i} runs in float: TFLite Micro has float kernels for some operators only, check before deploying.`);
    }
  });
  const report: NonNullable<QuantizationReport['tflm']> = { runs, notes };
  try {
    report.arenaBytes = estimateArena(model).recommendedArenaBytes;
  } catch (e) {
    notes.push(`No arena estimate: ${e instanceof Error ? e.message : String(e)}`);
  }
  return report;
}
