/**
 * What TFLite Micro's reference kernels compute for a full-integer model, bit for bit, without TFLite Micro: the
 * int8 kernels of the operators our quantizer emits, with the parameters each kernel's Prepare derives from the file
 * (tensorflow/lite/micro/kernels/*_common.cc, kernels/kernel_util.cc) and the loops of
 * kernels/internal/reference/integer_ops/ at TFLM commit 90b983c2. LiteRT runs the same file through other kernels
 * (XNNPACK, ruy: rounding in float or with one rounding step), so its int8 outputs can differ by a few LSB; this is
 * what a microcontroller with the reference kernels outputs. (CMSIS-NN's arm_nn_requantize rounds the same way in its
 * default build; its kernels were not compared here.)
 *
 * A model with an operator or type listed nowhere here is refused up front (`TflmReference.unsupported`).
 */
import { BuiltinOperator, TensorType, builtinOperatorName, elementCount, type Model, type Operator, type Tensor } from '../tflite/index';
import { roundHalfAway } from './quant-math';
import {
  expOnNegativeValues, getReciprocal, multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPot, srdhm, wrap32,
} from './tflm-fixed-point';

type Values = Int8Array | Int32Array | Float32Array;

const SUPPORTED = new Set<number>([
  BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.ADD,
  BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE,
  BuiltinOperator.EXPAND_DIMS, BuiltinOperator.SOFTMAX, BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE,
]);

type OptionsTable = Record<string, unknown>;
const table = (op: Operator): OptionsTable => (op.builtinOptions?.table ?? {}) as OptionsTable;
const num = (t: OptionsTable, k: string, d: number): number => (typeof t[k] === 'number' ? (t[k] as number) : d);
/** fused_activation_function as its schema name (the reader gives names; numbers are accepted too). */
function activation(t: OptionsTable): string {
  const a = t['fused_activation_function'];
  if (typeof a === 'number') return ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'][a] ?? 'NONE';
  return typeof a === 'string' ? a : 'NONE';
}
const isSame = (t: OptionsTable): boolean => t['padding'] === 'SAME' || t['padding'] === 0;

const scaleOf = (t: Tensor): number => t.quantization?.scale[0] ?? 1;
const zeroPointOf = (t: Tensor): number => t.quantization?.zeroPoint[0] ?? 0;

/** kernel_util.cc CalculateActivationRangeQuantized for an int8 output. */
function activationRange(act: string, out: Tensor): [number, number] {
  const s = scaleOf(out), zp = zeroPointOf(out);
  const q = (f: number) => zp + roundHalfAway(Math.fround(f / s));
  switch (act) {
    case 'RELU': return [Math.max(-128, q(0)), 127];
    case 'RELU6': return [Math.max(-128, q(0)), Math.min(127, q(6))];
    case 'RELU_N1_TO_1': return [Math.max(-128, q(-1)), Math.min(127, q(1))];
    default: return [-128, 127];
  }
}

/** padding.h ComputePaddingHeightWidth: the leading padding of one spatial dimension (output size as TFLM computes it). */
function padding(same: boolean, stride: number, dilation: number, inSize: number, filter: number): number {
  const eff = (filter - 1) * dilation + 1;
  const outSize = same ? Math.trunc((inSize + stride - 1) / stride) : Math.trunc((inSize + stride - eff) / stride);
  return Math.trunc(Math.max(0, (outSize - 1) * stride + eff - inSize) / 2);
}

/** Per-channel (or per-tensor, repeated) output multipliers of a conv-like op, as PopulateConvolutionQuantizationParams. */
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

function requantize(acc: number, m: number, s: number, outZp: number, lo: number, hi: number): number {
  const v = multiplyByQuantizedMultiplier(acc, m, s) + outZp;
  return v < lo ? lo : v > hi ? hi : v;
}

export class TflmReference {
  private readonly sg: Model['subgraphs'][number];
  private readonly constants = new Map<number, Values>();
  private readonly prepared = new Map<Operator, { m: Int32Array; s: Int32Array }>();

  private constructor(private readonly model: Model) {
    this.sg = model.subgraphs[0]!;
  }

