/**
 * LOGISTIC, TANH and HARD_SWISH in int8: logistic.cc / logistic_common.cc with integer_ops/logistic.h, tanh.cc with
 * integer_ops/tanh.h (both: the input rescaled to Q4.27, gemmlowp's fixed-point logistic / tanh, no lookup table for
 * int8); LOGISTIC and TANH in int16 (the same files: a linear interpolation in sigmoid_table_uint16), hard_swish.cc / hard_swish_common.cc with reference/hard_swish.h (int16 fixed point), and RELU / RELU6
 * (activations.cc, activations_common.cc, activations.h) and LEAKY_RELU (leaky_relu.cc, leaky_relu_common.cc,
 * reference/leaky_relu.h) in int8 and int16.
 */
import { BuiltinOperator } from '../../tflite/index';
import {
  calculateInputRadius, frexpMultiplier, logisticFixed, multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPot, srdhm16, tanhFixed,
} from '../tflm-fixed-point';
import { sigmoidTableUint16 } from './sigmoid-table';
import { isInt16, isInt8, newValues, num, scaleOf, typeName, typeRange, zeroPointOf, type TflmKernel, type TflmNode, type TflmNodeInfo, type TflmValues } from './common';

const int8InOut = (n: TflmNodeInfo): string | undefined => (isInt8(n.inputs[0]) && isInt8(n.output) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`);

/** CalculateArithmeticOpDataLogistic / tanh's CalculateArithmeticOpData for int8 (kInputIntegerBits = 4). */
function q4Input(node: TflmNode): { zp: number; radius: number; multiplier: number; shift: number } {
  return node.prepared('q4-input', () => {
    const input = node.inputs[0]!;
    const { multiplier, shift } = frexpMultiplier(scaleOf(input) * (1 << 27));
    return { zp: zeroPointOf(input), radius: calculateInputRadius(4, shift, 31), multiplier, shift };
  });
}

/**
 * LOGISTIC and TANH int8 (logistic.cc / tanh.cc): the input rescaled to Q4.27, the gemmlowp function, its Q0.31
 * result shifted to 8 bits (logistic: 2^-23 then -128, its output zero point; tanh: 2^-24), saturated outside
 * the input radius.
 */
function sigmoidLike(node: TflmNode, f: (x: number, integerBits: number) => number, outShift: number, outOffset: number): Int8Array {
  const x = node.value(0);
  const { zp, radius, multiplier, shift } = q4Input(node);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! - zp;
    if (v <= -radius) y[i] = -128;
    else if (v >= radius) y[i] = 127;
    else {
      const q = roundingDivideByPot(f(multiplyByQuantizedMultiplier(v, multiplier, shift), 4), outShift) + outOffset;
      y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
    }
  }
  return y;
}

const logistic = (node: TflmNode): Int8Array => sigmoidLike(node, logisticFixed, 23, -128);
const tanh = (node: TflmNode): Int8Array => sigmoidLike(node, tanhFixed, 24, 0);

/** CheckedLog2 (quantization_util.cc), in float32: log2(x) rounded, and whether x is within 0.1% of that power of two. */
function checkedLog2(x: number): { log2: number; exact: boolean } {
  const f = Math.fround;
  const log2 = f(f(Math.log(x)) * f(1 / f(Math.log(2))));
  const rounded = Math.round(Math.abs(log2)) * Math.sign(log2);
  return { log2: rounded, exact: Math.abs(f(log2 - rounded)) < f(1e-3) };
}

/**
 * The int16 Prepare of LOGISTIC / TANH (CalculateArithmeticOpDataLogistic, tanh.cc CalculateArithmeticOpData): a
 * power-of-two input scale of 2^-12 (TANH also 2^-11) keeps multiplier 0; any other scale is brought to 1/(3·4096) by
 * a 15-bit multiplier and a right shift. TFLM refuses a zero point other than 0 and an output scale other than 2^-15.
 */
function int16InputScaling(scale: number, shiftsPot: readonly number[]): { multiplier: number; shift: number } {
  const { log2, exact } = checkedLog2(scale);
  const potShift = 12 + log2;
  if (exact && shiftsPot.includes(potShift)) return { multiplier: 0, shift: potShift };
  let multiplier = scale * 4096 * 3;
  let shift = 0;
  while (multiplier <= 32767 / 2 && shift <= 30) { shift++; multiplier *= 2; }
  return { multiplier: Math.trunc(multiplier), shift };
}

const int16Check = (n: TflmNodeInfo): string | undefined => {
  const x = n.inputs[0]!, y = n.output;
  if (zeroPointOf(x) !== 0 || zeroPointOf(y) !== 0) return 'int16 with a zero point (TFLite Micro refuses it)';
  const out = checkedLog2(scaleOf(y));
  if (!out.exact || out.log2 !== -15) return `int16 output scale ${scaleOf(y)} ≠ 2^-15 (TFLite Micro refuses it)`;
  if (scaleOf(x) * 4096 * 3 > 32767) return `int16 input scale ${scaleOf(x)} too large for the 15-bit multiplier`;
  return undefined;
};

/**
 * LOGISTIC / TANH int16 (integer_ops/logistic.h, tanh.h): the input scaled so that one table step is 2^9 (logistic) or
 * 2^8 (tanh) units, the table entries either side interpolated on the magnitude, mirrored for negative inputs and
 * rounded back to 16 bits; saturated from table index 255 on.
 */
function sigmoidLike16(node: TflmNode, tanh: boolean): Int16Array {
  const { multiplier: m0, shift: s0 } = node.prepared(tanh ? 'tanh16' : 'logistic16', () => int16InputScaling(scaleOf(node.inputs[0]!), tanh ? [0, 1] : [0]));
  // the power-of-two case: multiplier 3 << shift, no shift
  const multiplier = m0 === 0 ? 3 << s0 : m0;
  const shift = m0 === 0 ? 0 : s0;
  const round = shift > 0 ? 2 ** (shift - 1) : 0;
  const table = sigmoidTableUint16();
  const fracBits = tanh ? 8 : 9;
  const fracMask = (1 << fracBits) - 1;
  const x = node.value(0);
  const y = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    // int32 arithmetic as in C (the product and the rounding term wrap), then an arithmetic shift
    const v = ((x[i]! * multiplier + round) | 0) >> shift;
    const a = Math.abs(v);
    const uh = a >>> fracBits;
    let r: number;
    if (uh >= 255) r = tanh ? 0xffff << 8 : 0x7fff << 10;
    else {
      const ua = table[uh]!, ub = table[uh + 1]!;
      r = ua * 2 ** fracBits + (a & fracMask) * (ub - ua);
    }
    if (tanh) r = (v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1) >> 8;
    else r = (v >= 0 ? r + (1 << 9) : (1 << 25) - r + (1 << 9) - 1) >>> 10;
    y[i] = r;
  }
  return y;
}

/** DownScaleInt32ToInt16Multiplier (common.h). */
const toInt16Multiplier = (m: number): number => (m >= 2147483647 - (1 << 15) ? 32767 : (m + (1 << 15)) >> 16);
/** reference/hard_swish.h SaturatingLeftShift for int16. */
const satLeft16 = (v: number, amount: number): number => Math.max(-32768, Math.min(32767, v * 2 ** amount));
/** reference/hard_swish.h SaturatingDoublingHighMul: int16, no rounding (truncation toward zero). */
const doublingHighMul16 = (a: number, b: number): number => (a === -32768 && b === -32768 ? 32767 : Math.trunc((a * b) / 32768));
const int16 = (v: number): number => (v << 16) >> 16;

function hardSwish(node: TflmNode): Int8Array {
  const p = node.prepared('hard-swish', () => {
    const input = node.inputs[0]!, out = node.output;
    const hires = Math.fround(Math.fround(1 / 128) * scaleOf(input));
    const om = quantizeMultiplier(Math.fround(hires / scaleOf(out)));
    const rm = quantizeMultiplier(Math.fround(hires / Math.fround(3 / 32768)));
    return {
      inZp: zeroPointOf(input), outZp: zeroPointOf(out),
      outM: toInt16Multiplier(om.multiplier), outE: om.shift, reluM: toInt16Multiplier(rm.multiplier), reluE: rm.shift,
    };
  });
  if (p.outE > 0) throw new RangeError('HARD_SWISH: output multiplier exponent > 0 (TFLite Micro refuses this model)');
  const x = node.value(0);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const hiresValue = int16((x[i]! - p.inZp) * 128);
    const preshift = srdhm16(hiresValue, p.outM);
    let relu = hiresValue;
    if (p.reluE > 0) relu = satLeft16(relu, p.reluE - 1);
    relu = srdhm16(relu, p.reluM);
    if (p.reluE > 0) relu = satLeft16(relu, 1);
    if (p.reluE < 0) relu = roundingDivideByPot(relu, -p.reluE);
    relu = (relu + (1 << 15)) >> 1;
    const v = int16(roundingDivideByPot(doublingHighMul16(relu, preshift), -p.outE) + p.outZp);
    y[i] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
  return y;
}

/** RELU: requantized by s_in/s_out (the float32 quotient), then clamped at the output's zero (ReluQuantized). */
function relu(node: TflmNode): TflmValues {
  const input = node.inputs[0]!, out = node.output;
  const p = node.prepared('relu', () => {
    const q = quantizeMultiplier(Math.fround(scaleOf(input) / scaleOf(out)));
    return { ...q, inZp: zeroPointOf(input), outZp: zeroPointOf(out) };
  });
  const [tmin, tmax] = typeRange(out.type);
  const lo = Math.max(tmin, p.outZp);
  const x = node.value(0);
  const y = newValues(out);
  for (let i = 0; i < x.length; i++) {
    const v = p.outZp + multiplyByQuantizedMultiplier(x[i]! - p.inZp, p.multiplier, p.shift);
    y[i] = v < lo ? lo : v > tmax ? tmax : v;
  }
  return y;
}

/** RELU6: a clamp to [zero point, round(6 / s_in) + zero point] of the input, no requantization (Relu6Quantized). */
function relu6(node: TflmNode): TflmValues {
  const input = node.inputs[0]!;
  const [tmin, tmax] = typeRange(input.type);
  const zero = zeroPointOf(input);
  const six = Math.max(tmin, Math.min(tmax, Math.round(Math.fround(6 / scaleOf(input))) + zero));
  const x = node.value(0);
  const y = newValues(node.output);
  for (let i = 0; i < x.length; i++) { const v = x[i]!; y[i] = v > six ? six : v < zero ? zero : v; }
  return y;
}

/** LEAKY_RELU: x ≥ 0 by s_in/s_out, x < 0 by s_in·alpha/s_out (both float32 products), QuantizeLeakyRelu. */
function leakyRelu(node: TflmNode): TflmValues {
  const input = node.inputs[0]!, out = node.output;
  const p = node.prepared('leaky-relu', () => {
    const alpha = Math.fround(num(node.options, 'alpha', 0.2));
    return {
      id: quantizeMultiplier(Math.fround(scaleOf(input) / scaleOf(out))),
      al: quantizeMultiplier(Math.fround(Math.fround(scaleOf(input) * alpha) / scaleOf(out))),
      inZp: zeroPointOf(input), outZp: zeroPointOf(out),
    };
  });
  const negative = p.al.multiplier < 0, am = Math.abs(p.al.multiplier);
  const [tmin, tmax] = typeRange(out.type);
  const x = node.value(0);
  const y = newValues(out);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! - p.inZp;
    let r = p.outZp;
    if (v >= 0) r += multiplyByQuantizedMultiplier(v, p.id.multiplier, p.id.shift);
    else { const a = multiplyByQuantizedMultiplier(v, am, p.al.shift); r += negative ? -a : a; }
    y[i] = r < tmin ? tmin : r > tmax ? tmax : r;
  }
  return y;
}

const int8or16 = (n: TflmNodeInfo): string | undefined => {
  const x = n.inputs[0];
  if (isInt8(x) && isInt8(n.output)) return undefined;
  if (isInt16(x) && isInt16(n.output)) return zeroPointOf(x!) || zeroPointOf(n.output) ? 'int16 with a zero point' : undefined;
  return `${typeName(x)} → ${typeName(n.output)}`;
};

export const ACTIVATION_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.LOGISTIC]: {
    check: (n) => (isInt16(n.inputs[0]) && isInt16(n.output) ? int16Check(n)
      : int8InOut(n) ?? (zeroPointOf(n.output) !== -128 ? 'output zero point ≠ −128' : undefined)),
    run: (node) => (isInt16(node.output) ? sigmoidLike16(node, false) : logistic(node)),
  },
  [BuiltinOperator.TANH]: {
    check: (n) => (isInt16(n.inputs[0]) && isInt16(n.output) ? int16Check(n) : int8InOut(n)),
    run: (node) => (isInt16(node.output) ? sigmoidLike16(node, true) : tanh(node)),
  },
  [BuiltinOperator.HARD_SWISH]: { check: int8InOut, run: hardSwish },
  [BuiltinOperator.RELU]: { check: int8or16, run: relu },
  [BuiltinOperator.RELU6]: { check: int8or16, run: relu6 },
  [BuiltinOperator.LEAKY_RELU]: { check: int8or16, run: leakyRelu },
};
