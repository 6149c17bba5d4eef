/**
 * Synthetic inputs for the quantization benches (no real machine sound is committed here; real CIFAR-10 is read at
 * bench time when TINYML_BENCH_CIFAR is set, see cifar10.ts), seeded so that every run sees the same samples.
 */
import type { Dataset } from '../src/core/data/dataset';

/** `count` samples of one input of `shape`, each made by `make`. */
export function dataset(source: string, shape: number[], count: number, make: () => Float32Array): Dataset {
  return { source, inputShapes: [shape], samples: Array.from({ length: count }, () => [make()]) };
}

/**
 * ad01 input: 5 frames × 128 log-mel bins in dB. A per-clip level in [-70, -40] dB, a spectral tilt (+25 dB at the low
 * bins, decaying), two stationary tones of +20 and +12 dB (machine hum), ±4 dB uniform noise; clipped to [-85, 15],
 * the range the TF converter's ad01_int8 input parameters cover.
 */
export function spectrogramLike(r: () => number): () => Float32Array {
  return () => {
    const a = new Float32Array(640);
    const level = -70 + r() * 30;
    const tone = Math.floor(r() * 128);
    const tone2 = Math.floor(r() * 128);
    for (let f = 0; f < 5; f++) {
      for (let b = 0; b < 128; b++) {
        let v = level + 25 * Math.exp(-b / 30) + (r() - 0.5) * 8;
        if (Math.abs(b - tone) < 2) v += 20;
        if (Math.abs(b - tone2) < 1) v += 12;
        a[f * 128 + b] = Math.max(-85, Math.min(15, v));
      }
    }
    return a;
  };
}

/**
 * ResNet-8 input: 32×32 RGB, integer pixel values 0..255 (the model takes raw pixels). A background colour with a
 * linear gradient, one disc of another colour (an "object"), ±10 uniform pixel noise.
 */
export function imageLike(r: () => number): () => Float32Array {
  return () => {
    const a = new Float32Array(32 * 32 * 3);
    const cx = r() * 32, cy = r() * 32, rad = 4 + r() * 10;
    const base = [r() * 255, r() * 255, r() * 255];
    const blob = [r() * 255, r() * 255, r() * 255];
    const gx = (r() - 0.5) * 6, gy = (r() - 0.5) * 6;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad;
        for (let c = 0; c < 3; c++) {
          const v = (inside ? blob[c]! : base[c]!) + gx * x + gy * y + (r() - 0.5) * 20;
          a[(y * 32 + x) * 3 + c] = Math.round(Math.max(0, Math.min(255, v)));
        }
      }
    }
    return a;
  };
}

/** x ~ U[0, 2π], the hello_world sine model's input. */
export function sinePoints(r: () => number): () => Float32Array {
  return () => new Float32Array([r() * 2 * Math.PI]);
}

/** MFCC-like features for the MLPerf Tiny KWS model: 49 frames × 10 coefficients, the first carrying the energy. */
export function mfccLike(r: () => number): () => Float32Array {
  return () => Float32Array.from({ length: 490 }, (_, i) => (i % 10 === 0 ? -20 + 30 * r() : (r() - 0.5) * 20 / (1 + (i % 10))));
}
