/**
 * Dynamic-range quantization: int8 weights for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, float activations.
 * The runtime's hybrid kernels quantize activations on the fly. Needs no calibration data; TFLite Micro has no
 * hybrid kernels, so it cannot run the result.
 */
import { BuiltinOperator, builtinOperatorName, TensorType, type Model, type Tensor } from '../tflite/index';
import { elementCount } from '../tflite/index';
import type { WeightsOnlyResult } from './float16-weights';
import { assembleOperators, bytesOf, compactModel, constantFloats, isConstant, newBuffer, type VersionedOperator } from './graph';
import { quantizeWeights, weightScales } from './weights';
import type { OperatorReport } from './types';

interface HybridRule {
  weights: number;
  axis: number;
  perChannel: boolean;
  version(perChannel: boolean): number;
}

const HYBRID: Partial<Record<BuiltinOperator, HybridRule>> = {
  [BuiltinOperator.CONV_2D]: { weights: 1, axis: 0, perChannel: true, version: (pc) => (pc ? 5 : 2) },
  [BuiltinOperator.DEPTHWISE_CONV_2D]: { weights: 1, axis: 3, perChannel: true, version: (pc) => (pc ? 6 : 4) },
  [BuiltinOperator.FULLY_CONNECTED]: { weights: 1, axis: 0, perChannel: false, version: (pc) => (pc ? 12 : 3) },
};

export function dynamicRangeWeights(model: Model, opts: { minElements: number; perChannelFullyConnected: boolean }): WeightsOnlyResult {
  const sg = model.subgraphs[0]!;
  const tensors: Tensor[] = sg.tensors.map((t) => ({ ...t }));
  const buffers = [...model.buffers];
  const done = new Map<string, number>();
  const ops: VersionedOperator[] = [];
  const operators: OperatorReport[] = [];
  let skipped = 0;
  sg.operators.forEach((op, i) => {
    const oc = model.operatorCodes[op.opcodeIndex]!;
    const rule = HYBRID[oc.builtinCode];
    const w = rule ? op.inputs[rule.weights] ?? -1 : -1;
    const wt = w >= 0 ? sg.tensors[w]! : undefined;
    const input = sg.tensors[op.inputs[0] ?? -1];
    if (!rule || !wt || wt.type !== TensorType.FLOAT32 || !isConstant(model, wt) || input?.type !== TensorType.FLOAT32) {
      ops.push({ op, code: oc.builtinCode, version: oc.version, ...(oc.customCode !== undefined ? { customCode: oc.customCode } : {}) });
      operators.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: 'unchanged', version: oc.version });
      return;
    }
    if (elementCount(wt.shape) < opts.minElements) {
      skipped++;
      ops.push({ op, code: oc.builtinCode, version: oc.version });
      operators.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: 'unchanged', version: oc.version });
      return;
    }
    const perChannel = rule.perChannel || (oc.builtinCode === BuiltinOperator.FULLY_CONNECTED && opts.perChannelFullyConnected);
    const axis = perChannel ? rule.axis : -1;
    const key = `${w}:${axis}`;
    let q = done.get(key);
    if (q === undefined) {
      const values = constantFloats(model, wt);
      const scales = weightScales(values, wt.shape, axis);
      const qw = quantizeWeights(values, wt.shape, axis, scales);
      buffers.push(newBuffer(bytesOf(qw.values)));
      tensors.push({ ...wt, type: TensorType.INT8, buffer: buffers.length - 1, quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: Math.max(axis, 0) } });
      q = tensors.length - 1;
      done.set(key, q);
    }
    const inputs = [...op.inputs];
    inputs[rule.weights] = q;
    const version = rule.version(perChannel);
    ops.push({ op: { ...op, inputs }, code: oc.builtinCode, version });
    operators.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: 'quantized', version });
  });
  const assembled = assembleOperators(ops);
  const out = compactModel({
    ...model, buffers, operatorCodes: assembled.operatorCodes,
    subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors, operators: assembled.operators } : s)),
  });
  const warnings = skipped ? [`${skipped} operator(s) kept float weights: fewer than ${opts.minElements} elements, too small to be worth a hybrid kernel.`] : [];
  return { model: out, operators, warnings };
}
