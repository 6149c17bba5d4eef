/**
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV, int8 and 16x8 (int16 activations, int8 weights):
 * conv.cc, depthwise_conv.cc, fully_connected.cc, transpose_conv.cc with conv_common.cc / fully_connected_common.cc
 * for Prepare, and the loops of integer_ops/conv.h (ConvPerChannel), depthwise_conv.h (DepthwiseConvPerChannel),
 * fully_connected.h, transpose_conv.h (a scatter into an int32 / int64 scratch buffer, then requantized).
 *
 * int8: int32 sums (wrapping, as in C++), the double-rounding MultiplyByQuantizedMultiplier. 16x8: the input zero
 * point is 0; with an int64 bias (or none) the sums are int64 and requantized by the int64 MultiplyByQuantizedMultiplier
 * (16-bit multiplier, one rounding); with an int32 bias CONV_2D and FULLY_CONNECTED take the int32 path of the int8
 * kernels, while TRANSPOSE_CONV always sums in int64 (an int16 bias widened, an int32 one refused: TFLM reads it as
 * int64).
 */
import { BuiltinOperator, TensorType, elementCount, type Tensor } from '../../tflite/index';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64, quantizeMultiplier } from '../tflm-fixed-point';
import { SimdDot, type DotRows, type Requantizer } from '../simd-dot';
import {
  SUPPORTED_ACTIVATIONS, activation, activationRange, convGeometry, isInt16, isInt8, newValues, num, scaleOf, transposeConvGeometry, typeName, zeroPointOf,
  type TflmKernel, type TflmNode, type TflmNodeInfo,
} from './common';
import { shapeMismatch } from '../errors';

/**
 * SUMS: every sum is formed exactly in a double (each product is below 2^23, so 2^30 taps stay below 2^53) and
 * wrapped to int32 once, in `requantizer`, where the int8 kernels' int32 accumulator wraps. Wrapping is modular, so
 * once at the end equals the C++ wrapping at every step; the int64 (16x8) sums need no wrap.
 */
interface ConvParams { m: Int32Array; s: Int32Array; lo: number; hi: number; outZp: number; inOff: number; wide: boolean }

/** PopulateConvolutionQuantizationParams: per-channel (or per-tensor, repeated) multipliers, in double. */
function convMultipliers(input: Tensor, filter: Tensor, output: Tensor, channels: number): { m: Int32Array; s: Int32Array } {
  const fs = filter.quantization?.scale ?? [1];
  const m = new Int32Array(channels), s = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const q = quantizeMultiplier((scaleOf(input) * (fs.length > 1 ? fs[c]! : fs[0]!)) / scaleOf(output));
    m[c] = q.multiplier;
    s[c] = q.shift;
  }
  return { m, s };
}

function check(node: TflmNodeInfo): string | undefined {
  const [x, w, b] = node.inputs;
  if (!SUPPORTED_ACTIVATIONS.has(activation(node.options))) return activation(node.options);
  if (!((isInt8(x) && isInt8(node.output)) || (isInt16(x) && isInt16(node.output)))) return `${typeName(x)} → ${typeName(node.output)}`;
  if (!isInt8(w)) return `${typeName(w)} weights`;
  if (b) {
    const ok = isInt8(x) ? b.type === TensorType.INT32 : b.type === TensorType.INT64 || (b.type === TensorType.INT32 && node.code !== BuiltinOperator.DEPTHWISE_CONV_2D);
    if (!ok) return `${typeName(b)} bias`;
  }
  if (isInt16(x) && (zeroPointOf(x!) !== 0 || zeroPointOf(node.output) !== 0)) return 'int16 with a zero point';
  return undefined;
}

/** Whether the 16x8 kernel sums in int64 (int64 bias, or none) rather than int32. */
function wideAccumulator(node: TflmNodeInfo): boolean {
  const b = node.inputs[2];
  return isInt16(node.inputs[0]) && (!b || b.type === TensorType.INT64 || node.code === BuiltinOperator.DEPTHWISE_CONV_2D);
}

function params(node: TflmNode, make: () => { m: Int32Array; s: Int32Array }): ConvParams {
  return node.prepared('multipliers', () => {
    const [lo, hi] = activationRange(activation(node.options), node.output);
    return { ...make(), lo, hi, outZp: zeroPointOf(node.output), inOff: -zeroPointOf(node.inputs[0]!), wide: wideAccumulator(node) };
  });
}

