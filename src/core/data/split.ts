import type { Dataset } from './dataset';

import { mulberry32 } from '../common/seeded-random';

/** The same seed splits the same way on every machine. */
export const seededRandom = mulberry32;

/** 0 … n−1 in a seeded random order (Fisher–Yates on mulberry32): the one shuffle behind every seeded split. */
export function seededOrder(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Splits off a held-out part (for the quantization report: never the calibration samples) by a seeded shuffle. Both
 * parts keep the original sample order. With 2 or more samples each part gets at least one.
 */
export function splitHeldOut(dataset: Dataset, fraction: number, seed = 1): { calibration: Dataset; heldOut: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`splitHeldOut: fraction must be between 0 and 1, got ${fraction}`);
  const n = dataset.samples.length;
  if (n < 2) throw new RangeError(`splitHeldOut: ${dataset.source} has ${n} sample${n === 1 ? '' : 's'}; a split needs at least 2`);
  const held = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const order = seededOrder(n, seed);
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
 * With an accuracy target the held-out share is larger: it is split again (splitForTargetSearch) into the samples
 * the searches select on and those the report scores on.
 */
export const TARGET_HELD_OUT_FRACTION = 0.4;

/** The share held out without separate data, as words say it: "20%", "40%" with an accuracy target. */
export const heldOutShare = (target: boolean): string => `${Math.round(100 * (target ? TARGET_HELD_OUT_FRACTION : REPORT_HELD_OUT_FRACTION))}%`;

/**
 * The split the CLI and the editor both make: a seeded 20% (40% with an accuracy target) held out for the report's
 * accuracy figures, or, with too few samples, everything for calibration and a warning that says so.
 */
export function holdOutForReport(dataset: Dataset, opts: { target?: boolean } = {}): { calibration: Dataset; heldOut?: Dataset; warning?: string } {
  if (dataset.samples.length >= MIN_SAMPLES_FOR_HELD_OUT) return splitHeldOut(dataset, opts.target ? TARGET_HELD_OUT_FRACTION : REPORT_HELD_OUT_FRACTION);
  return {
    calibration: dataset,
    warning: `${dataset.source} has ${dataset.samples.length} samples: all used for calibration, so the report has no held-out accuracy.`,
  };
}

/** Fewest samples in each part of splitForTargetSearch; with fewer held-out samples both parts are all of them. */
export const MIN_TARGET_PART_SAMPLES = 5;

/**
 * An accuracy target's search (the recipe and the layers kept in higher precision) selects on `search`; the report
 * scores the result on `reported`, which no selection saw: scored on the samples it was chosen on, a model looks
 * better than it is on new data. A seeded half each; with fewer than 2 × MIN_TARGET_PART_SAMPLES held-out samples
 * both are the whole set, and `warning` says so.
 */
export function splitForTargetSearch(heldOut: Dataset): { search: Dataset; reported: Dataset; warning?: string } {
  const n = heldOut.samples.length;
  if (n < 2 * MIN_TARGET_PART_SAMPLES) {
    return {
      search: heldOut, reported: heldOut,
      warning: `Only ${n} held-out sample(s) in ${heldOut.source}: the accuracy target is searched for and reported on the same samples, so the `
        + `reported accuracy is optimistic. ${2 * MIN_TARGET_PART_SAMPLES} or more held-out samples let the report score samples the search did not see `
        + '(give more data, or separate evaluation data).',
    };
  }
  const { calibration: search, heldOut: reported } = splitHeldOut(heldOut, 0.5, 6);
  const part = (d: Dataset, name: string): Dataset => {
    const { split: _s, ...rest } = d;
    return { ...rest, source: `${heldOut.source}, ${name} half` };
  };
  return { search: part(search, 'search'), reported: part(reported, 'reported') };
}
