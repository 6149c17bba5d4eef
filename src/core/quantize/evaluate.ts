/**
 * How much accuracy quantization cost: runs the float and the quantized model on held-out samples (both on the real
 * runtime, every intermediate exposed) and compares outputs and every intermediate tensor the two models share by name.
 */
import { argIndices, type IndexOutput } from './index-heads';
import { SAME_NUMBERING, type OpNumbering } from './op-numbering';
import { formatOperatorRef } from '../common/format';
import type { Dataset } from '../data/dataset';
import { BuiltinOperator, readModel, TensorType, builtinOperatorName, type Model, type Tensor } from '../tflite/index';
import { breathe, loadBatched, ObservedModel, unlessAborted, type KeptValues, type Visit } from './calibrate';
import { calibrationBatch } from './batching';
import { FLOAT_COPY_SUFFIX } from './graph';
import { QuantizeError, throwIfAborted } from './errors';
import { operatorMacs } from '../analysis/op-cost';
import { checkDataset, toFloat, toTensorArray } from './tensor-io';
import { TflmReference, type TflmValues } from './tflm-reference';
import { OUTPUT_POINTS, type AccuracyReport, type LayerAccuracy, type OutputAccuracy, type QuantizeHooks, type TflmAccuracy } from './types';

/**
 * Multiply-accumulates the TFLite Micro reference evaluation may spend over the held-out set (it runs in plain JS,
 * 3–5 ns per MAC of CPU time on a loaded CI machine): ad01 (0.26 M MACs) gets up to 380 samples, the KWS model (2.7 M)
 * 37, ResNet-8 (12.5 M) the minimum, 10. At 2·10^8 and 20 it was half the CPU time of quantizing ResNet-8 and put the
 * command over 1.5x the runtime's own forward passes (issue 11); the report names the samples it took.
 */
export const TFLM_EVAL_MAC_BUDGET = 1e8;
/** Fewer samples than this are not worth an SQNR: the reference evaluation then takes this many anyway. */
const TFLM_EVAL_MIN_SAMPLES = 10;

/** How many held-out samples the TFLite Micro reference evaluation takes. */
export function tflmEvalSamples(model: Model, available: number): number {
  const sg = model.subgraphs[0]!;
  const macs = sg.operators.reduce((a, op) => a + operatorMacs(model, sg, op), 0);
  return Math.min(available, Math.max(TFLM_EVAL_MIN_SAMPLES, Math.floor(TFLM_EVAL_MAC_BUDGET / Math.max(1, macs))));
}


/** Running signal and noise power of an approximation, for SQNR. */
export class ErrorAccumulator {
  signal = 0;
  noise = 0;
  maxAbs = 0;
  sumAbs = 0;
  count = 0;

  add(reference: Float32Array, approx: Float32Array): void {
    for (let i = 0; i < reference.length; i++) {
      const r = reference[i]!;
      const d = r - approx[i]!;
      this.signal += r * r;
      this.noise += d * d;
      const a = Math.abs(d);
      if (a > this.maxAbs) this.maxAbs = a;
      this.sumAbs += a;
    }
    this.count += reference.length;
  }

  sqnrDb(): number {
    if (this.noise === 0) return Infinity;
    if (this.signal === 0) return -Infinity;
    return 10 * Math.log10(this.signal / this.noise);
  }
}

export function argMax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

const isQuantized = (t: Tensor) => (t.type === TensorType.INT8 || t.type === TensorType.INT16 || t.type === TensorType.UINT8) && !!t.quantization?.scale.length;

/** Tensors of the float model and their quantized counterparts (same name, activation in both), in execution order. */
interface Pair { f: number; q: number; producer: string }