/**
 * An int8 layer's weight rows and requantization in WebAssembly SIMD (simd-dot.ts), prepared once per layer: its
 * int32 sums, wrapped at every step, are the exact sums modulo 2^32, which is all the int8 requantizer reads (see
 * SUMS), and the module requantizes them to the int8 outputs as `requantizer` does. Undefined where SIMD is not
 * available: the JS loops below then run.
 */
function simdRows(node: TflmNode, weights: Int8Array, rows: number, depth: number, p: ConvParams, bias: Float64Array): (ReturnType<SimdDot['views']> & { dot: SimdDot; rows: DotRows; q: Requantizer }) | undefined {
  return node.prepared('simd', () => {
    const dot = SimdDot.create();
    if (!dot) return undefined;
    const r = dot.rows(weights, rows, depth);
    const q = dot.requantizer(Int32Array.from(bias), p.m, p.s, p.outZp, p.lo, p.hi);
    return { dot, rows: r, q, ...dot.views(r) };
  });
}

/** The accumulator (bias included) to an output value. */
function requantizer(p: ConvParams): (acc: number, c: number) => number {
  const { m, s, lo, hi, outZp } = p;
  if (p.wide) {
    return (acc, c) => {
      const v = multiplyByQuantizedMultiplier64(acc, m[c]!, s[c]!) + outZp;
      return v < lo ? lo : v > hi ? hi : v;
    };
  }
  return (acc, c) => {
    const v = multiplyByQuantizedMultiplier(acc | 0, m[c]!, s[c]!) + outZp;
    return v < lo ? lo : v > hi ? hi : v;
  };
}

function biasOf(node: TflmNode, channels: number): Float64Array {
  const b = new Float64Array(channels);
  if (node.inputs[2]) {
    const v = node.value(2);
    for (let c = 0; c < channels; c++) b[c] = Number(v[c]!);
  }
  return b;
}

function fullyConnected(node: TflmNode): Int8Array | Int16Array {
  const input = node.inputs[0]!, filter = node.inputs[1]!, out = node.output;
  const x = node.value(0), w = node.value(1) as Int8Array;
  const depth = filter.shape[filter.shape.length - 1]!;
  const outDepth = out.shape[out.shape.length - 1]!;
  const batches = elementCount(out.shape) / outDepth;
  // The rows come from the output's declared shape, as in TFLite Micro: an input of another size is a damaged file.
  if (x.length !== batches * depth) throw shapeMismatch(out, 'FULLY_CONNECTED', [x.length / depth, outDepth]);
  const fs = filter.quantization?.scale ?? [1];
  const p = params(node, () => {
    if (fs.length > 1) return convMultipliers(input, filter, out, outDepth);
    // GetQuantizedConvolutionMultipler: the product of the two scales in float32, then divided in double.
    const q = quantizeMultiplier(Math.fround(scaleOf(input) * fs[0]!) / scaleOf(out));
    return { m: new Int32Array(outDepth).fill(q.multiplier), s: new Int32Array(outDepth).fill(q.shift) };
  });
  const bias = node.prepared('bias', () => biasOf(node, outDepth));
  const finish = requantizer(p);
  const inOff = p.inOff;
  const y = newValues(out, batches * outDepth) as Int8Array | Int16Array;
  const simd = isInt8(input) ? simdRows(node, w, outDepth, depth, p, bias) : undefined;
  if (simd) {
    for (let b = 0; b < batches; b++) {
      const xo = b * depth;
      for (let d = 0; d < depth; d++) simd.input[d] = x[xo + d]! + inOff;
      simd.dot.dotRequantized(simd.rows, simd.q);
      y.set(simd.output8, b * outDepth);
    }
    return y;
  }
  for (let b = 0; b < batches; b++) {
    const xo = b * depth;
    for (let oc = 0; oc < outDepth; oc++) {
      const wo = oc * depth;
      let acc = 0;
      for (let d = 0; d < depth; d++) acc += w[wo + d]! * (x[xo + d]! + inOff); // exact below 2^53 (see SUMS)
      y[b * outDepth + oc] = finish(acc + bias[oc]!, oc);
    }
  }
  return y;
}

