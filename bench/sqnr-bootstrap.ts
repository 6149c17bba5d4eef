/**
 * How much an SQNR comparison on a test set rests on which inputs the set happens to hold: per-input signal and noise
 * energy of a model's output against its float reference (LiteRT), and paired bootstraps over the inputs (the same
 * resampled indices for every model) of the gap between two recipes and of "ours reaches the best of several".
 */
import type { Dataset } from '../src/core/data/dataset';
import { mulberry32 as rng } from '../src/core/common/seeded-random';
import { inputTensorIndices, loadRuntimeModel, outputTensorIndices } from '../src/core/runtime/index';
import { ErrorAccumulator } from '../src/core/quantize/evaluate';
import { runtimeInputs, toFloat } from '../src/core/quantize/tensor-io';
import { readModel } from '../src/core/tflite/index';

/** Per test input: Σ reference² and Σ (reference − approx)² over the model's one output. */
export interface PerInputError { signal: Float64Array; noise: Float64Array }

async function outputs(bytes: Uint8Array, data: Dataset): Promise<Float32Array[]> {
  const model = readModel(bytes);
  const sg = model.subgraphs[0]!;
  if (sg.outputs.length !== 1) throw new Error(`per-input SQNR needs a model with one output; this one has ${sg.outputs.length}`);
  const rt = await loadRuntimeModel(bytes);
  try {
    const ins = inputTensorIndices(model, rt.inputs.map((i) => i.name));
    const out = outputTensorIndices(model, rt.outputs.map((o) => o.name))[0]!;
    return data.samples.map((s) => toFloat(sg.tensors[out]!, rt.run(runtimeInputs(model, ins, s))[0]!).slice());
  } finally {
    rt.dispose();
  }
}

/** The float model's outputs on `data`, to be shared by every perInputError call on the same data. */
export const referenceOutputs = outputs;

export async function perInputError(reference: readonly Float32Array[], quantBytes: Uint8Array, data: Dataset): Promise<PerInputError> {
  const q = await outputs(quantBytes, data);
  const signal = new Float64Array(q.length), noise = new Float64Array(q.length);
  q.forEach((y, i) => {
    // The report's own SQNR accounting (evaluate.ts), per input.
    const e = new ErrorAccumulator();
    e.add(reference[i]!, y);
    signal[i] = e.signal;
    noise[i] = e.noise;
  });
  return { signal, noise };
}

const db = (s: number, n: number) => 10 * Math.log10(s / n);

export function sqnrOf(e: PerInputError, idx?: readonly number[]): number {
  let s = 0, n = 0;
  const k = idx ?? Array.from(e.signal, (_, i) => i);
  for (const i of k) { s += e.signal[i]!; n += e.noise[i]!; }
  return db(s, n);
}

/** The inputs carrying the most of `e`'s noise: how many carry half of it. */
export function noiseConcentration(e: PerInputError): { half: number; topThreeShare: number } {
  const sorted = [...e.noise].sort((a, b) => b - a);
  const total = sorted.reduce((a, b) => a + b, 0);
  let acc = 0, half = 0;
  while (acc < total / 2) acc += sorted[half++]!;
  return { half, topThreeShare: (sorted[0]! + (sorted[1] ?? 0) + (sorted[2] ?? 0)) / total };
}

export interface GapBootstrap {
  /** SQNR(a) − SQNR(b) on the whole set. */
  gapDb: number;
  /** 5th and 95th percentile of the gap over the resamples (a 90% interval). */
  lo: number;
  hi: number;
  /** Share of resamples where a scores at least max(others) − tolerance (a alone when `others` holds only b). */
  reachesBest: number;
  /** How many independent groups were resampled. */
  groups: number;
}

/**
 * Paired bootstrap over the test inputs: SQNR(a) − SQNR(b), and how often a reaches the best of `others` within
 * `toleranceDb` (the best single option is a maximum over noisy figures: chosen after the fact on each resample).
 * With `groups` (a group id per input) whole groups are resampled: inputs that share a source (a clip and its noisy
 * copy, overlapping windows of one recording) are not independent draws, and treating them as such narrows the interval.
 */
export function bootstrapGap(a: PerInputError, b: PerInputError, others: readonly PerInputError[] = [b], groups?: readonly number[], toleranceDb = 0.05, resamples = 2000, seed = 7): GapBootstrap {
  const members = new Map<number, number[]>();
  (groups ?? Array.from(a.signal, (_, i) => i)).forEach((g, i) => { const m = members.get(g); if (m) m.push(i); else members.set(g, [i]); });
  const clusters = [...members.values()];
  const r = rng(seed);
  const gaps: number[] = [];
  let reach = 0;
  for (let t = 0; t < resamples; t++) {
    const idx: number[] = [];
    for (let i = 0; i < clusters.length; i++) idx.push(...clusters[Math.floor(r() * clusters.length)]!);
    const sa = sqnrOf(a, idx);
    gaps.push(sa - sqnrOf(b, idx));
    if (sa >= Math.max(...others.map((o) => sqnrOf(o, idx))) - toleranceDb) reach++;
  }
  gaps.sort((x, y) => x - y);
  return { gapDb: sqnrOf(a) - sqnrOf(b), lo: gaps[Math.floor(0.05 * resamples)]!, hi: gaps[Math.floor(0.95 * resamples)]!, reachesBest: reach / resamples, groups: clusters.length };
}
