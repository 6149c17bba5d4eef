/**
 * The float32 reference kernels, for the layers mixed precision (`--target-sqnr`) keeps in float between a DEQUANTIZE
 * and a QUANTIZE: reference/conv.h, depthwiseconv_float.h, fully_connected.h, transpose_conv.h (its scatter order), add.h / sub.h / mul.h (with
 * broadcasting), pooling.h, reduce.h (MEAN), logistic.h, as TFLite Micro's reference kernels call them. Every
 * operation is rounded to float32 (`Math.fround`) in the loops' own order: a float32 sum or product formed in double
 * and rounded once is the correctly rounded float32 result, which is what the C++ computes without fused
 * multiply-add (x86_64 SSE, and the default Arm hard-float VFP). LOGISTIC calls exp: `Math.exp` rounded to float32
 * against the C library's expf, which is not guaranteed to agree in the last bit.
 */
import { BuiltinOperator, TensorType, elementCount } from '../../tflite/index';
import {
  SUPPORTED_ACTIVATIONS, activation, broadcastIndices, convGeometry, isSame, num, padding, transposeConvGeometry, typeName,
  type TflmKernel, type TflmNode, type TflmNodeInfo, type TflmValues,
} from './common';

const f = Math.fround;
/** A float32 node: float32 output, and inputs float32 or int32 (shapes, axes; TRANSPOSE_CONV's output shape comes first). */
const isFloat = (n: TflmNodeInfo): boolean => n.output.type === TensorType.FLOAT32
  && n.inputs.some((t) => t?.type === TensorType.FLOAT32) && n.inputs.every((t) => !t || t.type === TensorType.FLOAT32 || t.type === TensorType.INT32);

/** kernel_util.h CalculateActivationRange for float. */
function floatRange(act: string): [number, number] {
  switch (act) {
    case 'RELU': return [0, Infinity];
    case 'RELU6': return [0, 6];
    case 'RELU_N1_TO_1': return [-1, 1];
    default: return [-Infinity, Infinity];
  }
}
const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** The inputs that are shapes or axes (int32) rather than values: TFLite Micro reads every other input as float. */
const INT32_INPUTS: Partial<Record<number, number>> = {
  [BuiltinOperator.TRANSPOSE_CONV]: 0, [BuiltinOperator.MEAN]: 1, [BuiltinOperator.RESIZE_BILINEAR]: 1,
};

function check(n: TflmNodeInfo): string | undefined {
  if (!SUPPORTED_ACTIVATIONS.has(activation(n.options))) return activation(n.options);
  const shapeInput = INT32_INPUTS[n.code];
  for (let i = 0; i < n.inputs.length; i++) {
    const t = n.inputs[i];
    if (t && t.type !== (i === shapeInput ? TensorType.INT32 : TensorType.FLOAT32)) return `${typeName(t)} input ${i} to a float kernel`;
  }
  return undefined;
}

function conv(node: TflmNode, depthwise: boolean): Float32Array {
  const input = node.inputs[0]!, filter = node.inputs[1]!, out = node.output, o = node.options;
  const x = node.value(0) as Float32Array, w = node.value(1) as Float32Array;
  const bias = node.inputs[2] ? (node.value(2) as Float32Array) : undefined;
  const { B, H, W, C, OH, OW, OC, FO, KH, KW, FI, sh, sw, dh, dw, padH, padW } = convGeometry(input, filter, out, o);
  const [lo, hi] = floatRange(activation(o));
  const y = new Float32Array(B * OH * OW * OC);
  const mult = depthwise ? num(o, 'depth_multiplier', 1) || OC / C : 1;
  const groups = depthwise ? 1 : C / FI, perGroup = FO / groups;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let oc = 0; oc < OC; oc++) {
          let total = 0;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * sh - padH + dh * ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * sw - padW + dw * kx;
              if (ix < 0 || ix >= W) continue;
              const xBase = ((b * H + iy) * W + ix) * C;
              if (depthwise) total = f(total + f(x[xBase + Math.floor(oc / mult)]! * w[(ky * KW + kx) * OC + oc]!));
              else {
                const g = Math.floor(oc / perGroup), wBase = ((oc * KH + ky) * KW + kx) * FI;
                for (let ic = 0; ic < FI; ic++) total = f(total + f(x[xBase + g * FI + ic]! * w[wBase + ic]!));
              }
            }
          }
          y[((b * OH + oy) * OW + ox) * OC + oc] = clamp(f(total + (bias ? bias[oc]! : 0)), lo, hi);
        }
      }
    }
  }
  return y;
}