function conv(node: TflmNode, depthwise: boolean): Int8Array | Int16Array {
  const input = node.inputs[0]!, filter = node.inputs[1]!, out = node.output, o = node.options;
  const x0 = node.value(0);
  const w = node.prepared('weights', () => Float64Array.from(node.value(1))); // one element type in the inner loops
  const { B, H, W, C, OH, OW, OC, FO, KH, KW, FI, sh, sw, dh, dw, padH, padW } = convGeometry(input, filter, out, o);
  const p = params(node, () => convMultipliers(input, filter, out, OC));
  const bias = node.prepared('bias', () => biasOf(node, OC));
  const finish = requantizer(p);
  const y = newValues(out, B * OH * OW * OC) as Int8Array | Int16Array;
  // input + input_offset, once, for the JS loops (the kernels add it per multiply; padding stays out of the sum either way)
  const offsetInput = () => {
    const x = new Float64Array(x0.length);
    for (let i = 0; i < x0.length; i++) x[i] = x0[i]! + p.inOff;
    return x;
  };
  if (depthwise) {
    const x = offsetInput();
    const acc = new Float64Array(OC); // exact sums (see SUMS)
    const depthMultiplier = num(o, 'depth_multiplier', 1) || OC / C;
    const inChannel = new Int32Array(OC);
    for (let oc = 0; oc < OC; oc++) inChannel[oc] = Math.floor(oc / depthMultiplier);
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          acc.fill(0);
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * sh - padH + dh * ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * sw - padW + dw * kx;
              if (ix < 0 || ix >= W) continue;
              const xBase = ((b * H + iy) * W + ix) * C, wBase = (ky * KW + kx) * OC;
              if (depthMultiplier === 1) for (let oc = 0; oc < OC; oc++) acc[oc] += w[wBase + oc]! * x[xBase + oc]!;
              else for (let oc = 0; oc < OC; oc++) acc[oc] += w[wBase + oc]! * x[xBase + inChannel[oc]!]!;
            }
          }
          const yBase = ((b * OH + oy) * OW + ox) * OC;
          for (let oc = 0; oc < OC; oc++) y[yBase + oc] = finish(acc[oc]! + bias[oc]!, oc);
        }
      }
    }
    return y;
  }
  // One output pixel at a time: its receptive field gathered into one row (0 where the filter hangs over the edge,
  // which adds nothing, as the kernel's skipped taps), then one dot product per output channel (filter [O, KH, KW, I]).
  const groups = C / FI, filtersPerGroup = FO / groups, K = KH * KW * FI;
  const simd = isInt8(input) && groups === 1 ? simdRows(node, node.value(1) as Int8Array, OC, K, p, bias) : undefined;
  if (simd) {
    // The whole layer in the module: receptive fields gathered (int8 + input offset, 0 over the edges), dot
    // products and requantization, per output pixel.
    const layer = node.prepared('simd-conv', () => simd.dot.convLayer(simd.rows, simd.q, {
      h: H, w: W, c: C, kh: KH, kw: KW, sh, sw, dh, dw, padH, padW, oh: OH, ow: OW, inOff: p.inOff,
    }));
    const n = H * W * C, m = OH * OW * OC;
    for (let b = 0; b < B; b++) simd.dot.runConv(layer, (x0 as Int8Array).subarray(b * n, (b + 1) * n), (y as Int8Array).subarray(b * m, (b + 1) * m));
    return y;
  }
  const x = offsetInput();
  const patch = new Float64Array(K * groups);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        patch.fill(0);
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * sh - padH + dh * ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * sw - padW + dw * kx;
            if (ix < 0 || ix >= W) continue;
            const xBase = ((b * H + iy) * W + ix) * C;
            if (groups === 1) patch.set(x.subarray(xBase, xBase + FI), (ky * KW + kx) * FI);
            else {
              for (let g = 0; g < groups; g++) {
                const pBase = g * K + (ky * KW + kx) * FI, cBase = xBase + g * FI;
                for (let ic = 0; ic < FI; ic++) patch[pBase + ic] = x[cBase + ic]!;
              }
            }
          }
        }
        const yBase = ((b * OH + oy) * OW + ox) * OC;
        for (let oc = 0; oc < OC; oc++) {
          const wBase = oc * K, pBase = groups === 1 ? 0 : Math.floor(oc / filtersPerGroup) * K;
          let a = 0, a1 = 0, k = 0;
          for (; k + 1 < K; k += 2) { a += w[wBase + k]! * patch[pBase + k]!; a1 += w[wBase + k + 1]! * patch[pBase + k + 1]!; }
          if (k < K) a += w[wBase + k]! * patch[pBase + k]!;
          a += a1;
          y[yBase + oc] = finish(a + bias[oc]!, oc);
        }
      }
    }
  }
  return y;
}

