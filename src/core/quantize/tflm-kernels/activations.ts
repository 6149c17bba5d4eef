/**
 * LOGISTIC, TANH and HARD_SWISH in int8: logistic.cc / logistic_common.cc with integer_ops/logistic.h, tanh.cc with
 * integer_ops/tanh.h (both: the input rescaled to Q4.27, gemmlowp's fixed-point logistic / tanh, no lookup table for
 * int8), and hard_swish.cc / hard_swish_common.cc with reference/hard_swish.h (int16 fixed point).
 */
import { BuiltinOperator } from '../../tflite/index';
import {
  calculateInputRadius, frexpMultiplier, logisticFixed, multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPot, srdhm16, tanhFixed,
} from '../tflm-fixed-point';
import { isInt8, scaleOf, typeName, zeroPointOf, type TflmKernel, type TflmNode, type TflmNodeInfo } from './common';

const int8InOut = (n: TflmNodeInfo): string | undefined => (isInt8(n.inputs[0]) && isInt8(n.output) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`);

/** CalculateArithmeticOpDataLogistic / tanh's CalculateArithmeticOpData for int8 (kInputIntegerBits = 4). */
function q4Input(node: TflmNode): { zp: number; radius: number; multiplier: number; shift: number } {
  return node.prepared('q4-input', () => {
    const input = node.inputs[0]!;
    const { multiplier, shift } = frexpMultiplier(scaleOf(input) * (1 << 27));
    return { zp: zeroPointOf(input), radius: calculateInputRadius(4, shift, 31), multiplier, shift };
  });
}

function logistic(node: TflmNode): Int8Array {
  const x = node.value(0);
  const { zp, radius, multiplier, shift } = q4Input(node);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! - zp;
    if (v <= -radius) y[i] = -128;
    else if (v >= radius) y[i] = 127;
    else {
      const q = roundingDivideByPot(logisticFixed(multiplyByQuantizedMultiplier(v, multiplier, shift), 4), 23) - 128;
      y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
    }
  }
  return y;
}

function tanh(node: TflmNode): Int8Array {
  const x = node.value(0);
  const { zp, radius, multiplier, shift } = q4Input(node);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! - zp;
    if (v <= -radius) y[i] = -128;
    else if (v >= radius) y[i] = 127;
    else {
      const q = roundingDivideByPot(tanhFixed(multiplyByQuantizedMultiplier(v, multiplier, shift), 4), 24);
      y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
    }
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

export const ACTIVATION_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.LOGISTIC]: {
    check: (n) => int8InOut(n) ?? (zeroPointOf(n.output) !== -128 ? 'output zero point ≠ −128' : undefined),
    run: logistic,
  },
  [BuiltinOperator.TANH]: { check: int8InOut, run: tanh },
  [BuiltinOperator.HARD_SWISH]: { check: int8InOut, run: hardSwish },
};
