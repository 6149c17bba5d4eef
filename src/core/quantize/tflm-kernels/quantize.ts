/**
 * QUANTIZE and DEQUANTIZE: quantize.cc / quantize_common.cc (float → int8/int16 as AffineQuantize; int8/int16 →
 * int8/int16 as Requantize, the multiplier of s_in/s_out in double) and dequantize.cc (int8/int16 → float32).
 */
import { BuiltinOperator, TensorType } from '../../tflite/index';
import { roundHalfAway } from '../quant-math';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../tflm-fixed-point';
import { isInt16, isInt8, newValues, scaleOf, typeName, typeRange, zeroPointOf, type TflmKernel, type TflmNode } from './common';

function quantize(node: TflmNode): Int8Array | Int16Array {
  const inT = node.inputs[0]!, out = node.output;
  const x = node.value(0);
  const y = newValues(out) as Int8Array | Int16Array;
  const n = y.length;
  const os = scaleOf(out), oz = zeroPointOf(out);
  const [lo, hi] = typeRange(out.type);
  if (x instanceof Float32Array) {
    for (let i = 0; i < n; i++) y[i] = Math.min(hi, Math.max(lo, roundHalfAway(Math.fround(x[i]! / os)) + oz));
    return y;
  }
  const { multiplier, shift } = node.prepared('requantize', () => quantizeMultiplier(scaleOf(inT) / os));
  const iz = zeroPointOf(inT);
  for (let i = 0; i < n; i++) {
    const v = multiplyByQuantizedMultiplier(x[i]! - iz, multiplier, shift) + oz;
    y[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return y;
}

function dequantize(node: TflmNode): Float32Array {
  const x = node.value(0), s = scaleOf(node.inputs[0]!), zp = zeroPointOf(node.inputs[0]!);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.fround((x[i]! - zp) * s);
  return y;
}

const integer = (t: Parameters<typeof isInt8>[0]) => isInt8(t) || isInt16(t);

export const QUANTIZE_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.QUANTIZE]: {
    check: (n) => ((n.inputs[0]?.type === TensorType.FLOAT32 || integer(n.inputs[0])) && integer(n.output) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`),
    run: quantize,
  },
  [BuiltinOperator.DEQUANTIZE]: {
    check: (n) => (integer(n.inputs[0]) && n.output.type === TensorType.FLOAT32 ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`),
    run: dequantize,
  },
};