/**
 * transpose_conv.cc: inputs output_shape, weights [O, KH, KW, I], input, bias (optional). int8 with an int32 bias;
 * 16x8 always sums in int64 and reads the bias as int64 (an int16 bias is widened), so an int32 bias there is not
 * what the kernel reads. Padding is ComputePaddingHeightWidth on the output's size, dilation 1.
 */
function transposeConvCheck(node: TflmNodeInfo): string | undefined {
  const [, w, x, b] = node.inputs;
  if (!SUPPORTED_ACTIVATIONS.has(activation(node.options))) return activation(node.options);
  if (!((isInt8(x) && isInt8(node.output)) || (isInt16(x) && isInt16(node.output)))) return `${typeName(x)} → ${typeName(node.output)}`;
  if (!isInt8(w)) return `${typeName(w)} weights`;
  if (b && !(isInt8(x) ? b.type === TensorType.INT32 : b.type === TensorType.INT64 || b.type === TensorType.INT16)) return `${typeName(b)} bias`;
  if (isInt16(x) && (zeroPointOf(x!) !== 0 || zeroPointOf(node.output) !== 0)) return 'int16 with a zero point';
  return undefined;
}

function transposeConv(node: TflmNode): Int8Array | Int16Array {
  const filter = node.inputs[1]!, input = node.inputs[2]!, out = node.output, o = node.options;
  const { B, H, W, C, OH, OW, OC, KH, KW, sh, sw, padH, padW } = transposeConvGeometry(node);
  const p = node.prepared('multipliers', () => {
    const [lo, hi] = activationRange(activation(o), out);
    return { ...convMultipliers(input, filter, out, OC), lo, hi, outZp: isInt8(input) ? zeroPointOf(out) : 0, inOff: -zeroPointOf(input), wide: isInt16(input) };
  });
  const bias = node.prepared('bias', () => {
    const b = new Float64Array(OC);
    if (node.inputs[3]) b.set(Array.from(node.value(3), Number).slice(0, OC));
    return b;
  });
  const w = node.prepared('weights', () => Float64Array.from(node.value(1)));
  const x0 = node.value(2);
  const finish = requantizer(p);
  const K = KH * KW * C;
  const acc = new Float64Array(B * OH * OW * OC); // the scratch buffer, exact sums (see SUMS)
  const xs = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    for (let iy = 0; iy < H; iy++) {
      for (let ix = 0; ix < W; ix++) {
        const xBase = ((b * H + iy) * W + ix) * C;
        for (let ic = 0; ic < C; ic++) xs[ic] = x0[xBase + ic]! + p.inOff;
        for (let ky = 0; ky < KH; ky++) {
          const oy = iy * sh - padH + ky;
          if (oy < 0 || oy >= OH) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ox = ix * sw - padW + kx;
            if (ox < 0 || ox >= OW) continue;
            const aBase = ((b * OH + oy) * OW + ox) * OC, wTap = (ky * KW + kx) * C;
            for (let oc = 0; oc < OC; oc++) {
              const wBase = oc * K + wTap;
              let s = 0;
              for (let ic = 0; ic < C; ic++) s += xs[ic]! * w[wBase + ic]!;
              acc[aBase + oc] += s;
            }
          }
        }
      }
    }
  }
  const y = newValues(out, acc.length) as Int8Array | Int16Array;
  for (let i = 0; i < acc.length; i++) y[i] = finish(acc[i]! + bias[i % OC]!, i % OC);
  return y;
}

export const CONV_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.CONV_2D]: { check, run: (n) => conv(n, false) },
  [BuiltinOperator.DEPTHWISE_CONV_2D]: { check, run: (n) => conv(n, true) },
  [BuiltinOperator.FULLY_CONNECTED]: { check, run: fullyConnected },
  [BuiltinOperator.TRANSPOSE_CONV]: { check: transposeConvCheck, run: transposeConv },
};
