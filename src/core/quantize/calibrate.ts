/**
 * Calibration: runs the float model on the real runtime with every activation exposed as an extra output (one pass per
 * sample), and turns what it sees into one float range per tensor. The model is loaded once for all samples.
 * Deterministic: the same data gives the same ranges.
 */
import type { Dataset } from '../data/dataset';
import { inputTensorIndices, loadRuntimeModel, outputTensorIndices, withExtraOutputs, type RuntimeModel, type RuntimeTypedArray } from '../runtime/index';
import { writeModel, type Model } from '../tflite/index';
import { throwIfAborted } from './errors';
import type { IntRange } from './quant-math';
import { HistogramObserver, MinMaxObserver, mseRange, percentileRange, type ObservedRange, type RangeMethod } from './range-estimation';
import { runtimeInputs } from './tensor-io';
import type { QuantizeHooks } from './types';

export interface CalibrationResult {
  ranges: Map<number, ObservedRange>;
  samples: number;
  /** Milliseconds spent inside the runtime's run() calls. */
  forwardMs: number;
}

export interface CalibrationOptions {
  method: RangeMethod;
  percentile?: number;
  intRange: IntRange;
  name: string;
}

/** A float model loaded once with `tensors` as extra outputs; run() returns every tensor's values by index. */
export class ObservedModel {
  private constructor(
    private readonly runtime: RuntimeModel,
    private readonly model: Model,
    private readonly inputTensors: number[],
    private readonly outputTensors: number[],
  ) {}

  static async load(model: Model, tensors: readonly number[], name: string): Promise<ObservedModel> {
    const inputs = new Set(model.subgraphs[0]!.inputs);
    const extended = withExtraOutputs(model, tensors.filter((t) => !inputs.has(t)));
    const runtime = await loadRuntimeModel(writeModel(extended), { name });
    try {
      const inputTensors = inputTensorIndices(extended, runtime.inputs.map((i) => i.name));
      const outputTensors = outputTensorIndices(extended, runtime.outputs.map((o) => o.name));
      return new ObservedModel(runtime, model, inputTensors, outputTensors);
    } catch (e) {
      runtime.dispose();
      throw e;
    }
  }

  /** Runs one sample; calls `visit` for every input and output tensor with its values. Returns the run time in ms. */
  run(sample: readonly Float32Array[], visit: (tensor: number, values: RuntimeTypedArray) => void): number {
    const inputs = runtimeInputs(this.model, this.inputTensors, sample);
    const t0 = performance.now();
    const outputs = this.runtime.run(inputs);
    const ms = performance.now() - t0;
    this.inputTensors.forEach((t, i) => visit(t, inputs[i]!));
    this.outputTensors.forEach((t, i) => visit(t, outputs[i]!));
    return ms;
  }

  dispose(): void {
    this.runtime.dispose();
  }
}

/** Lets an AbortSignal's listeners and progress UIs run between samples without slowing small models down. */
async function breathe(last: { t: number }): Promise<void> {
  const now = performance.now();
  if (now - last.t < 50) return;
  last.t = now;
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function calibrate(model: Model, data: Dataset, tensors: readonly number[], opts: CalibrationOptions, hooks: QuantizeHooks = {}): Promise<CalibrationResult> {
  const wanted = new Set(tensors);
  const observed = await ObservedModel.load(model, tensors, opts.name);
  const passes = opts.method === 'minmax' ? 1 : 2;
  const total = data.samples.length * passes;
  const last = { t: performance.now() };
  let forwardMs = 0;
  try {
    const minmax = new Map<number, MinMaxObserver>();
    for (const t of wanted) minmax.set(t, new MinMaxObserver());
    for (let i = 0; i < data.samples.length; i++) {
      throwIfAborted(hooks.signal, 'Calibration');
      forwardMs += observed.run(data.samples[i]!, (t, values) => minmax.get(t)?.observe(values as ArrayLike<number>));
      hooks.onProgress?.(i + 1, total, 'calibrating');
      await breathe(last);
    }
    const ranges = new Map<number, ObservedRange>();
    if (passes === 1) {
      for (const [t, o] of minmax) ranges.set(t, { min: o.min, max: o.max });
      return { ranges, samples: data.samples.length, forwardMs };
    }
    const histograms = new Map<number, HistogramObserver>();
    for (const [t, o] of minmax) histograms.set(t, new HistogramObserver(o.min, o.max));
    for (let i = 0; i < data.samples.length; i++) {
      throwIfAborted(hooks.signal, 'Calibration');
      forwardMs += observed.run(data.samples[i]!, (t, values) => histograms.get(t)?.observe(values as ArrayLike<number>));
      hooks.onProgress?.(data.samples.length + i + 1, total, 'calibrating (histograms)');
      await breathe(last);
    }
    for (const [t, h] of histograms) {
      ranges.set(t, opts.method === 'percentile' ? percentileRange(h, opts.percentile) : mseRange(h, opts.intRange));
    }
    return { ranges, samples: data.samples.length, forwardMs };
  } finally {
    observed.dispose();
  }
}
