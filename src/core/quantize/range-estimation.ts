/**
 * From observed activation values to the float range each tensor is quantized over. min/max is what the TF converter
 * does; percentile clips rare outliers; MSE picks the clipping that minimizes the expected quantization error of the
 * observed value distribution. The two histogram methods need the min/max first, so they take a second pass.
 */
import { asymmetricParams, INT8_ACTIVATION, representableRange, symmetricScale, type IntRange } from './quant-math';

export type RangeMethod = 'minmax' | 'percentile' | 'mse';

export interface ObservedRange {
  min: number;
  max: number;
}

export const HISTOGRAM_BINS = 2048;

/** Running min/max of one tensor over all samples. */
export class MinMaxObserver {
  min = Infinity;
  max = -Infinity;
  count = 0;

  observe(values: ArrayLike<number>): void {
    if (values instanceof Float32Array) {
      this.observeFloats(values);
      return;
    }
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
    this.count += values.length;
  }

  /** The hot loop of calibration: kept monomorphic (Float32Array only) so that V8 compiles it tightly. */
  private observeFloats(values: Float32Array): void {
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
    this.count += values.length;
  }
}

/** Histogram over the [min, max] found by a first pass (bins of equal width). */
export class HistogramObserver {
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  readonly width: number;

  constructor(readonly min: number, readonly max: number) {
    this.width = max > min ? (max - min) / HISTOGRAM_BINS : 0;
  }

  observe(values: ArrayLike<number>): void {
    const { counts, min, width } = this;
    if (width === 0) {
      counts[0]! += values.length;
      return;
    }
    const last = HISTOGRAM_BINS - 1;
    for (let i = 0; i < values.length; i++) {
      let b = Math.floor((values[i]! - min) / width);
      if (b > last) b = last;
      else if (b < 0) b = 0;
      counts[b]!++;
    }
  }

  binCenter(b: number): number {
    return this.min + (b + 0.5) * this.width;
  }
}

/** The range between the `lowPercent` and `100 - lowPercent` percentiles (two-sided), widened to include 0. */
export function percentileRange(h: HistogramObserver, percentile = 99.99): ObservedRange {
  if (h.width === 0) return { min: h.min, max: h.max };
  const total = h.counts.reduce((a, c) => a + c, 0);
  const tail = (total * (100 - percentile)) / 100;
  let acc = 0;
  let lo = 0;
  while (lo < HISTOGRAM_BINS - 1 && acc + h.counts[lo]! <= tail) acc += h.counts[lo++]!;
  acc = 0;
  let hi = HISTOGRAM_BINS - 1;
  while (hi > lo && acc + h.counts[hi]! <= tail) acc += h.counts[hi--]!;
  return { min: Math.min(h.min + lo * h.width, 0), max: Math.max(h.min + (hi + 1) * h.width, 0) };
}

/** Expected squared error of quantizing the histogram with the parameters for [lo, hi] (symmetric: zero point 0). */
function quantizationMse(h: HistogramObserver, lo: number, hi: number, intRange: IntRange, symmetric: boolean): number {
  const p = symmetric ? { scale: symmetricScale(Math.max(-lo, hi), intRange.qmax), zeroPoint: 0 } : asymmetricParams(lo, hi, intRange);
  const [rmin, rmax] = representableRange(p, intRange);
  const rounding = (p.scale * p.scale) / 12;
  let err = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    const c = h.counts[b]!;
    if (c === 0) continue;
    const x = h.binCenter(b);
    if (x < rmin) err += c * (rmin - x) * (rmin - x);
    else if (x > rmax) err += c * (x - rmax) * (x - rmax);
    else err += c * rounding;
  }
  return err;
}

/** The clipping range (a shrink of [min, max] towards 0, in 1% steps) with the smallest expected error. */
export function mseRange(h: HistogramObserver, intRange: IntRange = INT8_ACTIVATION, symmetric = false): ObservedRange {
  if (h.width === 0) return { min: h.min, max: h.max };
  let best = { min: h.min, max: h.max };
  let bestErr = quantizationMse(h, h.min, h.max, intRange, symmetric);
  for (let step = 99; step >= 20; step--) {
    const a = step / 100;
    const lo = h.min * a;
    const hi = h.max * a;
    const err = quantizationMse(h, lo, hi, intRange, symmetric);
    if (err < bestErr) {
      bestErr = err;
      best = { min: lo, max: hi };
    }
  }
  return best;
}
