/**
 * MEAN, int8 and int16: reduce.cc / reduce_common.cc (PrepareMeanOrSumHelper: multiplier of s_in/s_out in double)
 * and reference/reduce.h QuantizedMeanOrSum: int32 sums, the multiplier folded with 1/count in int64 arithmetic.
 */
import { BuiltinOperator, elementCount } from '../../tflite/index';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../tflm-fixed-point';
import { isInt16, isInt8, newValues, scaleOf, typeName, typeRange, zeroPointOf, type TflmKernel, type TflmNode } from './common';

function mean(node: TflmNode): Int8Array | Int16Array {
  const input = node.inputs[0]!, out = node.output;
  const p = node.prepared('mean', () => {
    const rank = input.shape.length;
    const axes = new Set(Array.from(node.value(1), (a) => ((a % rank) + rank) % rank));
    // For each input index, the output index: the reduced dimensions dropped (keep_dims only changes the shape).
    const map = new Int32Array(elementCount(input.shape));
    const pos = new Array<number>(rank).fill(0);
    let count = 1;
    for (const a of axes) count *= input.shape[a]!;
    for (let i = 0; i < map.length; i++) {
      let o = 0;
      for (let d = 0; d < rank; d++) if (!axes.has(d)) o = o * input.shape[d]! + pos[d]!;
      map[i] = o;
      for (let d = rank - 1; d >= 0; d--) { if (++pos[d]! < input.shape[d]!) break; pos[d] = 0; }
    }
    const q = quantizeMultiplier(scaleOf(input) / scaleOf(out));
    // QuantizedMeanOrSum: fold 1/count into the multiplier, multiplier · 2^shift / count in int64 (truncating).
    // shift = 63 − CountLeadingZeros(count): the index of count's highest set bit
    const shift = Math.min(31 - Math.clz32(count), 32, 31 + q.shift);
    const multiplier = Number((BigInt(q.multiplier) << BigInt(shift)) / BigInt(count));
    return { map, count, multiplier: multiplier | 0, shift: q.shift - shift, inZp: zeroPointOf(input), outZp: zeroPointOf(out) };
  });
  const x = node.value(0);
  const y = newValues(out) as Int8Array | Int16Array;
  const sums = new Int32Array(y.length);
  const { map } = p;
  for (let i = 0; i < x.length; i++) sums[map[i]!] = (sums[map[i]!]! + x[i]!) | 0;
  const [lo, hi] = typeRange(out.type);
  const offset = Math.imul(p.inZp, p.count);
  for (let k = 0; k < y.length; k++) {
    const v = multiplyByQuantizedMultiplier((sums[k]! - offset) | 0, p.multiplier, p.shift) + p.outZp;
    y[k] = v < lo ? lo : v > hi ? hi : v;
  }
  return y;
}

export const REDUCE_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.MEAN]: {
    check: (n) => ((isInt8(n.inputs[0]) && isInt8(n.output)) || (isInt16(n.inputs[0]) && isInt16(n.output)) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`),
    run: mean,
  },
};