function pairedActivations(floatModel: Model, quantModel: Model, numbering: OpNumbering = SAME_NUMBERING): Pair[] {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  const qByName = new Map<string, number>();
  const isActivation = (t: Tensor) => quantModel.buffers[t.buffer]?.data.byteLength === 0;
  qsg.tensors.forEach((t, i) => { if (isActivation(t) && isQuantized(t)) qByName.set(t.name, i); });
  // In a model with integer activations, the layers kept in float (an accuracy target, --keep-float) keep their
  // tensors' names: they are compared too, so the per-layer list has no holes. (A float16 or dynamic-range model has
  // no integer activations: its layers are not listed, as before.)
  if (qByName.size) qsg.tensors.forEach((t, i) => { if (isActivation(t) && t.type === TensorType.FLOAT32 && !qByName.has(t.name)) qByName.set(t.name, i); });
  // A float layer on a widened output's path writes its own copy, and the int16 value of that name may have no
  // writer left (the shape operators after it read the copy): the copy stands for the layer then, when no tensor of
  // the quantized model has the layer's name and the shapes agree (a user's own tensor may end in the suffix).
  if (qByName.size) {
    const names = new Set(qsg.tensors.map((t) => t.name));
    const floatShape = new Map(fsg.tensors.map((t) => [t.name, t.shape.join(',')]));
    qsg.tensors.forEach((t, i) => {
      const base = t.name.endsWith(FLOAT_COPY_SUFFIX) ? t.name.slice(0, -FLOAT_COPY_SUFFIX.length) : undefined;
      if (base && isActivation(t) && t.type === TensorType.FLOAT32 && !names.has(base) && floatShape.get(base) === t.shape.join(',')) qByName.set(base, i);
    });
  }
  const pairs: { f: number; q: number; producer: string }[] = [];
  const seen = new Set<number>();
  fsg.operators.forEach((op, i) => {
    for (const t of op.outputs) {
      const ft = fsg.tensors[t];
      if (!ft || ft.type !== TensorType.FLOAT32 || seen.has(t)) continue;
      const q = qByName.get(ft.name);
      if (q === undefined) continue;
      seen.add(t);
      pairs.push({ f: t, q, producer: formatOperatorRef(numbering(i), builtinOperatorName(floatModel.operatorCodes[op.opcodeIndex]!.builtinCode)) });
    }
  });
  return pairs;
}

/** Adds up to `perSample` evenly spaced (reference, quantized) pairs of one sample, up to OUTPUT_POINTS in all. */
function samplePoints(into: { reference: number[]; quantized: number[] }, f: Float32Array, q: Float32Array, perSample: number): void {
  const n = Math.min(f.length, q.length);
  const take = Math.min(n, perSample, OUTPUT_POINTS - into.reference.length);
  const round = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(5)) : 0);
  for (let j = 0; j < take; j++) {
    const i = Math.floor((j * n) / take);
    into.reference.push(round(f[i]!));
    into.quantized.push(round(q[i]!));
  }
}

/** One output of class scores: produced by SOFTMAX (or LOGISTIC over several classes). */
export function isClassifier(model: Model): boolean {
  const sg = model.subgraphs[0]!;
  if (sg.outputs.length !== 1) return false;
  const out = sg.outputs[0]!;
  const producer = sg.operators.find((op) => op.outputs.includes(out));
  if (!producer) return false;
  const code = model.operatorCodes[producer.opcodeIndex]!.builtinCode;
  const classes = sg.tensors[out]!.shape.at(-1) ?? 0;
  return (code === BuiltinOperator.SOFTMAX || code === BuiltinOperator.LOGISTIC) && classes > 1;
}

/**
 * Both models' outputs over all held-out samples, already computed (the recipe search scored the chosen model on
 * the same samples): the evaluation then runs the models, with every intermediate exposed, only over the samples the
 * per-layer and TFLite Micro comparisons take.
 */
export interface KnownOutputs {
  /** Per float output of the reference model (in subgraph order): its values over all samples, concatenated. */
  reference: readonly Float32Array[];
  /** The quantized model's outputs, dequantized, in the same layout. */
  quantized: readonly Float32Array[];
  /** The float model's activations on the leading samples, kept by the calibration pass: replayed, not run again. */
  floatDetail?: KeptValues;
}

