/** Turns per-input sample lists into a checked Dataset: equal counts, finite values, thinning, warnings. */
import type { Dataset, InputSpec } from './dataset';
import { DatasetError } from './errors';
import { DEFAULT_MAX_SAMPLES, type DatasetOptions, type LoadedDataset } from './options';
import { elementCount } from '../tflite/tensor-types';

export interface InputSamples {
  /** One Float32Array per sample, each with the input's element count. */
  samples: Float32Array[];
  /** Where sample i came from, for messages: "calib.npy, sample 17" or "images/cat_003.png". */
  origin: (i: number) => string;
  /** The file or folder this input's samples were read from. */
  file: string;
  /** Read from image files (ImageOptions applied). */
  images?: true;
}

/** Indices of `keep` samples spread evenly over `n` (all of them when n <= keep). */
export function evenlySpread(n: number, keep: number): number[] {
  if (n <= keep) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: keep }, (_, j) => Math.floor((j * n) / keep));
}

function checkFinite(values: Float32Array, input: InputSpec, origin: string, file: string): void {
  for (let e = 0; e < values.length; e++) {
    const v = values[e]!;
    if (!Number.isFinite(v)) {
      const what = Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
      throw new DatasetError('non-finite', file, `${origin}: holds ${what} at element ${e} of input '${input.name}'; inputs must be finite values: drop or repair that sample.`);
    }
  }
}

export function assembleDataset(perInput: InputSamples[], inputs: readonly InputSpec[], source: string, options: DatasetOptions = {}, warnings: string[] = []): LoadedDataset {
  const counts = perInput.map((p) => p.samples.length);
  if (counts.some((c) => c !== counts[0])) {
    const detail = perInput.map((p, k) => `'${inputs[k]!.name}' ${counts[k]} (${p.file})`).join(', ');
    throw new DatasetError('mismatch', source, `${source}: the inputs have different sample counts: ${detail}; every input needs one entry per sample.`);
  }
  const n = counts[0] ?? 0;
  if (n === 0) throw new DatasetError('empty', source, `${source}: holds no samples.`);
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const keep = evenlySpread(n, maxSamples);
  if (keep.length < n) warnings.push(`${source}: ${n} samples; using ${keep.length} spread evenly over them (raise maxSamples to use more).`);
  const samples: Float32Array[][] = [];
  for (const i of keep) {
    samples.push(perInput.map((p, k) => {
      const values = p.samples[i]!;
      const input = inputs[k]!;
      if (values.length !== elementCount(input.shape)) {
        throw new DatasetError('shape', p.file, `${p.origin(i)}: ${values.length} values; input '${input.name}' [${input.shape.join(', ')}] needs ${elementCount(input.shape)}.`);
      }
      checkFinite(values, input, p.origin(i), p.file);
      return values;
    }));
  }
  // Too few samples for calibration is the quantizer's warning (quantize-model.ts): it knows how many calibrate.
  if (samples.length > 1) {
    inputs.forEach((input, k) => {
      const same = sameEverywhere(samples.map((s) => s[k]!));
      if (same) warnings.push(`${perInput[k]!.file}: ${same} of input '${input.name}' in all ${samples.length} samples: ranges calibrated on one input do not hold for the inputs the model will see; give recorded inputs (an input constant by design, such as a zero initial state, can stay).`);
    });
  }
  const dataset: Dataset = { source, samples, inputShapes: inputs.map((i) => [...i.shape]) };
  return { dataset, warnings };
}

/**
 * Whether every sample of one input is the same (a placeholder file of zeros, one image copied): "the value 0 at
 * every element" or "the same values"; undefined when the samples differ.
 */
function sameEverywhere(values: readonly Float32Array[]): string | undefined {
  const first = values[0]!;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    for (let e = 0; e < v.length; e++) if (v[e] !== first[e]) return undefined;
  }
  const c = first[0];
  return first.every((x) => x === c) ? `the value ${c} at every element` : 'the same values';
}
