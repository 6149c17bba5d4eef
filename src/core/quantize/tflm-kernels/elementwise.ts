/**
 * The binary element-wise kernels, with broadcasting (the kernels' Broadcast*Slow loops): ADD (add.cc,
 * add_common.cc, int8 and int16), SUB (sub.cc, sub_common.cc), MUL (mul.cc, mul_common.cc, reference/integer_ops/mul.h),
 * MAXIMUM / MINIMUM (maximum_minimum.cc: no requantization) and PRELU (prelu.cc, prelu_common.cc, reference/prelu.h).
 */
import { BuiltinOperator, elementCount } from '../../tflite/index';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPot, srdhm, wrap32 } from '../tflm-fixed-point';
import {
  SUPPORTED_ACTIVATIONS, activation, activationRange, broadcastIndices, isInt16, isInt8, newValues, scaleOf, typeName, zeroPointOf,
  type TflmKernel, type TflmNode, type TflmNodeInfo, type TflmValues,
} from './common';

/** Both inputs and the output int8, or (where the kernel has it) all int16 with zero point 0. */
function sameIntegerTypes(node: TflmNodeInfo, int16: boolean): string | undefined {
  const [a, b] = node.inputs;
  if (!SUPPORTED_ACTIVATIONS.has(activation(node.options))) return activation(node.options);
  if (isInt8(a) && isInt8(b) && isInt8(node.output)) return undefined;
  if (int16 && isInt16(a) && isInt16(b) && isInt16(node.output)) {
    return zeroPointOf(a!) || zeroPointOf(b!) || zeroPointOf(node.output) ? 'int16 with a zero point' : undefined;
  }
  return `${typeName(a)}, ${typeName(b)} → ${typeName(node.output)}`;
}

/** The index maps of both inputs into the broadcast output (undefined: same shape), computed once per operator. */
function broadcastOf(node: TflmNode): { ia: ReturnType<typeof broadcastIndices>; ib: ReturnType<typeof broadcastIndices> } {
  const out = node.output;
  return node.prepared('broadcast', () => ({ ia: broadcastIndices(node.inputs[0]!.shape, out.shape), ib: broadcastIndices(node.inputs[1]!.shape, out.shape) }));
}

/** Runs `f(a, b)` over the broadcast output, the index maps computed once per operator. */
function binary(node: TflmNode, f: (a: number, b: number) => number): TflmValues {
  const xa = node.value(0), xb = node.value(1);
  const out = node.output;
  const n = elementCount(out.shape);
  const { ia, ib } = broadcastOf(node);
  const y = newValues(out, n);
  if (!ia && !ib) for (let i = 0; i < n; i++) y[i] = f(xa[i]!, xb[i]!);
  else for (let i = 0; i < n; i++) y[i] = f(xa[ia ? ia[i]! : i]!, xb[ib ? ib[i]! : i]!);
  return y;
}

/**
 * ADD and SUB: both inputs to a common scale with `left_shift` (20 for int8, 15 for int16) bits of headroom, summed,
 * and rescaled (MultiplyByQuantizedMultiplierSmallerThanOneExp: rounding high multiply, then rounding shift).
 * add_common.cc derives the multipliers in double; sub_common.cc divides the float32 scales in float32.
 */