function fullyConnected(node: TflmNode): Float32Array {
  const filter = node.inputs[1]!, out = node.output;
  const x = node.value(0) as Float32Array, w = node.value(1) as Float32Array;
  const bias = node.inputs[2] ? (node.value(2) as Float32Array) : undefined;
  const depth = filter.shape[filter.shape.length - 1]!;
  const outDepth = out.shape[out.shape.length - 1]!;
  const batches = elementCount(out.shape) / outDepth;
  const [lo, hi] = floatRange(activation(node.options));
  const y = new Float32Array(batches * outDepth);
  for (let b = 0; b < batches; b++) {
    for (let oc = 0; oc < outDepth; oc++) {
      let total = 0;
      for (let d = 0; d < depth; d++) total = f(total + f(x[b * depth + d]! * w[oc * depth + d]!));
      y[b * outDepth + oc] = clamp(f(total + (bias ? bias[oc]! : 0)), lo, hi);
    }
  }
  return y;
}

function binary(node: TflmNode, op: (a: number, b: number) => number): Float32Array {
  const xa = node.value(0), xb = node.value(1), out = node.output;
  const n = elementCount(out.shape);
  const { ia, ib } = node.prepared('broadcast', () => ({ ia: broadcastIndices(node.inputs[0]!.shape, out.shape), ib: broadcastIndices(node.inputs[1]!.shape, out.shape) }));
  const [lo, hi] = floatRange(activation(node.options));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = clamp(f(op(xa[ia ? ia[i]! : i]!, xb[ib ? ib[i]! : i]!)), lo, hi);
  return y;
}

function pool(node: TflmNode, max: boolean): Float32Array {
  const o = node.options, input = node.inputs[0]!, out = node.output;
  const x = node.value(0) as Float32Array;
  const [B, H, W, C] = input.shape as [number, number, number, number];
  const [, OH, OW] = out.shape as [number, number, number, number];
  const fw = num(o, 'filter_width', 1), fh = num(o, 'filter_height', 1);
  const sw = num(o, 'stride_w', 1), sh = num(o, 'stride_h', 1);
  const padH = padding(isSame(o), sh, 1, H, fh), padW = padding(isSame(o), sw, 1, W, fw);
  const [lo, hi] = floatRange(activation(o));
  const y = new Float32Array(B * OH * OW * C);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const iy0 = oy * sh - padH, ix0 = ox * sw - padW;
        const ky0 = Math.max(0, -iy0), ky1 = Math.min(fh, H - iy0), kx0 = Math.max(0, -ix0), kx1 = Math.min(fw, W - ix0);
        for (let c = 0; c < C; c++) {
          let acc = max ? -3.4028234663852886e38 : 0, count = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const v = x[((b * H + iy0 + ky) * W + ix0 + kx) * C + c]!;
              if (max) { if (v > acc) acc = v; } else acc = f(acc + v);
              count++;
            }
          }
          y[((b * OH + oy) * OW + ox) * C + c] = clamp(max ? acc : f(acc / count), lo, hi);
        }
      }
    }
  }
  return y;
}

/** MEAN: float32 sums in the input's order (both of TFLM's paths), divided by the count. */
function mean(node: TflmNode): Float32Array {
  const input = node.inputs[0]!, out = node.output;
  const rank = input.shape.length;
  const axes = new Set(Array.from(node.value(1), (a) => ((a % rank) + rank) % rank));
  let count = 1;
  for (const a of axes) count *= input.shape[a]!;
  const x = node.value(0) as Float32Array;
  const y = new Float32Array(elementCount(out.shape));
  const pos = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) if (!axes.has(d)) o = o * input.shape[d]! + pos[d]!;
    y[o] = f(y[o]! + x[i]!);
    for (let d = rank - 1; d >= 0; d--) { if (++pos[d]! < input.shape[d]!) break; pos[d] = 0; }
  }
  for (let k = 0; k < y.length; k++) y[k] = f(y[k]! / count);
  return y;
}

