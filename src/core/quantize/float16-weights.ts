/**
 * Float16 weights: every float32 constant is stored as float16 and expanded by a DEQUANTIZE at load time, the way the
 * TF converter's float16 mode does it. Half the weight bytes; the arithmetic stays float32.
 */
import { BuiltinOperator, builtinOperatorName, TensorType, type Model, type Operator, type Tensor } from '../tflite/index';
import { floatToHalf } from '../common/float16';
import { assembleOperators, bytesOf, compactModel, constantFloats, isConstant, newBuffer, type VersionedOperator } from './graph';
import { dequantizeOpVersion } from './op-rules';
import type { OperatorReport } from './types';

export interface WeightsOnlyResult {
  model: Model;
  operators: OperatorReport[];
  warnings: string[];
}

export function float16Weights(model: Model): WeightsOnlyResult {
  const sg = model.subgraphs[0]!;
  const tensors: Tensor[] = sg.tensors.map((t) => ({ ...t }));
  const buffers = [...model.buffers];
  const used = new Set<number>();
  for (const op of sg.operators) for (const t of op.inputs) if (t >= 0) used.add(t);
  const ops: VersionedOperator[] = [];
  for (const t of [...used].sort((a, b) => a - b)) {
    const tensor = sg.tensors[t]!;
    if (tensor.type !== TensorType.FLOAT32 || !isConstant(model, tensor) || sg.outputs.includes(t)) continue;
    const values = constantFloats(model, tensor);
    const half = Uint16Array.from(values, floatToHalf);
    buffers.push(newBuffer(bytesOf(half)));
    tensors.push({ ...tensor, name: `${tensor.name}_fp16`, type: TensorType.FLOAT16, buffer: buffers.length - 1 });
    // The original index becomes the DEQUANTIZE output, so the consumers need no change.
    tensors[t] = { ...tensor, buffer: 0 };
    const op: Operator = { opcodeIndex: 0, inputs: [tensors.length - 1], outputs: [t], customOptionsFormat: 0, debugMetadataIndex: -1 };
    ops.push({ op, code: BuiltinOperator.DEQUANTIZE, version: dequantizeOpVersion('float16') });
  }
  const operators: OperatorReport[] = [];
  sg.operators.forEach((op, i) => {
    const oc = model.operatorCodes[op.opcodeIndex]!;
    ops.push({ op, code: oc.builtinCode, version: oc.version, ...(oc.customCode !== undefined ? { customCode: oc.customCode } : {}) });
    operators.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: 'unchanged', version: oc.version });
  });
  const assembled = assembleOperators(ops);
  const out = compactModel({
    ...model, buffers, operatorCodes: assembled.operatorCodes,
    subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors, operators: assembled.operators } : s)),
  });
  return {
    model: out, operators,
    warnings: ['Float16 weights are expanded to float32 when the model loads: the arena needs room for the float32 weights, and TFLite Micro runs the float kernels. Use int8 for microcontrollers.'],
  };
}