function addSub(node: TflmNode, sign: 1 | -1): TflmValues {
  const a = node.inputs[0]!, b = node.inputs[1]!, out = node.output;
  const p = node.prepared('add-sub', () => {
    const leftShift = isInt16(out) ? 15 : 20;
    const sa = scaleOf(a), sb = scaleOf(b), so = scaleOf(out);
    let r1: number, r2: number, ro: number;
    if (sign === 1) {
      const twiceMax = 2 * Math.max(sa, sb);
      r1 = sa / twiceMax; r2 = sb / twiceMax; ro = twiceMax / ((1 << leftShift) * so);
    } else {
      const twiceMax = Math.fround(2 * Math.max(sa, sb));
      r1 = Math.fround(sa / twiceMax); r2 = Math.fround(sb / twiceMax); ro = Math.fround(twiceMax / Math.fround((1 << leftShift) * so));
    }
    const m1 = quantizeMultiplier(r1), m2 = quantizeMultiplier(r2), mo = quantizeMultiplier(ro);
    const [lo, hi] = activationRange(activation(node.options), out);
    return { leftShift: 2 ** leftShift, m1, m2, mo, off1: -zeroPointOf(a), off2: -zeroPointOf(b), outZp: zeroPointOf(out), lo, hi };
  });
  const { leftShift, m1, m2, mo, off1, off2, outZp, lo, hi } = p;
  const mm1 = m1.multiplier, sh1 = -m1.shift, mm2 = m2.multiplier, sh2 = -m2.shift, mmo = mo.multiplier, sho = -mo.shift;
  const scaled1 = (x1: number) => roundingDivideByPot(srdhm(wrap32((x1 + off1) * leftShift), mm1), sh1);
  const scaled2 = (x2: number) => roundingDivideByPot(srdhm(wrap32((x2 + off2) * leftShift), mm2), sh2);
  const finish = (s1: number, s2: number) => {
    const v = roundingDivideByPot(srdhm(wrap32(sign === 1 ? s1 + s2 : s1 - s2), mmo), sho) + outZp;
    return v < lo ? lo : v > hi ? hi : v;
  };
  if (isInt16(out)) return binary(node, (x1, x2) => finish(scaled1(x1), scaled2(x2)));
  // int8: each input's rescaled value depends on that input alone, 256 values each, tabulated once per operator.
  const { t1, t2 } = node.prepared('add-sub-tables', () => ({ t1: Int32Array.from({ length: 256 }, (_, i) => scaled1(i - 128)), t2: Int32Array.from({ length: 256 }, (_, i) => scaled2(i - 128)) }));
  const xa = node.value(0), xb = node.value(1);
  const n = elementCount(out.shape);
  const { ia, ib } = broadcastOf(node);
  if (ia || ib) return binary(node, (x1, x2) => finish(t1[x1 + 128]!, t2[x2 + 128]!));
  // The common case (same shapes) in one loop the JIT inlines whole: the shared `binary` loop calls a different
  // closure per operator and ran at about 150 ns per value.
  const y = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const s1 = t1[xa[i]! + 128]!, s2 = t2[xb[i]! + 128]!;
    const v = roundingDivideByPot(srdhm(wrap32(sign === 1 ? s1 + s2 : s1 - s2), mmo), sho) + outZp;
    y[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return y;
}

/** MUL: (a + offset)·(b + offset) rescaled by s_a·s_b/s_out (double), as MulElementwise. */
function mul(node: TflmNode): TflmValues {
  const a = node.inputs[0]!, b = node.inputs[1]!, out = node.output;
  const p = node.prepared('mul', () => {
    const q = quantizeMultiplier((scaleOf(a) * scaleOf(b)) / scaleOf(out));
    const [lo, hi] = activationRange(activation(node.options), out);
    return { m: q.multiplier, s: q.shift, off1: -zeroPointOf(a), off2: -zeroPointOf(b), outZp: zeroPointOf(out), lo, hi };
  });
  const { m, s, off1, off2, outZp, lo, hi } = p;
  return binary(node, (x1, x2) => {
    const v = multiplyByQuantizedMultiplier(Math.imul(x1 + off1, x2 + off2), m, s) + outZp;
    return v < lo ? lo : v > hi ? hi : v;
  });
}

/** PRELU: input ≥ 0 rescaled by s_in/s_out, else input·alpha by s_in·s_alpha/s_out (both in double). */
function prelu(node: TflmNode): TflmValues {
  const x = node.inputs[0]!, alpha = node.inputs[1]!, out = node.output;
  const p = node.prepared('prelu', () => {
    const q1 = quantizeMultiplier(scaleOf(x) / scaleOf(out));
    const q2 = quantizeMultiplier((scaleOf(x) * scaleOf(alpha)) / scaleOf(out));
    return { q1, q2, inOff: -zeroPointOf(x), alphaOff: -zeroPointOf(alpha), outZp: zeroPointOf(out) };
  });
  const { q1, q2, inOff, alphaOff, outZp } = p;
  const [lo, hi] = isInt16(out) ? [-32768, 32767] : [-128, 127];
  return binary(node, (v, al) => {
    const iv = inOff + v;
    const r = (iv >= 0 ? multiplyByQuantizedMultiplier(iv, q1.multiplier, q1.shift)
      : multiplyByQuantizedMultiplier(Math.imul(iv, alphaOff + al), q2.multiplier, q2.shift)) + outZp;
    return r < lo ? lo : r > hi ? hi : r;
  });
}

const binaryKernel = (int16: boolean, run: (n: TflmNode) => TflmValues): TflmKernel => ({ check: (n) => sameIntegerTypes(n, int16), run });

export const ELEMENTWISE_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.ADD]: binaryKernel(true, (n) => addSub(n, 1)),
  [BuiltinOperator.SUB]: binaryKernel(true, (n) => addSub(n, -1)),
  [BuiltinOperator.MUL]: binaryKernel(true, mul), // int16: the same MulElementwise, zero points 0 (mul_common.cc)
  [BuiltinOperator.MAXIMUM]: binaryKernel(true, (n) => binary(n, (a, b) => (a > b ? a : b))),
  [BuiltinOperator.MINIMUM]: binaryKernel(true, (n) => binary(n, (a, b) => (a < b ? a : b))),
  [BuiltinOperator.PRELU]: {
    check: (n) => (isInt8(n.inputs[0]) && isInt8(n.inputs[1]) && isInt8(n.output) ? undefined : `${typeName(n.inputs[0])}, ${typeName(n.inputs[1])} alpha → ${typeName(n.output)}`),
    run: prelu,
  },
};
