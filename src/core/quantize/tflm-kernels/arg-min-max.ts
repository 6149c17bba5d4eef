/**
 * ARG_MAX and ARG_MIN: arg_min_max.cc and reference/arg_min_max.h. int8 or float32 input, an int32 axis, int32
 * indices (TFLite Micro has no int64 output and no int16 input). Along the axis the first element is the start, and a
 * later one replaces it only when strictly greater (smaller): ties keep the lowest index. TFLite Micro passes the
 * plain comparisons (comparisons.h GreaterFn / LessFn), not the NaN-aware ones of arg_min_max.h: a NaN never wins,
 * and a NaN first is never replaced.
 */
import { BuiltinOperator, TensorType } from '../../tflite/index';
import { typeName, type TflmKernel, type TflmNode, type TflmNodeInfo } from './common';

function check(n: TflmNodeInfo): string | undefined {
  const x = n.inputs[0], axis = n.inputs[1];
  if (!x || (x.type !== TensorType.INT8 && x.type !== TensorType.FLOAT32)) return `${typeName(x)} input`;
  if (axis?.type !== TensorType.INT32) return `${typeName(axis)} axis`;
  if (n.output.type !== TensorType.INT32) return `${typeName(n.output)} output (TFLite Micro writes int32 indices)`;
  return undefined;
}

function argMinMax(node: TflmNode, max: boolean): Int32Array {
  const shape = node.inputs[0]!.shape;
  const x = node.value(0);
  let axis = node.value(1)[0]!;
  if (axis < 0) axis += shape.length;
  const size = shape[axis]!;
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const y = new Int32Array(outer * inner);
  const wins = max ? (c: number, m: number) => c > m : (c: number, m: number) => c < m;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * size * inner + i]!, at = 0;
      for (let k = 1; k < size; k++) {
        const v = x[(o * size + k) * inner + i]!;
        if (wins(v, best)) { best = v; at = k; }
      }
      y[o * inner + i] = at;
    }
  }
  return y;
}

export const ARG_MIN_MAX_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.ARG_MAX]: { check, run: (n) => argMinMax(n, true) },
  [BuiltinOperator.ARG_MIN]: { check, run: (n) => argMinMax(n, false) },
};