/** What compareRuns reads the models through: a loaded model, or the float activations kept from calibration. */
interface Runner {
  readonly batch: number;
  /** Runs (or replays) `chunk`, the samples from `start` on. */
  runChunk(start: number, chunk: readonly (readonly Float32Array[])[], visit: Visit): void;
}

const running = (m: ObservedModel): Runner => ({ batch: m.batch, runChunk: (_start, chunk, visit) => { m.runBatch(chunk, visit); } });

function replaying(kept: KeptValues, batch: number): Runner {
  return {
    batch,
    runChunk: (start, chunk, visit) => {
      for (const [t, all] of kept.values) {
        const n = all.length / kept.samples;
        visit(t, all.subarray(start * n, (start + chunk.length) * n));
      }
    },
  };
}

export interface EvaluateOptions {
  /** How many samples the TFLite Micro reference evaluation takes (default: tflmEvalSamples). */
  tflmSamples?: number;
  /** Whether the float graph runs batched correctly, when already checked (CalibrationStats.batchable). */
  batchable?: boolean;
  known?: KnownOutputs;
  /** The float model's operator i → its number in the model as given (op-numbering.ts): the layers' producers. */
  numbering?: OpNumbering;
}

/**
 * @param floatBytes the float model
 * @param quantBytes its quantized version (any mode; integer inputs are fed by quantizing the float samples)
 * @param heldOut samples not used for calibration, in the float model's input order
 * The outputs are measured twice: as LiteRT computes them, and (for the operators tflm-reference.ts covers) as
 * TFLite Micro's reference kernels compute them, on the first samples within TFLM_EVAL_MAC_BUDGET.
 */
export async function evaluateQuantization(
  floatBytes: Uint8Array, quantBytes: Uint8Array, heldOut: Dataset, hooks: QuantizeHooks = {},
  options: EvaluateOptions = {},
): Promise<AccuracyReport> {
  const batchable = options.batchable;
  const floatModel = readModel(floatBytes);
  const quantModel = readModel(quantBytes);
  checkDataset(floatModel, heldOut, 'evaluation');
  const pairs = pairedActivations(floatModel, quantModel, options.numbering);
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  if (fsg.outputs.length !== qsg.outputs.length) {
    throw new QuantizeError('unsupported-model', `the quantized model has ${qsg.outputs.length} outputs, the float model ${fsg.outputs.length}: they are not the same model.`);
  }
  const fTensors = pairs.map((p) => p.f);
  const qTensors = pairs.map((p) => p.q);
  const detail = options.known?.floatDetail;
  if (detail && detail.samples >= Math.max(options.tflmSamples ?? 0, tflmEvalSamples(quantModel, heldOut.samples.length))
    && [...fTensors, ...fsg.outputs].every((t) => detail.values.has(t))) {
    // The float side is replayed: only the quantized model runs, batched as calibration found the float graph runs.
    const quantRun = await loadBatched(quantModel, heldOut, qTensors, 'the quantized model', Math.min(calibrationBatch(quantModel, qTensors), heldOut.samples.length), batchable);
    try {
      return await compareRuns(floatModel, quantModel, quantBytes, pairs, replaying(detail, quantRun.batch), running(quantRun), heldOut, hooks, options);
    } finally {
      quantRun.dispose();
    }
  }
  // Both models run the same samples per call: batched where both allow it (checked against single runs).
  const batch = Math.min(calibrationBatch(floatModel, fTensors), calibrationBatch(quantModel, qTensors), heldOut.samples.length);
  const floatRun = await loadBatched(floatModel, heldOut, fTensors, 'the float model', batch, batchable);
  let quantRun: ObservedModel | undefined;
  try {
    quantRun = await loadBatched(quantModel, heldOut, qTensors, 'the quantized model', floatRun.batch, batchable === undefined ? undefined : floatRun.batch > 1);
    if (quantRun.batch === floatRun.batch) return await compareRuns(floatModel, quantModel, quantBytes, pairs, running(floatRun), running(quantRun), heldOut, hooks, options);
  } finally {
    floatRun.dispose();
    quantRun?.dispose();
  }
  // The quantized copy would not batch: both one sample per call.
  return evaluateOneByOne(floatModel, quantModel, quantBytes, pairs, heldOut, hooks, options);
}

