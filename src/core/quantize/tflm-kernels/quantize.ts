/**
 * QUANTIZE and DEQUANTIZE: quantize.cc / quantize_common.cc (float → int8/int16 as AffineQuantize; int8/int16 →
 * int8/int16/int32 and int32 → int8/int16 as Requantize, the multiplier of s_in/s_out in double) and dequantize.cc
 * (int8/int16 → float32).
 */
import { BuiltinOperator, TensorType } from '../../tflite/index';
import { roundHalfAway } from '../quant-math';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../tflm-fixed-point';
import { isInt16, isInt8, newValues, scaleOf, typeName, typeRange, zeroPointOf, type TflmKernel, type TflmNode } from './common';

function quantize(node: TflmNode): Int8Array | Int16Array | Int32Array {
  const inT = node.inputs[0]!, out = node.output;
  const x = node.value(0);
  const y = newValues(out) as Int8Array | Int16Array | Int32Array;
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
    const v = (multiplyByQuantizedMultiplier((x[i]! - iz) | 0, multiplier, shift) + oz) | 0; // int32 arithmetic, as the C++
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
const isInt32 = (t: Parameters<typeof isInt8>[0]) => t?.type === TensorType.INT32;

/** The QUANTIZE conversions quantize_common.cc Prepare accepts (uint8 aside). */
function quantizeCheck(n: Parameters<TflmKernel['check']>[0]): string | undefined {
  const [x, y] = [n.inputs[0], n.output];
  const ok = x?.type === TensorType.FLOAT32 ? integer(y) : integer(x) ? integer(y) || isInt32(y) : isInt32(x) && integer(y);
  return ok ? undefined : `${typeName(x)} → ${typeName(y)}`;
}

export const QUANTIZE_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.QUANTIZE]: {
    check: quantizeCheck,
    run: quantize,
  },
  [BuiltinOperator.DEQUANTIZE]: {
    check: (n) => (integer(n.inputs[0]) && n.output.type === TensorType.FLOAT32 ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`),
    run: dequantize,
  },
};