  /** Why the model cannot be evaluated here ("TANH #3"), or undefined when it can. */
  static unsupported(model: Model): string | undefined {
    if (model.subgraphs.length !== 1) return `${model.subgraphs.length} subgraphs`;
    const sg = model.subgraphs[0]!;
    for (let i = 0; i < sg.operators.length; i++) {
      const op = sg.operators[i]!;
      const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
      const name = `${builtinOperatorName(code)} #${i}`;
      if (!SUPPORTED.has(code)) return name;
      const ins = op.inputs.filter((t) => t >= 0).map((t) => sg.tensors[t]!);
      const out = sg.tensors[op.outputs[0]!]!;
      const act = activation(table(op));
      if (!['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'].includes(act)) return `${name} (${act})`;
      if (code === BuiltinOperator.QUANTIZE) {
        if (!(ins[0]!.type === TensorType.FLOAT32 || ins[0]!.type === TensorType.INT8) || out.type !== TensorType.INT8) return `${name} (not float/int8 → int8)`;
      } else if (code === BuiltinOperator.DEQUANTIZE) {
        if (ins[0]!.type !== TensorType.INT8 || out.type !== TensorType.FLOAT32) return `${name} (not int8 → float)`;
      } else {
        if (ins[0]!.type !== TensorType.INT8 || out.type !== TensorType.INT8) return `${name} (not int8)`;
        if (ins[1] && (code === BuiltinOperator.CONV_2D || code === BuiltinOperator.DEPTHWISE_CONV_2D || code === BuiltinOperator.FULLY_CONNECTED)) {
          if (ins[1].type !== TensorType.INT8) return `${name} (${TensorType[ins[1].type]} weights)`;
          if (ins[2] && ins[2].type !== TensorType.INT32) return `${name} (${TensorType[ins[2].type]} bias)`;
        }
      }
      if (code === BuiltinOperator.ADD && ins[1]!.type !== TensorType.INT8) return `${name} (not int8)`;
    }
    return undefined;
  }

  static create(model: Model): TflmReference {
    const why = TflmReference.unsupported(model);
    if (why) throw new RangeError(`no TFLite Micro reference evaluation for ${why}`);
    return new TflmReference(model);
  }

  private constant(t: number): Values {
    let v = this.constants.get(t);
    if (v) return v;
    const tensor = this.sg.tensors[t]!;
    const data = this.model.buffers[tensor.buffer]!.data;
    const copy = data.slice(); // aligned
    v = tensor.type === TensorType.INT32 ? new Int32Array(copy.buffer, 0, copy.byteLength >> 2)
      : tensor.type === TensorType.FLOAT32 ? new Float32Array(copy.buffer, 0, copy.byteLength >> 2)
        : new Int8Array(copy.buffer, 0, copy.byteLength);
    this.constants.set(t, v);
    return v;
  }

  /** An op's output multipliers, computed once (what the kernel's Prepare does). */
  private multipliers(op: Operator, make: () => { m: Int32Array; s: Int32Array }): { m: Int32Array; s: Int32Array } {
    let p = this.prepared.get(op);
    if (!p) { p = make(); this.prepared.set(op, p); }
    return p;
  }

  /** Runs one inference: `inputs` in the subgraph's input order (int8 or float, as the inputs are typed). */
  run(inputs: readonly Values[]): Values[] {
    const values = new Map<number, Values>();
    this.sg.inputs.forEach((t, i) => values.set(t, inputs[i]!));
    const get = (t: number): Values => values.get(t) ?? this.constant(t);
    for (const op of this.sg.operators) {
      const code = this.model.operatorCodes[op.opcodeIndex]!.builtinCode;
      const out = this.sg.tensors[op.outputs[0]!]!;
      values.set(op.outputs[0]!, this.eval(code, op, get, out));
    }
    return this.sg.outputs.map((t) => get(t));
  }

  private eval(code: number, op: Operator, get: (t: number) => Values, out: Tensor): Values {
    const T = (i: number) => this.sg.tensors[op.inputs[i]!]!;
    const V = (i: number) => get(op.inputs[i]!);
    const n = elementCount(out.shape);
    switch (code) {
      case BuiltinOperator.RESHAPE: case BuiltinOperator.SQUEEZE: case BuiltinOperator.EXPAND_DIMS:
        return V(0);
      case BuiltinOperator.QUANTIZE: return this.quantize(T(0), V(0), out, n);
      case BuiltinOperator.DEQUANTIZE: {
        const x = V(0), s = scaleOf(T(0)), zp = zeroPointOf(T(0));
        return Float32Array.from(x, (q) => Math.fround((q - zp) * s));
      }
      case BuiltinOperator.FULLY_CONNECTED: return this.fullyConnected(op, T, V, out);
      case BuiltinOperator.CONV_2D: return this.conv(op, T, V, out, false);
      case BuiltinOperator.DEPTHWISE_CONV_2D: return this.conv(op, T, V, out, true);
      case BuiltinOperator.ADD: return this.add(op, T, V, out);
      case BuiltinOperator.AVERAGE_POOL_2D: case BuiltinOperator.MAX_POOL_2D:
        return this.pool(op, T(0), V(0) as Int8Array, out, code === BuiltinOperator.MAX_POOL_2D);
      case BuiltinOperator.SOFTMAX: return this.softmax(op, T(0), V(0) as Int8Array);
      default: throw new RangeError(`no TFLite Micro reference kernel for ${builtinOperatorName(code)}`);
    }
  }

