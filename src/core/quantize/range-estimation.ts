/**
 * From observed activation values to the float range each tensor is quantized over. min/max is what the TF converter
 * does; percentile clips rare outliers; MSE picks the clipping that minimizes the expected quantization error of the
 * observed value distribution. All three come from the same one-pass statistics (HistogramObserver).
 */
import { asymmetricParams, INT8_ACTIVATION, representableRange, symmetricScale, type IntRange } from './quant-math';

export type RangeMethod = 'minmax' | 'percentile' | 'mse';

export interface ObservedRange {
  min: number;
  max: number;
}

export const HISTOGRAM_BINS = 2048;

/** Indices of the values above the bins in one HistogramObserver call (scratch, shared: calls do not overlap). */
const OUTSIDE = new Int32Array(4096);

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

/**
 * Histogram of one tensor's values, built in the same single pass as its exact min/max: the bins start over the
 * first values seen (or a given range) and, when later values fall outside, double their width (merging neighbour
 * pairs exactly) towards the side that needs room. The resolution stays within 2x of a histogram over the final
 * [min, max], without a second pass over the data.
 */
export class HistogramObserver {
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  /** Left edge of bin 0, and the bin width (0 while every value seen was the same). */
  origin = 0;
  width = 0;
  /** Exact extremes of all values seen. */
  min = Infinity;
  max = -Infinity;
  /** Values seen while the range was still a single point (all equal to `min`). */
  private pointCount = 0;
  /** The last call did not grow the bins to the left: the next one tries the one-pass path (observeCovered) first. */
  private settled = false;

  constructor(min?: number, max?: number) {
    if (min !== undefined && max !== undefined && max > min) {
      this.origin = min;
      this.width = (max - min) / HISTOGRAM_BINS;
    }
  }

  observe(values: ArrayLike<number>): void {
    this.observeFloats(values instanceof Float32Array ? values : Float32Array.from(values));
  }

  /** The hot loop of calibration (every activation value passes here once): Float32Array only, so V8 keeps it tight. */
  private observeFloats(values: Float32Array): void {
    if (this.width > 0 && this.settled) {
      if (this.observeCovered(values)) return;
      this.settled = false;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.settled = !(lo < this.origin);
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    if (this.width === 0) {
      if (!(this.max > this.min)) {
        this.pointCount += values.length;
        return;
      }
      this.origin = this.min;
      this.width = (this.max - this.min) / HISTOGRAM_BINS;
      if (this.pointCount) this.counts[0]! += this.pointCount;
      this.pointCount = 0;
    }
    this.cover(this.min, this.max);
    const { counts, origin, width } = this;
    const last = HISTOGRAM_BINS - 1;
    for (let i = 0; i < values.length; i++) {
      // origin <= every value: the quotient is >= 0 (up to rounding, clamped), so truncation is Math.floor.
      let b = ((values[i]! - origin) / width) | 0;
      if (b > last) b = last;
      else if (b < 0) b = 0;
      counts[b]!++;
    }
  }

  /**
   * One pass that bins each value inside the current bins and tracks min/max, instead of a min/max pass and a
   * binning pass. Values above the bins (new maxima: few per call) are listed and binned after the bins double to
   * the right. That is exact: the origin stays, the width doubles exactly, so a value's bin on the doubled grid is
   * its old bin halved (floor(q/2) = floor(floor(q)/2)), which is where merging puts its count. It would not be for a
   * value clamped into the last bin, nor when the bins grow to the left (the new origin is rounded): then the counts
   * added are taken back, in the same order with the same arithmetic, and the caller takes the two-pass path. Either
   * way the counts are exactly those of that path. Returns whether the values were observed.
   */
  private observeCovered(values: Float32Array): boolean {
    const { counts, origin, width } = this;
    const top = origin + HISTOGRAM_BINS * width * (1 + 1e-6);
    const last = HISTOGRAM_BINS - 1;
    let lo = this.min;
    let hi = this.max;
    let outside = 0;
    let clamped = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= origin && v <= top) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        let b = ((v - origin) / width) | 0;
        if (b > last) { b = last; clamped = true; } else if (b < 0) b = 0;
        counts[b]!++;
      } else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (outside < OUTSIDE.length) OUTSIDE[outside] = i;
        outside++;
      }
    }
    if (outside && (lo < origin || clamped || outside > OUTSIDE.length)) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!(v >= origin && v <= top)) continue;
        let b = ((v - origin) / width) | 0;
        if (b > last) b = last;
        else if (b < 0) b = 0;
        counts[b]!--;
      }
      return false;
    }
    this.min = lo;
    this.max = hi;
    if (!outside) return true;
    this.cover(lo, hi);
    const o = this.origin, w = this.width;
    for (let k = 0; k < outside; k++) {
      // NaN lands here too, in bin 0 as on the two-pass path.
      let b = ((values[OUTSIDE[k]!]! - o) / w) | 0;
      if (b > last) b = last;
      else if (b < 0) b = 0;
      counts[b]!++;
    }
    return true;
  }

  /** Doubles the bin width until [lo, hi] fits, keeping every count in the bin that contains it. */
  private cover(lo: number, hi: number): void {
    const n = HISTOGRAM_BINS;
    const half = n / 2;
    // A value a hair above the top edge (float rounding) goes into the last bin rather than doubling the range.
    while (lo < this.origin || hi > this.origin + n * this.width * (1 + 1e-6)) {
      const c = this.counts;
      if (lo < this.origin) {
        for (let j = half - 1; j >= 0; j--) c[half + j] = c[2 * j]! + c[2 * j + 1]!;
        c.fill(0, 0, half);
        this.origin -= n * this.width;
      } else {
        for (let j = 0; j < half; j++) c[j] = c[2 * j]! + c[2 * j + 1]!;
        c.fill(0, half);
      }
      this.width *= 2;
    }
  }

  binCenter(b: number): number {
    return this.origin + (b + 0.5) * this.width;
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
  const min = Math.max(h.min, h.origin + lo * h.width);
  const max = Math.min(h.max, h.origin + (hi + 1) * h.width);
  return { min: Math.min(min, 0), max: Math.max(max, 0) };
}

