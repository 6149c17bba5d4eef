/**
 * How the int16x8 writers (integer-graph.ts for `--mode int16x8`, mixed-precision.ts for an accuracy target's
 * int16x8 layers) write around CMSIS-NN's int16 TRANSPOSE_CONV (int16-kernels.ts INT16X8_LIMITS): one form for both,
 * so the two files they write run the same on the device.
 */
import { BuiltinOperator, TensorType, type Operator, type QuantParams, type Tensor } from '../tflite/index';
import { simpleOp, type VersionedOperator } from './graph';
import { OP_RULES, type OpRule } from './op-rules';

/**
 * A TRANSPOSE_CONV (`emitted`, writing `tensors[out]`) with its fused RELU / RELU6 (`activation`) written apart: the
 * TRANSPOSE_CONV with activation NONE into a copy of the output (the same parameters), then the activation as its
 * own int16 operator into the output. The same integers: the requantization clamps to the int16 range, the
 * activation then to its own (RELU requantizes at a ratio of exactly 1; RELU6 reads only its input's parameters).
 * Pushes the copy onto `tensors` and returns the two operators, in order.
 */
export function unfusedInt16(tensors: Tensor[], emitted: Operator & { builtinOptions: NonNullable<Operator['builtinOptions']> }, rule: OpRule,
  activation: BuiltinOperator.RELU | BuiltinOperator.RELU6, inputShapes: number[][]): VersionedOperator[] {
  const out = emitted.outputs[0]!;
  tensors.push({ ...tensors[out]!, name: `${tensors[out]!.name}_before_${BuiltinOperator[activation]}`, buffer: 0 });
  const pre = tensors.length - 1;
  const conv: Operator = { ...emitted, outputs: [pre], builtinOptions: { ...emitted.builtinOptions, table: { ...emitted.builtinOptions.table, fused_activation_function: 'NONE' } } };
  const act = simpleOp([pre], [out]);
  const scale = tensors[out]!.quantization!.scale[0]!;
  return [
    { op: conv, code: BuiltinOperator.TRANSPOSE_CONV, version: rule.version({ activation: 'int16', op: conv, inputShapes, scales: { inputs: [], output: 0 } }) },
    { op: act, code: activation, version: OP_RULES[activation]!.version({ activation: 'int16', op: act, inputShapes: [tensors[out]!.shape], scales: { inputs: [scale], output: scale } }) },
  ];
}

/**
 * The zero int64 bias of an int16 TRANSPOSE_CONV that has none (CMSIS-NN's Prepare reads the bias unchecked; the
 * reference kernel takes either): a tensor named for its weights, over `buffer`, with the bias scales `q`.
 */
export function zeroBiasTensor(weights: Tensor, channels: number, buffer: number, q: QuantParams): Tensor {
  return { name: `${weights.name}_zero_bias`, shape: [channels], type: TensorType.INT64, buffer, quantization: q, isVariable: false, hasRank: true, externalBuffer: 0 };
}