  /** quantize.cc: float → int8 as AffineQuantize; int8 → int8 as Requantize. */
  private quantize(inT: Tensor, x: Values, out: Tensor, n: number): Int8Array {
    const y = new Int8Array(n);
    const os = scaleOf(out), oz = zeroPointOf(out);
    if (x instanceof Float32Array) {
      for (let i = 0; i < n; i++) y[i] = Math.min(127, Math.max(-128, roundHalfAway(Math.fround(x[i]! / os)) + oz));
      return y;
    }
    const { multiplier, shift } = quantizeMultiplier(scaleOf(inT) / os);
    const iz = zeroPointOf(inT);
    for (let i = 0; i < n; i++) y[i] = requantize(x[i]! - iz, multiplier, shift, oz, -128, 127);
    return y;
  }

  /** fully_connected_common.cc + integer_ops/fully_connected.h (per-tensor and per-channel). */
  private fullyConnected(op: Operator, T: (i: number) => Tensor, V: (i: number) => Values, out: Tensor): Int8Array {
    const input = T(0), filter = T(1);
    const x = V(0) as Int8Array, w = V(1) as Int8Array;
    const bias = op.inputs[2]! >= 0 ? (V(2) as Int32Array) : undefined;
    const depth = filter.shape[filter.shape.length - 1]!;
    const outDepth = out.shape[out.shape.length - 1]!;
    const batches = elementCount(out.shape) / outDepth;
    const fs = filter.quantization?.scale ?? [1];
    const { m, s } = this.multipliers(op, () => {
      if (fs.length > 1) return convMultipliers(input, filter, out, outDepth);
      // GetQuantizedConvolutionMultipler: the product of the two scales in float32, then divided in double.
      const q = quantizeMultiplier(Math.fround(scaleOf(input) * fs[0]!) / scaleOf(out));
      return { m: new Int32Array(outDepth).fill(q.multiplier), s: new Int32Array(outDepth).fill(q.shift) };
    });
    const inOff = -zeroPointOf(input), outZp = zeroPointOf(out);
    const [lo, hi] = activationRange(activation(table(op)), out);
    const y = new Int8Array(batches * outDepth);
    for (let b = 0; b < batches; b++) {
      for (let oc = 0; oc < outDepth; oc++) {
        let acc = 0;
        const xo = b * depth, wo = oc * depth;
        for (let d = 0; d < depth; d++) acc = (acc + Math.imul(w[wo + d]!, x[xo + d]! + inOff)) | 0; // int32, wrapping as in C++
        if (bias) acc = (acc + bias[oc]!) | 0;
        y[b * outDepth + oc] = requantize(acc, m[oc]!, s[oc]!, outZp, lo, hi);
      }
    }
    return y;
  }

