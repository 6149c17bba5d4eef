/**
 * Calibration: runs the float model on the real runtime with every activation exposed as an extra output, and turns
 * what it sees into one float range per tensor. The model is loaded once for all samples; models with a free batch
 * dimension run several samples per call (see batching.ts), after a check that batched and single runs agree.
 * Deterministic: the same data gives the same ranges.
 */
import type { Dataset } from '../data/dataset';
import { inputTensorIndices, loadRuntimeModel, outputTensorIndices, withExtraOutputs, type RuntimeModel, type RuntimeTypedArray } from '../runtime/index';
import { elementCount, TensorType, writeModel, type Model } from '../tflite/index';
import { calibrationBatch, evenBatch, withBatch } from './batching';
import { foldConstantDensify } from './graph';
import { withMinMaxOutputs } from './minmax-graph';
import { throwIfAborted } from './errors';
import type { IntRange } from './quant-math';
import { HistogramObserver, MinMaxObserver, mseRange, percentileRange, perTensorRange, type ObservedRange, type RangeMethod } from './range-estimation';
import { concatFloats } from '../common/float-arrays';
import { floatCopy, runtimeInputs, toTensorArray } from './tensor-io';
import type { QuantizeHooks, RecipeMethod } from './types';
import type { InputMoments, LayerMoments } from './weight-rounding';

export type Visit = (tensor: number, values: RuntimeTypedArray) => void;

/** A model loaded once with `tensors` as extra outputs; run() hands every input and output tensor to a visitor. */
export class ObservedModel {
  private constructor(
    private readonly runtime: RuntimeModel,
    private readonly model: Model,
    private readonly inputTensors: number[],
    private readonly outputTensors: number[],
    readonly batch: number,
    /** Runtime output tensor -> [observed tensor, 0 for its min / 1 for its max], in min/max mode. */
    private readonly reducedOutputs: Map<number, [number, 0 | 1]>,
    /** The runtime model as loaded (serialized), and its name: a forward helper loads the same (observeAll). */
    readonly runtimeBytes: Uint8Array,
    readonly name: string,
  ) {}

  /**
   * @param batch > 1 needs a model with a free batch dimension (batching.ts)
   * @param minMaxOnly visit each observed tensor with just [min, max] of the run (computed in the graph; much cheaper)
   */
  static async load(given: Model, tensors: readonly number[], name: string, batch = 1, minMaxOnly = false): Promise<ObservedModel> {
    // Sparse weights dense first (tensor indices kept): LiteRT's DENSIFY before a 3×3 convolution of float16 weights
    // gave NaN and ±5e4 where the dense model gives values below 1.
    const model = foldConstantDensify(given, true).model;
    const sg = model.subgraphs[0]!;
    const inputs = new Set(sg.inputs);
    const wanted = tensors.filter((t) => !inputs.has(t));
    const batched = batch > 1 ? withBatch(model, batch) : model;
    const reducedOutputs = new Map<number, [number, 0 | 1]>();
    let extended: Model;
    if (minMaxOnly) {
      const reducible = wanted.filter((t) => sg.tensors[t]!.shape.length > 0);
      const graph = withMinMaxOutputs(batched, reducible);
      for (const [t, [lo, hi]] of graph.reductions) {
        reducedOutputs.set(lo, [t, 0]);
        reducedOutputs.set(hi, [t, 1]);
      }
      const direct = wanted.filter((t) => sg.tensors[t]!.shape.length === 0);
      extended = withExtraOutputs(graph.model, [...direct, ...graph.reductions.values()].flat());
    } else {
      extended = withExtraOutputs(batched, wanted);
    }
    const runtimeBytes = writeModel(extended);
    const runtime = await loadRuntimeModel(runtimeBytes, { name, model: extended });
    try {
      const inputTensors = inputTensorIndices(extended, runtime.inputs.map((i) => i.name));
      const outputTensors = outputTensorIndices(extended, runtime.outputs.map((o) => o.name));
      return new ObservedModel(runtime, model, inputTensors, outputTensors, batch, reducedOutputs, runtimeBytes, name);
    } catch (e) {
      runtime.dispose();
      throw e;
    }
  }