/** reference/resize_bilinear.h ResizeBilinear<float>: float32 coordinates, the four weighted taps summed left to right. */
function resizeBilinear(node: TflmNode): Float32Array {
  const [B, H, W, C] = node.inputs[0]!.shape as [number, number, number, number];
  const [, OH, OW] = node.output.shape as [number, number, number, number];
  const align = node.options['align_corners'] === true, half = node.options['half_pixel_centers'] === true;
  const hs = align && OH > 1 ? f((H - 1) / (OH - 1)) : f(H / OH), ws = align && OW > 1 ? f((W - 1) / (OW - 1)) : f(W / OW);
  const coord = (v: number, scale: number, size: number): [number, number, number] => {
    const sv = half ? f(f(f(v + 0.5) * scale) - 0.5) : f(v * scale);
    return [sv, Math.max(Math.floor(sv), 0), Math.min(Math.ceil(sv), size - 1)];
  };
  const x = node.value(0) as Float32Array;
  const y = new Float32Array(B * OH * OW * C);
  const at = (b: number, yy: number, xx: number, c: number) => x[((b * H + yy) * W + xx) * C + c]!;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const [iy, y0, y1] = coord(oy, hs, H);
      const dy = f(iy - y0), ndy = f(1 - dy);
      for (let ox = 0; ox < OW; ox++) {
        const [ix, x0, x1] = coord(ox, ws, W);
        const dx = f(ix - x0), ndx = f(1 - dx);
        for (let c = 0; c < C; c++) {
          let v = f(f(at(b, y0, x0, c) * ndy) * ndx);
          v = f(v + f(f(at(b, y1, x0, c) * dy) * ndx));
          v = f(v + f(f(at(b, y0, x1, c) * ndy) * dx));
          v = f(v + f(f(at(b, y1, x1, c) * dy) * dx));
          y[o++] = v; // + rounding offset 0 for float
        }
      }
    }
  }
  return y;
}

/**
 * reference/transpose_conv.h TransposeConv<float>: each input value scattered into the outputs it reaches, in the
 * loop order in_y, in_x, in_channel, filter_y, filter_x, out_channel (so each output sums its terms in that order),
 * then the bias and the activation clamp.
 */
function transposeConv(node: TflmNode): Float32Array {
  const x = node.value(2) as Float32Array, w = node.value(1) as Float32Array;
  const bias = node.inputs[3] ? (node.value(3) as Float32Array) : undefined;
  const { B, H, W, C, OH, OW, OC, KH, KW, sh, sw, padH, padW } = transposeConvGeometry(node);
  const [lo, hi] = floatRange(activation(node.options));
  const y = new Float32Array(B * OH * OW * OC);
  for (let b = 0; b < B; b++) {
    for (let iy = 0; iy < H; iy++) {
      for (let ix = 0; ix < W; ix++) {
        for (let ic = 0; ic < C; ic++) {
          const v = x[((b * H + iy) * W + ix) * C + ic]!;
          for (let ky = 0; ky < KH; ky++) {
            const oy = iy * sh - padH + ky;
            if (oy < 0 || oy >= OH) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ox = ix * sw - padW + kx;
              if (ox < 0 || ox >= OW) continue;
              const yBase = ((b * OH + oy) * OW + ox) * OC;
              for (let oc = 0; oc < OC; oc++) y[yBase + oc] = f(y[yBase + oc]! + f(v * w[((oc * KH + ky) * KW + kx) * C + ic]!));
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < y.length; i++) y[i] = clamp(bias ? f(y[i]! + bias[i % OC]!) : y[i]!, lo, hi);
  return y;
}

function logistic(node: TflmNode): Float32Array {
  const x = node.value(0) as Float32Array;
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    y[i] = v > 16.619047164916992 ? 1 : v < -9 ? f(Math.exp(v)) : f(1 / f(1 + f(Math.exp(-v))));
  }
  return y;
}

const floatKernel = (run: (n: TflmNode) => TflmValues): TflmKernel => ({ check, run });

/** Float kernels by operator; tflm-reference.ts picks them for float32 nodes. */
export const FLOAT_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.CONV_2D]: floatKernel((n) => conv(n, false)),
  [BuiltinOperator.DEPTHWISE_CONV_2D]: floatKernel((n) => conv(n, true)),
  [BuiltinOperator.FULLY_CONNECTED]: floatKernel(fullyConnected),
  [BuiltinOperator.TRANSPOSE_CONV]: floatKernel(transposeConv),
  [BuiltinOperator.ADD]: floatKernel((n) => binary(n, (a, b) => a + b)),
  [BuiltinOperator.SUB]: floatKernel((n) => binary(n, (a, b) => a - b)),
  [BuiltinOperator.MUL]: floatKernel((n) => binary(n, (a, b) => a * b)),
  [BuiltinOperator.AVERAGE_POOL_2D]: floatKernel((n) => pool(n, false)),
  [BuiltinOperator.MAX_POOL_2D]: floatKernel((n) => pool(n, true)),
  [BuiltinOperator.MEAN]: floatKernel(mean),
  [BuiltinOperator.LOGISTIC]: floatKernel(logistic),
  [BuiltinOperator.RESIZE_BILINEAR]: floatKernel(resizeBilinear),
};

export { isFloat };