async function evaluateOneByOne(floatModel: Model, quantModel: Model, quantBytes: Uint8Array, pairs: Pair[], heldOut: Dataset, hooks: QuantizeHooks, options: EvaluateOptions): Promise<AccuracyReport> {
  const floatRun = await ObservedModel.load(floatModel, pairs.map((p) => p.f), 'the float model');
  let quantRun: ObservedModel | undefined;
  try {
    quantRun = await ObservedModel.load(quantModel, pairs.map((p) => p.q), 'the quantized model');
    return await compareRuns(floatModel, quantModel, quantBytes, pairs, running(floatRun), running(quantRun), heldOut, hooks, options);
  } finally {
    floatRun.dispose();
    quantRun?.dispose();
  }
}

/** Runs both models over `heldOut`, the same samples per call, and compares outputs and paired intermediates. */
async function compareRuns(floatModel: Model, quantModel: Model, quantBytes: Uint8Array, pairs: Pair[], floatRun: Runner, quantRun: Runner, heldOut: Dataset, hooks: QuantizeHooks, options: EvaluateOptions): Promise<AccuracyReport> {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  {
    const outputs = fsg.outputs.map(() => new ErrorAccumulator());
    const unsupported = TflmReference.unsupported(quantModel);
    const tflm = unsupported ? undefined : TflmReference.create(quantModel);
    const tflmSamples = tflm ? Math.min(heldOut.samples.length, options.tflmSamples ?? tflmEvalSamples(quantModel, heldOut.samples.length)) : 0;
    const tflmOutputs = fsg.outputs.map(() => new ErrorAccumulator());
    // LiteRT on the same leading samples: the TFLite Micro figures are read against these, not the all-sample ones.
    const liteRtSame = fsg.outputs.map(() => new ErrorAccumulator());
    const tflmInputs = heldOut.samples.slice(0, tflmSamples).map((sample) => qsg.inputs.map((t, k) => toTensorArray(qsg.tensors[t]!, sample[k]!) as Int8Array | Float32Array));
    // The forward helper takes inferences from the back while this thread runs them from the front (forward-helper.ts).
    const tflmShared = tflm && tflmSamples >= 2 ? hooks.forward?.share(quantBytes, 'the TFLite Micro reference', tflmInputs, 'tflm', 'back') : undefined;
    const tflmRun = async (s: number): Promise<TflmValues[]> => {
      const remote = tflmShared && !tflmShared.claim(s) ? await unlessAborted(tflmShared.take(s), hooks.signal) : undefined;
      throwIfAborted(hooks.signal, 'Evaluation');
      return remote ? remote.outputs as TflmValues[] : tflm!.run(tflmInputs[s]!);
    };
    let tflmAgree = 0, liteRtAgree = 0, maxLsb = 0, lsbDiffer = 0, lsbCount = 0, floatDiffer = 0, floatCount = 0;
    const points = fsg.outputs.map(() => ({ reference: [] as number[], quantized: [] as number[] }));
    const perSample = Math.max(1, Math.ceil(OUTPUT_POINTS / Math.max(1, heldOut.samples.length)));
    /** Per output k: the reference's and the quantized model's values of `rows` samples (absent: an integer output). */
    const addOutputs = (f: readonly (Float32Array | undefined)[], q: readonly (Float32Array | undefined)[], rows: number) => {
      f.forEach((fk, k) => {
        const qk = q[k];
        if (!fk || !qk) return;
        outputs[k]!.add(fk, qk);
        const n = fk.length / rows;
        for (let r = 0; r < rows; r++) samplePoints(points[k]!, fk.subarray(r * n, (r + 1) * n), qk.subarray(r * n, (r + 1) * n), perSample);
      });
    };
    const layers = pairs.map(() => new ErrorAccumulator());
    let agree = 0;
    const classifier = isClassifier(floatModel);
    const fIndex = new Map<number, number>(pairs.map((p, k) => [p.f, k]));
    const qIndex = new Map<number, number>(pairs.map((p, k) => [p.q, k]));
    const fOut = new Set(fsg.outputs);
    const qOut = new Set(qsg.outputs);
    const last = { t: performance.now() };
    const known = options.known;
    // With the outputs known, the runs cover what the per-layer and TFLite Micro comparisons take: the leading
    // samples within the evaluator's MAC budget (all of them for small models).
    const runSamples = known ? Math.max(tflmSamples, tflmEvalSamples(quantModel, heldOut.samples.length)) : heldOut.samples.length;
    try {
      for (let i = 0; i < runSamples; i += floatRun.batch) {
        throwIfAborted(hooks.signal, 'Evaluation');
        const chunk = heldOut.samples.slice(i, Math.min(i + floatRun.batch, runSamples));
        // Each visit holds the chunk's samples concatenated in order, for both models alike.
        const fVals = new Map<number, Float32Array>();
        floatRun.runChunk(i, chunk, (t, v) => { if (fIndex.has(t) || fOut.has(t)) fVals.set(t, toFloat(fsg.tensors[t]!, v)); });
        const qVals = new Map<number, Float32Array>();
        // LiteRT's raw integer outputs of the chunk, for the step-by-step comparison with TFLite Micro's.
        const liteRt = new Map<number, ArrayLike<number>>();
        const wantTflm = tflm !== undefined && i < tflmSamples;
        quantRun.runChunk(i, chunk, (t, v) => {
          if (qIndex.has(t) || qOut.has(t)) qVals.set(t, toFloat(qsg.tensors[t]!, v));
          if (wantTflm && qOut.has(t) && (v instanceof Int8Array || v instanceof Uint8Array || v instanceof Int16Array)) liteRt.set(t, v.slice());
        });
        if (!known) addOutputs(fsg.outputs.map((t) => fVals.get(t)!), qsg.outputs.map((t) => qVals.get(t)!), chunk.length);
        pairs.forEach((p, k) => layers[k]!.add(fVals.get(p.f)!, qVals.get(p.q)!));
        if (classifier && !known) {
          const f = fVals.get(fsg.outputs[0]!)!;
          const q = qVals.get(qsg.outputs[0]!)!;
          const n = f.length / chunk.length;
          for (let r = 0; r < chunk.length; r++) if (argMax(f.subarray(r * n, (r + 1) * n)) === argMax(q.subarray(r * n, (r + 1) * n))) agree++;
        }
        if (tflm && wantTflm) {
          for (let r = 0; r < chunk.length && i + r < tflmSamples; r++) {
            const y = await tflmRun(i + r);
            qsg.outputs.forEach((t, k) => {
              const yk = y[k]!;
              const n = yk.length;
              const ref = liteRt.get(t);
              if (ref && !(yk instanceof Float32Array)) {
                for (let j = 0; j < n; j++) {
                  const d = Math.abs(yk[j]! - Number(ref[r * n + j]));
                  if (d > maxLsb) maxLsb = d;
                  if (d) lsbDiffer++;
                }
                lsbCount += n;
              } else if (yk instanceof Float32Array) {
                // A float output (--io float): LiteRT's float values, compared as the float32 numbers they are.
                const lite = qVals.get(t)!.subarray(r * n, (r + 1) * n);
                for (let j = 0; j < n; j++) if (yk[j] !== lite[j]) floatDiffer++;
                floatCount += n;
              }
              const f = fVals.get(fsg.outputs[k]!)!.subarray(r * n, (r + 1) * n);
              tflmOutputs[k]!.add(f, toFloat(qsg.tensors[t]!, yk));
              liteRtSame[k]!.add(f, qVals.get(t)!.subarray(r * n, (r + 1) * n));
            });
            if (classifier) {
              const f = fVals.get(fsg.outputs[0]!)!;
              const n = f.length / chunk.length;
              const best = argMax(f.subarray(r * n, (r + 1) * n));
              if (best === argMax(toFloat(qsg.tensors[qsg.outputs[0]!]!, y[0]!))) tflmAgree++;
              if (best === argMax(qVals.get(qsg.outputs[0]!)!.subarray(r * n, (r + 1) * n))) liteRtAgree++;
            }
          }
        }
        hooks.onProgress?.(Math.min(runSamples, i + floatRun.batch), runSamples, 'evaluating');
        await breathe(last);
      }
    } finally {
      tflmShared?.end();
    }
    if (known) {
      const floatOutputs = fsg.outputs.flatMap((t, k) => (fsg.tensors[t]!.type === TensorType.FLOAT32 ? [k] : []));
      const f: Float32Array[] = [], q: Float32Array[] = [];
      floatOutputs.forEach((k, j) => { f[k] = known.reference[j]!; q[k] = known.quantized[j]!; });
      addOutputs(f, q, heldOut.samples.length);
      if (classifier) {
        const n = f[0]!.length / heldOut.samples.length;
        for (let r = 0; r < heldOut.samples.length; r++) if (argMax(f[0]!.subarray(r * n, (r + 1) * n)) === argMax(q[0]!.subarray(r * n, (r + 1) * n))) agree++;
      }
    }
    // Integer outputs (ARG_MAX indices, ...) are not approximations of anything: no SQNR for them.
    const outputReports: OutputAccuracy[] = fsg.outputs.flatMap((t, k) => (fsg.tensors[t]!.type !== TensorType.FLOAT32 ? [] : [{
      name: fsg.tensors[t]!.name,
      sqnrDb: outputs[k]!.sqnrDb(),
      maxAbsError: outputs[k]!.maxAbs,
      meanAbsError: outputs[k]!.sumAbs / Math.max(1, outputs[k]!.count),
      points: points[k]!,
    }]));
    const layerReports: LayerAccuracy[] = pairs.map((p, k) => ({
      tensor: fsg.tensors[p.f]!.name,
      producer: p.producer,
      sqnrDb: layers[k]!.sqnrDb(),
      maxAbsError: layers[k]!.maxAbs,
      // 0 for a layer kept in float: it has no steps.
      scale: qsg.tensors[p.q]!.quantization?.scale[0] ?? 0,
    }));
    const report: AccuracyReport = {
      source: heldOut.source, samples: heldOut.samples.length, outputs: outputReports, layers: layerReports,
      ...(runSamples < heldOut.samples.length ? { layerSamples: runSamples } : {}),
    };
    if (classifier) report.top1Agreement = agree / heldOut.samples.length;
    if (unsupported) report.tflm = { notComputed: unsupported, samples: 0, outputs: [], maxLsbVsLiteRt: 0, fractionDifferVsLiteRt: 0 };
    else if (tflmSamples) {
      const t: TflmAccuracy = {
        samples: tflmSamples,
        outputs: outputReports.map((o) => {
          const k = fsg.outputs.findIndex((t) => fsg.tensors[t]!.name === o.name);
          const acc = tflmOutputs[k]!;
          return { name: o.name, sqnrDb: acc.sqnrDb(), maxAbsError: acc.maxAbs, meanAbsError: acc.sumAbs / Math.max(1, acc.count), liteRtSqnrDb: liteRtSame[k]!.sqnrDb() };
        }),
        maxLsbVsLiteRt: maxLsb,
        fractionDifferVsLiteRt: lsbCount ? lsbDiffer / lsbCount : 0,
        integerValues: lsbCount,
        ...(floatCount ? { floatValues: floatCount, floatDifferVsLiteRt: floatDiffer / floatCount } : {}),
      };
      if (classifier) {
        t.top1Agreement = tflmAgree / tflmSamples;
        t.liteRtTop1Agreement = liteRtAgree / tflmSamples;
      }
      report.tflm = t;
    }
    return report;
  }
}

