/**
 * SOFTMAX: softmax_common.cc CalculateSoftmaxParams + reference/softmax.h. int8 in and out: gemmlowp fixed point.
 * int16 in and out (SoftmaxInt16): exp of the input's difference to the row's maximum, rescaled so that [-10, 0]
 * spans the int16 range, from a table; the sum's reciprocal from a second table (1 / (1 + x)); both tables built in
 * Prepare (lut.ts).
 */
import { BuiltinOperator } from '../../tflite/index';
import { expOnNegativeValues, getReciprocal, multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPot, srdhm, wrap32 } from '../tflm-fixed-point';
import { isInt16, isInt8, scaleOf, typeName, zeroPointOf, type TflmKernel, type TflmNode, type TflmNodeInfo } from './common';
import { lutLookup, lutPopulateInt16 } from './lut';

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

/** The two int16 tables, as InitializeLutForInt16 fills them (range = 65535). */
export const int16SoftmaxTables = (() => {
  let luts: { exp: Int16Array; oneOverOnePlusX: Int16Array } | undefined;
  return () => (luts ??= {
    exp: lutPopulateInt16(Math.fround(10 / 65535), 32767, Math.fround(2 / 65535), 0, (v) => Math.fround(Math.exp(v))),
    oneOverOnePlusX: lutPopulateInt16(Math.fround(1 / 65535), -32768, Math.fround(2 / 65535), 0, (v) => Math.fround(1 / Math.fround(1 + v))),
  });
})();

function softmaxInt16(node: TflmNode): Int16Array {
  const input = node.inputs[0]!;
  const x = node.value(0) as Int16Array;
  const beta = typeof node.options['beta'] === 'number' ? (node.options['beta'] as number) : 1;
  // input_scale_beta_rescale: the input difference scaled so that [-65535, 0] is [-10, 0]
  const { multiplier, shift } = node.prepared('softmax16', () => quantizeMultiplier((scaleOf(input) * Math.fround(beta)) / (10 / 65535)));
  const { exp, oneOverOnePlusX } = int16SoftmaxTables();
  const depth = input.shape[input.shape.length - 1]!;
  const y = new Int16Array(x.length);
  for (let base = 0; base < x.length; base += depth) {
    let maxIn = -32768;
    for (let c = 0; c < depth; c++) maxIn = Math.max(maxIn, x[base + c]!);
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const scaled = multiplyByQuantizedMultiplier(x[base + c]! - maxIn, multiplier, shift) + 32767;
      y[base + c] = lutLookup(Math.min(Math.max(scaled, -32768), 32767), exp);
      sum += y[base + c]!;
    }
    const headroomPlusOne = Math.clz32(sum);
    const shiftedSum = Math.floor((sum * 2 ** (headroomPlusOne - 1) + (1 << 13)) / 2 ** 14);
    const reciprocal = lutLookup(Math.min(Math.max(shiftedSum - ((1 << 15) + (1 << 16)), -32768), 32767), oneOverOnePlusX);
    const rightShift = 31 - headroomPlusOne;
    const round = 2 ** (rightShift - 1);
    for (let c = 0; c < depth; c++) {
      const r = Math.floor((y[base + c]! * reciprocal + round) / 2 ** rightShift);
      y[base + c] = Math.min(Math.max(r, 0), 32767);
    }
  }
  return y;
}

/** CalculateSoftmaxParams: int16 needs zero points 0 and an output scale of 1/32768 (within 0.1%). */
function int16Check(n: TflmNodeInfo): string | undefined {
  const input = n.inputs[0]!, out = n.output;
  if (zeroPointOf(input) !== 0 || zeroPointOf(out) !== 0) return 'int16 zero points other than 0';
  if (Math.abs(scaleOf(out) - 1 / 32768) > 0.001 / 32768) return `output scale ${scaleOf(out)} (TFLite Micro: 1/32768)`;
  return undefined;
}

export const SOFTMAX_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.SOFTMAX]: {
    check: (n) => (isInt8(n.inputs[0]) && isInt8(n.output) ? undefined
      : isInt16(n.inputs[0]) && isInt16(n.output) ? int16Check(n) : `${typeName(n.inputs[0])} → ${typeName(n.output)}`),
    run: (n) => (isInt16(n.inputs[0]) ? softmaxInt16(n) : softmax(n)),
  },
};
