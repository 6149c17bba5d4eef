import type { Dataset } from '../../src/core/data/dataset';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';

/** `count` seeded 8×8×3 images of smooth stripes plus a little noise: enough structure for a conv net's ranges. */
export function smoothImages(count: number, seed: number): Dataset {
  const r = rng(seed);
  return { source: `smooth images seed ${seed}`, inputShapes: [[1, 8, 8, 3]], samples: Array.from({ length: count }, () => {
    const a = r() * 2; const b = r() * 2;
    return [Float32Array.from({ length: 192 }, (_, i) => Math.sin(a * (i % 8) + b * Math.floor(i / 24)) + 0.3 * (r() - 0.5))];
  }) };
}