/**
 * indexAgreement from outputs already computed on the same samples (the recipe search's reference and chosen
 * outputs, KnownOutputs), without running either model again: each head's indices are ARG_MAX / ARG_MIN of the values
 * it reads, an output of `model` (the model without its heads; `scored[j]` is its output `scored.outputs[j]`).
 * Dequantized int8 values keep the int8 values' order and ties (a positive scale), so these are the indices the
 * written head computes. Undefined when a head's values are not among them or its axis is not a constant.
 */
export function indexAgreementOf(
  model: Model, heads: readonly IndexOutput[], scored: { outputs: readonly number[]; reference: readonly Float32Array[]; quantized: readonly Float32Array[] },
): { agree: number; values: number }[] | undefined {
  const sg = model.subgraphs[0]!;
  const result: { agree: number; values: number }[] = [];
  for (const h of heads) {
    const j = scored.outputs.findIndex((k) => sg.tensors[sg.outputs[k]!]!.name === h.of);
    if (j < 0 || h.axis === undefined) return undefined;
    const shape = sg.tensors[sg.outputs[scored.outputs[j]!]!]!.shape;
    const min = h.code === BuiltinOperator.ARG_MIN;
    const f = argIndices(scored.reference[j]!, shape, h.axis, min), q = argIndices(scored.quantized[j]!, shape, h.axis, min);
    if (f.length !== q.length) return undefined;
    let agree = 0;
    for (let i = 0; i < f.length; i++) if (f[i] === q[i]) agree++;
    result.push({ agree, values: f.length });
  }
  return result;
}