  /** Runs one sample; returns the time spent in the runtime, ms. */
  run(sample: readonly Float32Array[], visit: Visit, transient = false): number {
    return this.runBatch([sample], visit, transient);
  }

  /**
   * Runs up to `batch` samples in one call (a short batch is padded by repeating its last sample); the visitor sees
   * the rows of the real samples only, concatenated (in min/max mode: the [min, max] of all rows, which repeated
   * rows do not change). Returns the time spent in the runtime, ms.
   * @param transient the visitor keeps no values it is given (or copies them): outputs are then views of the
   *   runtime's memory, valid only during the visit, not copies (calibration reads every activation once)
   */
  runBatch(samples: readonly (readonly Float32Array[])[], visit: Visit, transient = false): number {
    return this.runInputs(this.batchInputs(samples), samples.length, visit, transient);
  }

  /** runBatch of a batch of `rows` samples whose runtime inputs are already made (batchInputs). */
  runInputs(inputs: readonly RuntimeTypedArray[], rows: number, visit: Visit, transient = false): number {
    if (transient) {
      // Inputs first, as below; the outputs' visits happen inside the runtime call and are not its time.
      const done = this.visitor(inputs, rows, visit);
      let visiting = 0;
      const t0 = performance.now();
      this.runtime.runVisiting(inputs, (i, v) => {
        const v0 = performance.now();
        done.output(i, v);
        visiting += performance.now() - v0;
      });
      const ms = performance.now() - t0 - visiting;
      done.end();
      return ms;
    }
    const t0 = performance.now();
    const outputs = this.runtime.run(inputs);
    const ms = performance.now() - t0;
    this.visitOutputs(inputs, rows, outputs, visit);
    return ms;
  }

  /** The runtime inputs of one batch of up to `batch` samples (a short batch padded by repeating its last sample). */
  batchInputs(samples: readonly (readonly Float32Array[])[]): RuntimeTypedArray[] {
    if (this.batch === 1) return runtimeInputs(this.model, this.inputTensors, samples[0]!);
    const sg = this.model.subgraphs[0]!;
    return this.inputTensors.map((t) => {
      const k = sg.inputs.indexOf(t);
      const n = elementCount(sg.tensors[t]!.shape);
      const joined = new Float32Array(n * this.batch);
      for (let b = 0; b < this.batch; b++) joined.set(samples[Math.min(b, samples.length - 1)]![k]!, b * n);
      return toTensorArray(sg.tensors[t]!, joined);
    });
  }

  /** Runs one batch's runtime inputs (batchInputs) and returns copies of its outputs, for visitOutputs later. */
  runOutputs(inputs: readonly RuntimeTypedArray[]): RuntimeTypedArray[] {
    return this.runtime.run(inputs);
  }

  /** Visits a batch as runBatch does, from outputs the runtime (here or in a forward helper) computed for `inputs`. */
  visitOutputs(inputs: readonly RuntimeTypedArray[], rows: number, outputs: readonly RuntimeTypedArray[], visit: Visit): void {
    const done = this.visitor(inputs, rows, visit);
    outputs.forEach((v, i) => done.output(i, v));
    done.end();
  }

  /** Visits the inputs of a batch of `rows` real samples; then output(i, v) per runtime output, and end(). */
  private visitor(inputs: readonly RuntimeTypedArray[], rows: number, visit: Visit): { output(i: number, v: RuntimeTypedArray): void; end(): void } {
    const real = (v: RuntimeTypedArray) => (rows === this.batch ? v : v.subarray(0, (v.length / this.batch) * rows) as RuntimeTypedArray);
    this.inputTensors.forEach((t, i) => visit(t, real(inputs[i]!)));
    const minMax = new Map<number, Float32Array>();
    return {
      output: (i, v) => {
        const t = this.outputTensors[i]!;
        const reduced = this.reducedOutputs.get(t);
        if (!reduced) {
          visit(t, real(v));
          return;
        }
        let pair = minMax.get(reduced[0]);
        if (!pair) minMax.set(reduced[0], (pair = new Float32Array(2)));
        pair[reduced[1]] = Number(v[0]);
      },
      end: () => {
        for (const [t, pair] of minMax) visit(t, pair);
      },
    };
  }

