/**
 * Quantized constants: symmetric int8 weights (per channel or per tensor), int32/int64 biases whose scale is
 * input scale × weight scale, and per-tensor constants in activation positions (ADD with a constant, PRELU alpha).
 */
import { elementCount } from '../tflite/index';
import { asymmetricParams, INT32_MAX, quantizeValue, roundHalfAway, symmetricScale, type AffineParams, type IntRange } from './quant-math';

export interface QuantizedWeights {
  values: Int8Array;
  scales: number[];
  /** Channel axis, or -1 for per-tensor. */
  axis: number;
}

/** Calls `f(channel, start, end)` for each contiguous run of elements of one channel along `axis` (-1: one run). */
function forEachChannelRun(shape: readonly number[], axis: number, f: (channel: number, start: number, end: number) => void): void {
  if (axis < 0) {
    f(0, 0, elementCount(shape));
    return;
  }
  const inner = elementCount(shape.slice(axis + 1));
  const channels = shape[axis]!;
  const outer = elementCount(shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const start = (o * channels + c) * inner;
      f(c, start, start + inner);
    }
  }
}

/** Largest |value| per channel (or one entry for per-tensor when axis is -1). */
export function absMaxPerChannel(values: Float32Array, shape: readonly number[], axis: number): number[] {
  const out = new Array<number>(axis < 0 ? 1 : shape[axis]!).fill(0);
  forEachChannelRun(shape, axis, (c, start, end) => {
    let m = out[c]!;
    for (let i = start; i < end; i++) {
      const v = Math.abs(values[i]!);
      if (v > m) m = v;
    }
    out[c] = m;
  });
  return out;
}

export function weightScales(values: Float32Array, shape: readonly number[], axis: number, qmax = 127): number[] {
  return absMaxPerChannel(values, shape, axis).map((m) => symmetricScale(m, qmax));
}

export function quantizeWeights(values: Float32Array, shape: readonly number[], axis: number, scales: number[]): QuantizedWeights {
  const out = new Int8Array(values.length);
  forEachChannelRun(shape, axis, (c, start, end) => {
    const scale = scales[c]!;
    for (let i = start; i < end; i++) {
      const x = values[i]! / scale;
      // Round half away from zero, then clamp to the narrow range ±127.
      const q = x < 0 ? -Math.round(-x) : Math.round(x);
      out[i] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
  });
  return { values: out, scales, axis };
}

/**
 * Widens weight scales where the bias would not fit in int32 with scale input × weight (tiny weights, large bias):
 * the TF converter does the same rather than let the bias saturate.
 */
export function fitBiasInInt32(weightScalesIn: number[], bias: Float32Array, inputScale: number): number[] {
  const scales = [...weightScalesIn];
  const limit = INT32_MAX * 0.99;
  for (let c = 0; c < bias.length; c++) {
    const s = scales.length > 1 ? c : 0;
    const needed = Math.abs(bias[c]!) / (inputScale * limit);
    if (needed > scales[s]!) scales[s] = Math.fround(needed * 1.0001);
  }
  return scales;
}

/**
 * The mean error that rounding the weights adds to each output channel's pre-activation, Σ_k (w_k − q_k·s) · E[x_k],
 * from the mean of each input channel (the last axis of the layer's input): folded into the bias, it cancels that
 * error exactly in expectation, fused activation or not. It matters where BatchNorm folding left channels with large,
 * nearly cancelling weights (measured: MediaPipe's pose landmark model, a depthwise channel with weights up to 1,290).
 * Weights are laid out with the input channel on the last axis ([O,H,W,I], [O,I]); depthwise ([1,H,W,I·M], `axis` the
 * last) reads input channel ⌊c/M⌋. `outputAxis` is the output-channel axis whether or not the scales are per channel.
 * Returns undefined when the layout does not match the means.
 */
export function weightRoundingBiasShift(values: Float32Array, q: QuantizedWeights, shape: readonly number[], outputAxis: number, inputMeans: ArrayLike<number>): Float64Array | undefined {
  const last = shape.at(-1) ?? 1;
  const depthwise = outputAxis === shape.length - 1 && shape.length === 4;
  const multiplier = depthwise ? last / inputMeans.length : 1;
  if (!Number.isInteger(multiplier) || multiplier < 1 || (!depthwise && last !== inputMeans.length)) return undefined;
  const shift = new Float64Array(shape[outputAxis] ?? 1);
  forEachChannelRun(shape, outputAxis, (c, start, end) => {
    const scale = q.scales[q.scales.length > 1 ? c : 0]!;
    let acc = 0;
    for (let i = start; i < end; i++) {
      const inChannel = depthwise ? Math.floor((i % last) / multiplier) : i % last;
      acc += (values[i]! - q.values[i]! * scale) * inputMeans[inChannel]!;
    }
    shift[c]! += acc;
  });
  return shift;
}

/** Bias scale per channel: float32 product of the float32 input and weight scales, as kernels compute it. */
export function biasScales(inputScale: number, weightScalesIn: number[], channels: number): number[] {
  return Array.from({ length: weightScalesIn.length > 1 ? channels : 1 }, (_, c) => Math.fround(inputScale * weightScalesIn[weightScalesIn.length > 1 ? c : 0]!));
}

export function quantizeBiasInt32(bias: Float32Array, scales: number[]): Int32Array {
  return Int32Array.from(bias, (b, c) => {
    const q = roundHalfAway(b / scales[scales.length > 1 ? c : 0]!);
    return Math.max(-INT32_MAX, Math.min(INT32_MAX, q));
  });
}

export function quantizeBiasInt64(bias: Float32Array, scales: number[]): BigInt64Array {
  return BigInt64Array.from(bias, (b, c) => BigInt(roundHalfAway(b / scales[scales.length > 1 ? c : 0]!)));
}

/** A float constant used like an activation: per-tensor parameters from its own values (unless given). */
export function quantizeConstantActivation(values: Float32Array, range: IntRange, params?: AffineParams, symmetric = false): { values: number[]; params: AffineParams } {
  let p = params;
  if (!p) {
    let lo = 0;
    let hi = 0;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    p = symmetric ? { scale: symmetricScale(Math.max(-lo, hi), range.qmax), zeroPoint: 0 } : asymmetricParams(lo, hi, range);
  }
  const q = p;
  return { values: Array.from(values, (v) => quantizeValue(v, q.scale, q.zeroPoint, range)), params: q };
}