/**
 * For index outputs (ARG_MAX / ARG_MIN heads, index-heads.ts): how many of the quantized model's indices equal the
 * float model's over `data`, per output (its position among the subgraph's outputs). Both models as written.
 */
export async function indexAgreement(floatModel: Model, quantModel: Model, data: Dataset, outputs: readonly number[], hooks: QuantizeHooks = {}): Promise<{ agree: number; values: number }[]> {
  const fsg = floatModel.subgraphs[0]!, qsg = quantModel.subgraphs[0]!;
  const result = outputs.map(() => ({ agree: 0, values: 0 }));
  const floatRun = await ObservedModel.load(floatModel, [], 'the float model');
  let quantRun: ObservedModel | undefined;
  const last = { t: performance.now() };
  try {
    quantRun = await ObservedModel.load(quantModel, [], 'the quantized model');
    for (const sample of data.samples) {
      throwIfAborted(hooks.signal, 'Evaluation');
      const f = new Map<number, number[]>(), q = new Map<number, number[]>();
      floatRun.run(sample, (t, v) => { f.set(t, Array.from(v as ArrayLike<number | bigint>, Number)); });
      quantRun.run(sample, (t, v) => { q.set(t, Array.from(v as ArrayLike<number | bigint>, Number)); });
      outputs.forEach((k, j) => {
        const a = f.get(fsg.outputs[k]!), b = q.get(qsg.outputs[k]!);
        if (!a || !b || a.length !== b.length) return;
        for (let i = 0; i < a.length; i++) if (a[i] === b[i]) result[j]!.agree++;
        result[j]!.values += a.length;
      });
      await breathe(last);
    }
  } finally {
    floatRun.dispose();
    quantRun?.dispose();
  }
  return result;
}