  /** conv.cc / depthwise_conv.cc + integer_ops/conv.h ConvPerChannel and depthwise_conv.h DepthwiseConvPerChannel. */
  private conv(op: Operator, T: (i: number) => Tensor, V: (i: number) => Values, out: Tensor, depthwise: boolean): Int8Array {
    const input = T(0), filter = T(1);
    const x8 = V(0) as Int8Array, w = V(1) as Int8Array;
    const bias = op.inputs[2]! >= 0 ? (V(2) as Int32Array) : undefined;
    const o = table(op);
    const [B, H, W, C] = input.shape as [number, number, number, number];
    const [, OH, OW, OC] = out.shape as [number, number, number, number];
    const [FO, KH, KW, FI] = filter.shape as [number, number, number, number];
    const sw = num(o, 'stride_w', 1), sh = num(o, 'stride_h', 1);
    const dw = num(o, 'dilation_w_factor', 1), dh = num(o, 'dilation_h_factor', 1);
    const padH = padding(isSame(o), sh, dh, H, KH), padW = padding(isSame(o), sw, dw, W, KW);
    const { m, s } = this.multipliers(op, () => convMultipliers(input, filter, out, OC));
    const outZp = zeroPointOf(out);
    const [lo, hi] = activationRange(activation(o), out);
    // input + input_offset, once (the kernels add it per multiply; padding stays out of the sum either way)
    const inOff = -zeroPointOf(input);
    const x = new Int32Array(x8.length);
    for (let i = 0; i < x8.length; i++) x[i] = x8[i]! + inOff;
    const y = new Int8Array(B * OH * OW * OC);
    const finish = (yBase: number, oc: number, acc: number) => {
      y[yBase + oc] = requantize((acc + (bias ? bias[oc]! : 0)) | 0, m[oc]!, s[oc]!, outZp, lo, hi);
    };
    if (depthwise) {
      const depthMultiplier = num(o, 'depth_multiplier', 1) || OC / C;
      const acc = new Int32Array(OC); // int32 sums, wrapping as in C++
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
                for (let oc = 0; oc < OC; oc++) acc[oc] = acc[oc]! + Math.imul(w[wBase + oc]!, x[xBase + Math.floor(oc / depthMultiplier)]!);
              }
            }
            const yBase = ((b * OH + oy) * OW + ox) * OC;
            for (let oc = 0; oc < OC; oc++) finish(yBase, oc, acc[oc]!);
          }
        }
      }
      return y;
    }
    // One output pixel at a time: its receptive field gathered into one row (0 where the filter hangs over the edge,
    // which adds nothing, as the kernel's skipped taps), then one dot product per output channel (filter [O, KH, KW, I]).
    const groups = C / FI, filtersPerGroup = FO / groups, K = KH * KW * FI;
    const patch = new Int32Array(K * groups);
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
              for (let g = 0; g < groups; g++) {
                const pBase = g * K + (ky * KW + kx) * FI, cBase = xBase + g * FI;
                for (let ic = 0; ic < FI; ic++) patch[pBase + ic] = x[cBase + ic]!;
              }
            }
          }
          const yBase = ((b * OH + oy) * OW + ox) * OC;
          for (let oc = 0; oc < OC; oc++) {
            const wBase = oc * K, pBase = Math.floor(oc / filtersPerGroup) * K;
            let acc = 0;
            for (let k = 0; k < K; k++) acc = (acc + Math.imul(w[wBase + k]!, patch[pBase + k]!)) | 0;
            finish(yBase, oc, acc);
          }
        }
      }
    }
    return y;
  }

  /** add_common.cc CalculateOpDataAdd + integer_ops/add.h AddFunc (broadcasting as BroadcastAdd6DSlow). */
  private add(op: Operator, T: (i: number) => Tensor, V: (i: number) => Values, out: Tensor): Int8Array {
    const a = T(0), b = T(1);
    const xa = V(0) as Int8Array, xb = V(1) as Int8Array;
    const leftShift = 20;
    const twiceMax = 2 * Math.max(scaleOf(a), scaleOf(b));
    const m1 = quantizeMultiplier(scaleOf(a) / twiceMax), m2 = quantizeMultiplier(scaleOf(b) / twiceMax);
    const mo = quantizeMultiplier(twiceMax / ((1 << leftShift) * scaleOf(out)));
    const off1 = -zeroPointOf(a), off2 = -zeroPointOf(b), outZp = zeroPointOf(out);
    const [lo, hi] = activationRange(activation(table(op)), out);
    const n = elementCount(out.shape);
    const ia = broadcastIndex(a.shape, out.shape), ib = broadcastIndex(b.shape, out.shape);
    const y = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const s1 = roundingDivideByPot(srdhm(wrap32((xa[ia(i)]! + off1) * (1 << leftShift)), m1.multiplier), -m1.shift);
      const s2 = roundingDivideByPot(srdhm(wrap32((xb[ib(i)]! + off2) * (1 << leftShift)), m2.multiplier), -m2.shift);
      const v = roundingDivideByPot(srdhm(wrap32(s1 + s2), mo.multiplier), -mo.shift) + outZp;
      y[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return y;
  }

  /** pooling.cc + integer_ops/pooling.h AveragePool / MaxPool. */
  private pool(op: Operator, input: Tensor, x: Int8Array, out: Tensor, max: boolean): Int8Array {
    const o = table(op);
    const [B, H, W, C] = input.shape as [number, number, number, number];
    const [, OH, OW] = out.shape as [number, number, number, number];
    const fw = num(o, 'filter_width', 1), fh = num(o, 'filter_height', 1);
    const sw = num(o, 'stride_w', 1), sh = num(o, 'stride_h', 1);
    const padH = padding(isSame(o), sh, 1, H, fh), padW = padding(isSame(o), sw, 1, W, fw);
    const [lo, hi] = activationRange(activation(o), out);
    const y = new Int8Array(B * OH * OW * C);
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const iy0 = oy * sh - padH, ix0 = ox * sw - padW;
          const ky0 = Math.max(0, -iy0), ky1 = Math.min(fh, H - iy0);
          const kx0 = Math.max(0, -ix0), kx1 = Math.min(fw, W - ix0);
          for (let c = 0; c < C; c++) {
            let acc = max ? -128 : 0;
            let count = 0;
            for (let ky = ky0; ky < ky1; ky++) {
              for (let kx = kx0; kx < kx1; kx++) {
                const v = x[((b * H + iy0 + ky) * W + ix0 + kx) * C + c]!;
                acc = max ? Math.max(acc, v) : acc + v;
                count++;
              }
            }
            if (!max) acc = acc > 0 ? Math.trunc((acc + Math.trunc(count / 2)) / count) : Math.trunc((acc - Math.trunc(count / 2)) / count);
            y[((b * OH + oy) * OW + ox) * C + c] = acc < lo ? lo : acc > hi ? hi : acc;
          }
        }
      }
    }
    return y;
  }

  /** softmax_common.cc CalculateSoftmaxParams + reference/softmax.h (int8 in, int8 out, gemmlowp fixed point). */
  private softmax(op: Operator, input: Tensor, x: Int8Array): Int8Array {
    const beta = typeof table(op)['beta'] === 'number' ? (table(op)['beta'] as number) : 1;
    const kScaledDiffIntegerBits = 5, kAccumulationIntegerBits = 12;
    // PreprocessSoftmaxScaling + QuantizeMultiplierGreaterThanOne
    const real = Math.min(beta * scaleOf(input) * (1 << (31 - kScaledDiffIntegerBits)), 2 ** 31 - 1);
    const { multiplier, shift: leftShift } = quantizeMultiplier(real);
    // CalculateInputRadius(5, leftShift, 31)
    const diffMin = -Math.floor((((1 << kScaledDiffIntegerBits) - 1) * 2 ** (31 - kScaledDiffIntegerBits)) / 2 ** leftShift);
    const depth = input.shape[input.shape.length - 1]!;
    const outer = x.length / depth;
    const y = new Int8Array(x.length);
    const expOf = (diff: number) => expOnNegativeValues(srdhm(wrap32(diff * 2 ** leftShift), multiplier), kScaledDiffIntegerBits);
    for (let i = 0; i < outer; i++) {
      let maxIn = -128;
      for (let c = 0; c < depth; c++) maxIn = Math.max(maxIn, x[i * depth + c]!);
      let sum = 0;
      for (let c = 0; c < depth; c++) {
        const diff = x[i * depth + c]! - maxIn;
        if (diff >= diffMin) sum = wrap32(sum + roundingDivideByPot(expOf(diff), kAccumulationIntegerBits));
      }
      const { reciprocal, numBitsOverUnit } = getReciprocal(sum, kAccumulationIntegerBits);
      const exponent = numBitsOverUnit + 31 - 8;
      for (let c = 0; c < depth; c++) {
        const diff = x[i * depth + c]! - maxIn;
        if (diff >= diffMin) {
          const v = roundingDivideByPot(srdhm(reciprocal, expOf(diff)), exponent) - 128;
          y[i * depth + c] = Math.max(-128, Math.min(127, v));
        } else y[i * depth + c] = -128;
      }
    }
    return y;
  }
}

/** Maps a flat output index to the flat index of an input broadcast to `outShape` (NumPy rules). */
function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): (i: number) => number {
  if (elementCount(inShape) === elementCount(outShape)) return (i) => i;
  const r = outShape.length;
  const shape = [...Array<number>(r - inShape.length).fill(1), ...inShape];
  const inStrides = new Array<number>(r).fill(0);
  let acc = 1;
  for (let d = r - 1; d >= 0; d--) { inStrides[d] = shape[d] === 1 ? 0 : acc; acc *= shape[d]!; }
  return (i) => {
    let idx = 0, rem = i;
    for (let d = r - 1; d >= 0; d--) {
      const od = outShape[d]!;
      idx += (rem % od) * inStrides[d]!;
      rem = Math.floor(rem / od);
    }
    return idx;
  };
}