  /** About how many bytes one batch's outputs take (4 per value). */
  outputBytesPerBatch(): number {
    return this.runtime.outputs.reduce((a, o) => a + 4 * o.shape.reduce((x, y) => x * y, 1), 0);
  }

  dispose(): void {
    this.runtime.dispose();
  }
}

/** Lets an AbortSignal's listeners and progress UIs run between samples without slowing small models down. */
export async function breathe(last: { t: number }): Promise<void> {
  const now = performance.now();
  if (now - last.t < 50) return;
  last.t = now;
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * `p`, or undefined as soon as `signal` aborts: Cancel is not held up by a batch the forward helper still runs (the
 * caller then throws with throwIfAborted).
 */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Running min/max per tensor, for comparing a batched run with single ones. */
function rangeOf(ranges: Map<number, [number, number]>, t: number, values: RuntimeTypedArray): void {
  const r = ranges.get(t) ?? [Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (v < r[0]) r[0] = v;
    if (v > r[1]) r[1] = v;
  }
  ranges.set(t, r);
}

function sameRanges(a: Map<number, [number, number]>, b: Map<number, [number, number]>): boolean {
  if (a.size !== b.size) return false;
  for (const [t, [lo, hi]] of a) {
    const other = b.get(t);
    if (!other) return false;
    const tolerance = 1e-4 * Math.max(Math.abs(lo), Math.abs(hi)) + 1e-6;
    if (Math.abs(other[0] - lo) > tolerance || Math.abs(other[1] - hi) > tolerance) return false;
  }
  return true;
}

/** Leading samples run both one at a time and as a (padded) batch to check the batched copy. */
const SAMPLES_CHECKED = 4;

/**
 * Loads the observed model, batched when the model allows it and a batched run of the first samples gives the same
 * ranges as their single-sample runs (which `visit` receives, so the check costs one extra call). Returns the model
 * and how many leading samples were already visited. `visit` gets views valid only during each call (runBatch's
 * `transient`): it copies what it keeps.
 */
export async function loadObserved(model: Model, data: Dataset, tensors: readonly number[], name: string, minMaxOnly: boolean, visit: Visit, last: { t: number }, batchable?: boolean): Promise<{ observed: ObservedModel; done: number; forwardMs: number; batchChecked: boolean }> {
  const batch = Math.min(calibrationBatch(model, tensors), data.samples.length);
  if (batchable !== undefined) {
    // Already known for this graph (a quantized copy has the float graph's operators): no check, one load.
    try {
      return { observed: await ObservedModel.load(model, tensors, name, batchable ? Math.max(1, evenBatch(model, data.samples.length, batch)) : 1, minMaxOnly), done: 0, forwardMs: 0, batchChecked: false };
    } catch (e) {
      if (!batchable || batch < 2) throw e;
    }
  }
  const single = await ObservedModel.load(model, tensors, name, 1, minMaxOnly);
  if (batch < 2) return { observed: single, done: 0, forwardMs: 0, batchChecked: false };
  let forwardMs = 0;
  const reference = new Map<number, [number, number]>();
  const checked = Math.min(batch, SAMPLES_CHECKED);
  for (let i = 0; i < checked; i++) {
    forwardMs += single.run(data.samples[i]!, (t, v) => {
      visit(t, v);
      rangeOf(reference, t, v);
    }, true);
    await breathe(last);
  }
  let batched: ObservedModel | undefined;
  try {
    batched = await ObservedModel.load(model, tensors, name, batch, minMaxOnly);
    const seen = new Map<number, [number, number]>();
    forwardMs += batched.runBatch(data.samples.slice(0, checked), (t, v) => rangeOf(seen, t, v), true);
    if (sameRanges(reference, seen)) {
      single.dispose();
      return { observed: batched, done: checked, forwardMs, batchChecked: true };
    }
    batched.dispose();
  } catch {
    // The runtime refused the batched copy (an op that fixes the batch): calibrate one sample at a time.
    batched?.dispose();
  }
  return { observed: single, done: checked, forwardMs, batchChecked: true };
}

/**
 * `model` observing `tensors`, in batches of `batch` when a batched copy loads and gives the same ranges as single
 * runs on the leading samples of `data` (see loadObserved); else one sample per call.
 */
export async function loadBatched(model: Model, data: Dataset, tensors: readonly number[], name: string, batch: number, batchable?: boolean): Promise<ObservedModel> {
  if (batchable !== undefined) {
    try {
      return await ObservedModel.load(model, tensors, name, batchable ? batch : 1);
    } catch (e) {
      if (!batchable || batch < 2) throw e;
    }
  }
  const single = await ObservedModel.load(model, tensors, name, 1);
  if (batch < 2) return single;
  let batched: ObservedModel | undefined;
  try {
    batched = await ObservedModel.load(model, tensors, name, batch);
    const checked = data.samples.slice(0, Math.min(batch, SAMPLES_CHECKED));
    const reference = new Map<number, [number, number]>();
    for (const s of checked) single.run(s, (t, v) => rangeOf(reference, t, v));
    const seen = new Map<number, [number, number]>();
    batched.runBatch(checked, (t, v) => rangeOf(seen, t, v));
    if (sameRanges(reference, seen)) {
      single.dispose();
      return batched;
    }
    batched.dispose();
  } catch {
    batched?.dispose();
  }
  return single;
}

/** Runs every sample of `data` from `from` on; `visit` gets views valid only during each call (see loadObserved). */
export async function observeAll(observed: ObservedModel, data: Dataset, from: number, visit: Visit, progress: (done: number) => void, hooks: QuantizeHooks, last: { t: number }): Promise<number> {
  let forwardMs = 0;
  const starts: number[] = [];
  for (let i = from; i < data.samples.length; i += observed.batch) starts.push(i);
  const batchOf = (i: number) => data.samples.slice(i, i + observed.batch);
  // With a forward helper, the batches go to it in stretches that bound the outputs it holds for this thread. In
  // each, it runs the next free batch from the front while this thread visits, in order: a batch nobody claimed yet
  // this thread runs itself, and while it waits for one the helper still runs, it runs the next free one ahead. Every
  // batch is visited here, in order. The next stretch is offered once the helper has taken part in the current one.
  const helper = hooks.forward && starts.length >= MIN_SHARED_BATCHES ? hooks.forward : undefined;
  const stretch = Math.max(MIN_SHARED_BATCHES, Math.floor(SHARED_OUTPUT_BYTES / Math.max(1, observed.outputBytesPerBatch())));
  const offer = (first: number) => {
    const inputs = starts.slice(first, first + stretch).map((i) => observed.batchInputs(batchOf(i)));
    const pass = inputs.length >= MIN_SHARED_BATCHES ? helper?.share(observed.runtimeBytes, observed.name, inputs) : undefined;
    return pass ? { first, inputs, pass, ahead: new Map<number, { outputs: RuntimeTypedArray[]; ms: number }>() } : undefined;
  };
  let shared = helper ? offer(0) : undefined;
  let next: typeof shared;
  try {
    for (let k = 0; k < starts.length; k++) {
      throwIfAborted(hooks.signal, 'Calibration');
      const i = starts[k]!;
      const samples = batchOf(i);
      if (shared && k >= shared.first + shared.inputs.length) {
        shared.pass.end();
        shared = next ?? offer(k);
        next = undefined;
      }
      if (!shared) {
        forwardMs += observed.runBatch(samples, visit, true);
      } else {
        const j = k - shared.first;
        let done = shared.ahead.get(j);
        shared.ahead.delete(j);
        if (!done && !shared.pass.claim(j)) {
          next ??= offer(shared.first + shared.inputs.length);
          if (!shared.pass.answered(j)) {
            // The helper still runs it: run the next free batch meanwhile (its outputs copied, visited in turn).
            for (let u = j + 1; u < shared.inputs.length; u++) {
              if (shared.ahead.has(u)) continue;
              if (shared.pass.claim(u)) {
                const t0 = performance.now();
                const outputs = observed.runOutputs(shared.inputs[u]!);
                shared.ahead.set(u, { outputs, ms: performance.now() - t0 });
                break;
              }
            }
          }
          // Undefined when the helper failed: this thread runs the batch.
          done = await unlessAborted(shared.pass.take(j), hooks.signal);
          throwIfAborted(hooks.signal, 'Calibration');
        }
        if (done) {
          observed.visitOutputs(shared.inputs[j]!, samples.length, done.outputs, visit);
          forwardMs += done.ms;
        } else {
          forwardMs += observed.runInputs(shared.inputs[j]!, samples.length, visit, true);
        }
      }
      progress(Math.min(data.samples.length, i + observed.batch));
      await breathe(last);
    }
  } finally {
    shared?.pass.end();
    next?.pass.end();
  }
  return forwardMs;
}

/** What the helper's outputs of one stretch of a pass may take while they wait to be visited. */
const SHARED_OUTPUT_BYTES = 128 * 1024 * 1024;
const MIN_SHARED_BATCHES = 2;

/**
 * What one calibration pass saw: per observed tensor a histogram with the exact min/max, and per-channel sums of
 * the tensors bias correction needs. Every range method and every recipe candidate is computed from this.
 */
export interface CalibrationStats {
  /** Tensor -> its histogram; absent in the min/max-only fast path. */
  histograms?: Map<number, HistogramObserver>;
  minmax: Map<number, ObservedRange>;
  /**
   * Tensor -> sum over samples and positions of each channel (last axis), and how many values went into each; over
   * the first `channelSumSamples` samples only.
   */
  channelSums: Map<number, { sums: Float64Array; count: number }>;
  channelSumSamples: number;
  /** With StatisticsOptions.moments: the input moments of the weighted layers (weight-rounding.ts), by operator. */
  moments?: Map<number, LayerMoments>;
  /**
   * Whether the float graph runs batched as it runs one sample at a time, when calibration checked it (undefined:
   * not checked). Quantized copies have the same operators: they run batched or not without checking again.
   */
  batchable?: boolean;
  samples: number;
  forwardMs: number;
  batch: number;
  /** With StatisticsOptions.outputsOf: per subgraph output, its values over those samples (as floats), in sample order. */
  outputsOf?: Float32Array[];
  /** With StatisticsOptions.keepOf, when they fit KEPT_BYTES. */
  kept?: KeptValues;
}

export interface StatisticsOptions {
  name: string;
  /** Min/max only (no histograms): the cheap in-graph reduction path. */
  minMaxOnly: boolean;
  /** Tensors whose per-channel sums to keep (the outputs that bias correction corrects). */
  channelSums?: readonly number[];
  /** Sum those over the first this many samples only (default: all). */
  channelSumSamples?: number;
  /** Accumulates the input moments of weighted layers from the same pass (GPTQ rounding, weight-rounding.ts). */
  moments?: InputMoments;
  /**
   * Samples to run through the same loaded model after calibration, keeping only the model's outputs (the held-out
   * samples the recipe search scores against): one load and one pass for both.
   */
  outputsOf?: Dataset;
  /**
   * Also keep every observed tensor's values of the first this many `outputsOf` samples, when they take at most
   * KEPT_BYTES: the evaluation's per-layer comparison then replays them instead of running the float model again.
   */
  keepOf?: number;
}

/** What StatisticsOptions.keepOf may hold (float values of every activation of the kept samples). */
export const KEPT_BYTES = 64 * 1024 * 1024;

/** Every observed tensor's values over the leading `samples` samples, concatenated in sample order. */
export interface KeptValues {
  samples: number;
  values: ReadonlyMap<number, Float32Array>;
}

/** One pass of the float model over `data`, observing `tensors`. */
export async function gatherStatistics(model: Model, data: Dataset, tensors: readonly number[], opts: StatisticsOptions, hooks: QuantizeHooks = {}): Promise<CalibrationStats> {
  const total = data.samples.length;
  const last = { t: performance.now() };
  const minmax = new Map<number, MinMaxObserver>();
  const histograms = new Map<number, HistogramObserver>();
  for (const t of tensors) {
    if (opts.minMaxOnly) minmax.set(t, new MinMaxObserver());
    else histograms.set(t, new HistogramObserver());
  }
  const sg = model.subgraphs[0]!;
  const channelSums = new Map<number, { sums: Float64Array; count: number }>();
  const sumSamples = Math.min(total, opts.channelSumSamples ?? total);
  const summed = new Map<number, number>();
  for (const t of opts.channelSums ?? []) {
    channelSums.set(t, { sums: new Float64Array(sg.tensors[t]!.shape.at(-1) ?? 1), count: 0 });
    summed.set(t, 0);
  }
  const visit: Visit = (t, values) => {
    const v = values as Float32Array;
    if (opts.minMaxOnly) minmax.get(t)?.observe(v);
    else histograms.get(t)?.observe(v);
    opts.moments?.observe(t, v, elementCount(sg.tensors[t]!.shape));
    const cs = channelSums.get(t);
    if (cs) {
      // The visitor sees whole samples (rows of a batch) in order: keep the leading `sumSamples` of them.
      const perSample = elementCount(sg.tensors[t]!.shape);
      const done = summed.get(t)!;
      const rows = Math.min(v.length / perSample, sumSamples - done);
      if (rows <= 0) return;
      summed.set(t, done + rows);
      const c = cs.sums.length;
      const sums = cs.sums;
      const n = rows * perSample;
      for (let i = 0; i < n; i += c) for (let j = 0; j < c; j++) sums[j]! += v[i + j]!;
      cs.count += n / c;
    }
  };
  throwIfAborted(hooks.signal, 'Calibration');
  const minMaxOnly = opts.minMaxOnly && channelSums.size === 0 && !opts.moments;
  // Kept values serve the evaluation's per-layer comparison, which reads every float activation, calibrated or not
  // (a SOFTMAX output has a fixed scale): those are observed too.
  // The tensors summed per channel are observed too: a FULLY_CONNECTED's input after a RESHAPE is not calibrated (it
  // shares its source's parameters), and unobserved its sums stayed empty, so bias correction left out that layer's
  // weight-rounding part unless the evaluation's kept values happened to observe every tensor.
  const observedTensors = [...new Set([...tensors, ...channelSums.keys(), ...(opts.moments?.tensors ?? []),
    ...(opts.keepOf && opts.outputsOf && !minMaxOnly ? sg.operators.flatMap((op) => op.outputs.filter((t) => t >= 0 && sg.tensors[t]!.type === TensorType.FLOAT32)) : [])])];
  const loaded = await loadObserved(model, data, observedTensors, opts.name, minMaxOnly, visit, last);
  const observed = loaded.observed;
  try {
    hooks.onProgress?.(loaded.done, total, 'calibrating');
    const forwardMs = loaded.forwardMs + await observeAll(observed, data, loaded.done, visit, (d) => hooks.onProgress?.(d, total, 'calibrating'), hooks, last);
    const ranges = new Map<number, ObservedRange>();
    for (const t of tensors) {
      const o = opts.minMaxOnly ? minmax.get(t)! : histograms.get(t)!;
      ranges.set(t, { min: o.min, max: o.max });
    }
    let outputsOf: Float32Array[] | undefined;
    let kept: KeptValues | undefined;
    // In min/max mode the outputs may be reduced in the graph too: their values are not there to keep.
    if (opts.outputsOf && !minMaxOnly) {
      const chunks = sg.outputs.map(() => [] as Float32Array[]);
      const index = new Map(sg.outputs.map((t, k) => [t, k]));
      const keepSamples = Math.min(opts.keepOf ?? 0, opts.outputsOf.samples.length);
      const keptChunks = new Map<number, Float32Array[]>();
      let keptBytes = 0;
      let seen = 0;
      // Past the budget nothing more is kept (and what was is dropped): the evaluation then runs the float model.
      let keeping = keepSamples > 0;
      await observeAll(observed, opts.outputsOf, 0, (t, v) => {
        const k = index.get(t);
        const keep = keeping && seen < keepSamples;
        const f = k !== undefined || keep ? floatCopy(sg.tensors[t]!, v) : undefined;
        if (k !== undefined) chunks[k]!.push(f!);
        if (keep) {
          // The visitor sees whole rows; a batch may run past the kept samples: keep only theirs.
          const n = elementCount(sg.tensors[t]!.shape);
          const rows = Math.min(f!.length / Math.max(1, n), keepSamples - seen);
          const part = f!.subarray(0, rows * n);
          keptBytes += part.byteLength;
          let list = keptChunks.get(t);
          if (!list) keptChunks.set(t, (list = []));
          list.push(part);
          if (keptBytes > KEPT_BYTES) { keeping = false; keptChunks.clear(); }
        }
      }, (done) => { seen = done; }, hooks, last);
      outputsOf = chunks.map(concatFloats);
      if (keeping) kept = { samples: keepSamples, values: new Map([...keptChunks].map(([t, parts]) => [t, concatFloats(parts)])) };
    }
    return {
      ...(opts.minMaxOnly ? {} : { histograms }), minmax: ranges, channelSums, channelSumSamples: channelSums.size ? sumSamples : 0,
      ...(opts.moments ? { moments: opts.moments.byOperator() } : {}),
      ...(loaded.batchChecked ? { batchable: observed.batch > 1 } : {}), samples: total, forwardMs, batch: observed.batch, ...(outputsOf ? { outputsOf } : {}), ...(kept ? { kept } : {}),
    };
  } finally {
    observed.dispose();
  }
}

/** The float range of every observed tensor under `method`, from one pass's statistics. */
export function rangesFor(stats: CalibrationStats, method: RecipeMethod, intRange: IntRange, symmetric: boolean, percentile?: number): Map<number, ObservedRange> {
  return rangeChoice(stats, method, intRange, symmetric, percentile).ranges;
}

/** rangesFor, and for 'per-tensor' which method each tensor took. */
export function rangeChoice(stats: CalibrationStats, method: RecipeMethod, intRange: IntRange, symmetric: boolean, percentile?: number): { ranges: Map<number, ObservedRange>; methods?: Map<number, RangeMethod> } {
  if (method === 'minmax') return { ranges: stats.minmax };
  if (!stats.histograms) throw new RangeError('histogram statistics were not gathered');
  const ranges = new Map<number, ObservedRange>();
  if (method === 'per-tensor') {
    const methods = new Map<number, RangeMethod>();
    for (const [t, h] of stats.histograms) {
      const c = perTensorRange(h, intRange, symmetric, percentile);
      ranges.set(t, c.range);
      methods.set(t, c.method);
    }
    return { ranges, methods };
  }
  for (const [t, h] of stats.histograms) ranges.set(t, method === 'percentile' ? percentileRange(h, percentile) : mseRange(h, intRange, symmetric));
  return { ranges };
}