/** The occupied bins of a histogram (centre, count): what every error estimate loops over. */
interface Occupied { x: Float64Array; c: Float64Array }

function occupied(h: HistogramObserver): Occupied {
  let n = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) if (h.counts[b]! !== 0) n++;
  const x = new Float64Array(n);
  const c = new Float64Array(n);
  for (let b = 0, k = 0; b < HISTOGRAM_BINS; b++) {
    if (h.counts[b]! === 0) continue;
    x[k] = h.binCenter(b);
    c[k++] = h.counts[b]!;
  }
  return { x, c };
}

/** Expected squared error of quantizing the histogram with the parameters for [lo, hi] (symmetric: zero point 0). */
function quantizationMse(o: Occupied, lo: number, hi: number, intRange: IntRange, symmetric: boolean): number {
  const p = symmetric ? { scale: symmetricScale(Math.max(-lo, hi), intRange.qmax), zeroPoint: 0 } : asymmetricParams(lo, hi, intRange);
  const [rmin, rmax] = representableRange(p, intRange);
  const rounding = (p.scale * p.scale) / 12;
  const { x: xs, c: cs } = o;
  let err = 0;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!;
    const c = cs[k]!;
    if (x < rmin) err += c * (rmin - x) * (rmin - x);
    else if (x > rmax) err += c * (x - rmax) * (x - rmax);
    else err += c * rounding;
  }
  return err;
}

/** Expected squared error of quantizing the tensor whose histogram is `h` over `range`. */
export function rangeError(h: HistogramObserver, range: ObservedRange, intRange: IntRange = INT8_ACTIVATION, symmetric = false): number {
  if (h.width === 0) return 0;
  return quantizationMse(occupied(h), range.min, range.max, intRange, symmetric);
}

/** The clipping range (a shrink of [min, max] towards 0, in 1% steps) with the smallest expected error. */
export function mseRange(h: HistogramObserver, intRange: IntRange = INT8_ACTIVATION, symmetric = false): ObservedRange {
  if (h.width === 0) return { min: h.min, max: h.max };
  const o = occupied(h);
  let best = { min: h.min, max: h.max };
  let bestErr = quantizationMse(o, h.min, h.max, intRange, symmetric);
  for (let step = 99; step >= 20; step--) {
    const a = step / 100;
    const lo = h.min * a;
    const hi = h.max * a;
    const err = quantizationMse(o, lo, hi, intRange, symmetric);
    if (err < bestErr) {
      bestErr = err;
      best = { min: lo, max: hi };
    }
  }
  return best;
}

/**
 * Per tensor, the range of whichever method (min/max, percentile, MSE) gives that tensor the smallest expected
 * quantization error over its own histogram; ties keep the earlier (simpler) method. No forward pass is needed, and
 * each tensor's choice rests on all of its calibration values rather than on a few scoring samples.
 */
export function perTensorRange(h: HistogramObserver, intRange: IntRange = INT8_ACTIVATION, symmetric = false, percentile?: number): { range: ObservedRange; method: RangeMethod } {
  if (h.width === 0) return { range: { min: h.min, max: h.max }, method: 'minmax' };
  const o = occupied(h);
  const options: [RangeMethod, ObservedRange][] = [
    ['minmax', { min: h.min, max: h.max }],
    ['percentile', percentileRange(h, percentile)],
    ['mse', mseRange(h, intRange, symmetric)],
  ];
  let best = options[0]!;
  let bestErr = quantizationMse(o, best[1].min, best[1].max, intRange, symmetric);
  for (const opt of options.slice(1)) {
    const err = quantizationMse(o, opt[1].min, opt[1].max, intRange, symmetric);
    if (err < bestErr) {
      bestErr = err;
      best = opt;
    }
  }
  return { range: best[1], method: best[0] };
}
