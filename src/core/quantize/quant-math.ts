/**
 * The arithmetic of TFLite quantization (real = scale * (q - zeroPoint)): how a float range becomes a scale and zero
 * point, and how values are rounded into integers. Scales are rounded to float32 here, because that is what the file
 * stores and what every kernel computes with; all derived numbers (bias scales, quantized values) use those exact
 * float32 values.
 */

/** Scale and zero point of a per-tensor quantized tensor, float32-exact. */
export interface AffineParams {
  scale: number;
  zeroPoint: number;
}

export interface IntRange {
  qmin: number;
  qmax: number;
}

export const INT8_ACTIVATION: IntRange = { qmin: -128, qmax: 127 };
export const INT16_ACTIVATION: IntRange = { qmin: -32767, qmax: 32767 };
export const UINT8_ACTIVATION: IntRange = { qmin: 0, qmax: 255 };
export const INT32_MAX = 2147483647;

/** Smallest scale written: a constant-zero tensor still needs a positive scale (kernels divide by it). */
const MIN_SCALE = 1e-8;

/**
 * Asymmetric parameters for [min, max], the way TFLite's converter computes them: the range is widened to include 0
 * (so that zero padding is exact), then the zero point is "nudged" to the nearest integer inside [qmin, qmax].
 */
export function asymmetricParams(min: number, max: number, range: IntRange = INT8_ACTIVATION): AffineParams {
  let lo = Math.min(min, 0);
  let hi = Math.max(max, 0);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`cannot quantize the range [${min}, ${max}]`);
  if (hi - lo < MIN_SCALE) {
    // A tensor that was always 0: any scale represents it; keep the zero point centred like the converter does.
    lo = 0;
    hi = MIN_SCALE * (range.qmax - range.qmin);
  }
  const scale = Math.fround((hi - lo) / (range.qmax - range.qmin));
  const zeroPointFromMin = range.qmin - lo / scale;
  const zeroPoint = zeroPointFromMin < range.qmin ? range.qmin : zeroPointFromMin > range.qmax ? range.qmax : Math.round(zeroPointFromMin);
  return { scale, zeroPoint };
}

/** Symmetric parameters (zero point 0) covering [-absMax, absMax] with qmax steps. */
export function symmetricScale(absMax: number, qmax: number): number {
  const s = Math.fround(absMax / qmax);
  return s > 0 && Number.isFinite(s) ? s : 1;
}

/** The float range a set of affine parameters can represent. */
export function representableRange(p: AffineParams, range: IntRange): [number, number] {
  return [p.scale * (range.qmin - p.zeroPoint), p.scale * (range.qmax - p.zeroPoint)];
}

/** Round half away from zero, as TFLite's `TfLiteRound`/std::round do. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function quantizeValue(x: number, scale: number, zeroPoint: number, range: IntRange): number {
  const q = roundHalfAway(x / scale) + zeroPoint;
  return q < range.qmin ? range.qmin : q > range.qmax ? range.qmax : q;
}

export function sameParams(a: AffineParams, b: AffineParams): boolean {
  return a.scale === b.scale && a.zeroPoint === b.zeroPoint;
}

/** 10·log10(signal power / noise power) in dB; Infinity when the two agree exactly. */
export function sqnr(reference: ArrayLike<number>, approx: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const d = r - approx[i]!;
    signal += r * r;
    noise += d * d;
  }
  if (noise === 0) return Infinity;
  if (signal === 0) return -Infinity;
  return 10 * Math.log10(signal / noise);
}
