import type { Dataset } from './dataset';

import { mulberry32 } from '../common/seeded-random';

/** The same seed splits the same way on every machine. */
export const seededRandom = mulberry32;

/**
 * Splits off a held-out part (for the quantization report: never the calibration samples) by a seeded shuffle. Both
 * parts keep the original sample order. With 2 or more samples each part gets at least one.
 */
export function splitHeldOut(dataset: Dataset, fraction: number, seed = 1): { calibration: Dataset; heldOut: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`splitHeldOut: fraction must be between 0 and 1, got ${fraction}`);
  const n = dataset.samples.length;
  if (n < 2) throw new RangeError(`splitHeldOut: ${dataset.source} has ${n} sample${n === 1 ? '' : 's'}; a split needs at least 2`);
  const held = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const heldSet = new Set(order.slice(0, held));
  const split = { source: dataset.source, given: n, calibration: n - held, heldOut: held };
  const pick = (inHeld: boolean): Dataset => ({
    source: `${dataset.source} (${inHeld ? 'held-out' : 'calibration'} split, seed ${seed})`,
    samples: dataset.samples.filter((_, i) => heldSet.has(i) === inHeld),
    inputShapes: dataset.inputShapes.map((s) => [...s]),
    split,
    ...(dataset.image ? { image: dataset.image } : {}),
  });
  return { calibration: pick(false), heldOut: pick(true) };
}

/** Share of the calibration data kept aside for the quantization report when no separate evaluation data is given. */
export const REPORT_HELD_OUT_FRACTION = 0.2;
/** Below this many samples, all of them calibrate and the report has no held-out accuracy. */
export const MIN_SAMPLES_FOR_HELD_OUT = 10;

/**
 * The split the CLI and the editor both make: a seeded 20% held out for the report's accuracy figures, or, with too
 * few samples, everything for calibration and a warning that says so.
 */
export function holdOutForReport(dataset: Dataset): { calibration: Dataset; heldOut?: Dataset; warning?: string } {
  if (dataset.samples.length >= MIN_SAMPLES_FOR_HELD_OUT) return splitHeldOut(dataset, REPORT_HELD_OUT_FRACTION);
  return {
    calibration: dataset,
    warning: `${dataset.source} has ${dataset.samples.length} samples: all used for calibration, so the report has no held-out accuracy.`,
  };
}
