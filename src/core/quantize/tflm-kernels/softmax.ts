/** SOFTMAX, int8 in and out: softmax_common.cc CalculateSoftmaxParams + reference/softmax.h (gemmlowp fixed point). */
import { BuiltinOperator } from '../../tflite/index';
import { expOnNegativeValues, getReciprocal, quantizeMultiplier, roundingDivideByPot, srdhm, wrap32 } from '../tflm-fixed-point';
import { isInt8, scaleOf, typeName, type TflmKernel, type TflmNode } from './common';

function softmax(node: TflmNode): Int8Array {
  const input = node.inputs[0]!;
  const x = node.value(0) as Int8Array;
  const beta = typeof node.options['beta'] === 'number' ? (node.options['beta'] as number) : 1;
  const kScaledDiffIntegerBits = 5, kAccumulationIntegerBits = 12;
  const { multiplier, leftShift, diffMin } = node.prepared('softmax', () => {
    // PreprocessSoftmaxScaling + QuantizeMultiplierGreaterThanOne
    const real = Math.min(beta * scaleOf(input) * (1 << (31 - kScaledDiffIntegerBits)), 2 ** 31 - 1);
    const q = quantizeMultiplier(real);
    // CalculateInputRadius(5, leftShift, 31)
    const dm = -Math.floor((((1 << kScaledDiffIntegerBits) - 1) * 2 ** (31 - kScaledDiffIntegerBits)) / 2 ** q.shift);
    return { multiplier: q.multiplier, leftShift: q.shift, diffMin: dm };
  });
  const depth = input.shape[input.shape.length - 1]!;
  const outer = x.length / depth;
  const y = new Int8Array(x.length);
  const exps = new Int32Array(depth);
  const scale = 2 ** leftShift;
  for (let i = 0; i < outer; i++) {
    const base = i * depth;
    let maxIn = -128;
    for (let c = 0; c < depth; c++) maxIn = Math.max(maxIn, x[base + c]!);
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c]! - maxIn;
      if (diff >= diffMin) {
        exps[c] = expOnNegativeValues(srdhm(wrap32(diff * scale), multiplier), kScaledDiffIntegerBits);
        sum = wrap32(sum + roundingDivideByPot(exps[c]!, kAccumulationIntegerBits));
      }
    }
    const { reciprocal, numBitsOverUnit } = getReciprocal(sum, kAccumulationIntegerBits);
    const exponent = numBitsOverUnit + 31 - 8;
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c]! - maxIn;
      if (diff >= diffMin) {
        const v = roundingDivideByPot(srdhm(reciprocal, exps[c]!), exponent) - 128;
        y[base + c] = Math.max(-128, Math.min(127, v));
      } else y[base + c] = -128;
    }
  }
  return y;
}

export const SOFTMAX_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.SOFTMAX]: { check: (n) => (isInt8(n.inputs[0]) && isInt8(n.output) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`), run: softmax },
};
