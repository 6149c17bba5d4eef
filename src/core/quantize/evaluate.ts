/**
 * How much accuracy quantization cost: runs the float and the quantized model on held-out samples (both on the real
 * runtime, every intermediate exposed) and compares outputs and every intermediate tensor the two models share by name.
 */
import { formatOperatorRef } from '../common/format';
import type { Dataset } from '../data/dataset';
import { BuiltinOperator, readModel, TensorType, builtinOperatorName, type Model, type Tensor } from '../tflite/index';
import { ObservedModel } from './calibrate';
import { QuantizeError, throwIfAborted } from './errors';
import { checkDataset, toFloat } from './tensor-io';
import { OUTPUT_POINTS, type AccuracyReport, type LayerAccuracy, type OutputAccuracy, type QuantizeHooks } from './types';

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

function argMax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

const isQuantized = (t: Tensor) => (t.type === TensorType.INT8 || t.type === TensorType.INT16 || t.type === TensorType.UINT8) && !!t.quantization?.scale.length;

/** Tensors of the float model and their quantized counterparts (same name, activation in both), in execution order. */
function pairedActivations(floatModel: Model, quantModel: Model): { f: number; q: number; producer: string }[] {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  const qByName = new Map<string, number>();
  qsg.tensors.forEach((t, i) => { if (quantModel.buffers[t.buffer]?.data.byteLength === 0 && isQuantized(t)) qByName.set(t.name, i); });
  const pairs: { f: number; q: number; producer: string }[] = [];
  const seen = new Set<number>();
  fsg.operators.forEach((op, i) => {
    for (const t of op.outputs) {
      const ft = fsg.tensors[t];
      if (!ft || ft.type !== TensorType.FLOAT32 || seen.has(t)) continue;
      const q = qByName.get(ft.name);
      if (q === undefined) continue;
      seen.add(t);
      pairs.push({ f: t, q, producer: formatOperatorRef(i, builtinOperatorName(floatModel.operatorCodes[op.opcodeIndex]!.builtinCode)) });
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
function isClassifier(model: Model): boolean {
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
 * @param floatBytes the float model
 * @param quantBytes its quantized version (any mode; integer inputs are fed by quantizing the float samples)
 * @param heldOut samples not used for calibration, in the float model's input order
 */
export async function evaluateQuantization(floatBytes: Uint8Array, quantBytes: Uint8Array, heldOut: Dataset, hooks: QuantizeHooks = {}): Promise<AccuracyReport> {
  const floatModel = readModel(floatBytes);
  const quantModel = readModel(quantBytes);
  checkDataset(floatModel, heldOut, 'evaluation');
  const pairs = pairedActivations(floatModel, quantModel);
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  if (fsg.outputs.length !== qsg.outputs.length) {
    throw new QuantizeError('unsupported-model', `the quantized model has ${qsg.outputs.length} outputs, the float model ${fsg.outputs.length}: they are not the same model.`);
  }
  const floatRun = await ObservedModel.load(floatModel, pairs.map((p) => p.f), 'the float model');
  let quantRun: ObservedModel | undefined;
  try {
    quantRun = await ObservedModel.load(quantModel, pairs.map((p) => p.q), 'the quantized model');
    const outputs = fsg.outputs.map(() => new ErrorAccumulator());
    const points = fsg.outputs.map(() => ({ reference: [] as number[], quantized: [] as number[] }));
    const perSample = Math.max(1, Math.ceil(OUTPUT_POINTS / Math.max(1, heldOut.samples.length)));
    const layers = pairs.map(() => new ErrorAccumulator());
    let agree = 0;
    const classifier = isClassifier(floatModel);
    const fIndex = new Map<number, number>(pairs.map((p, k) => [p.f, k]));
    const qIndex = new Map<number, number>(pairs.map((p, k) => [p.q, k]));
    for (let i = 0; i < heldOut.samples.length; i++) {
      throwIfAborted(hooks.signal, 'Evaluation');
      const sample = heldOut.samples[i]!;
      const fVals = new Map<number, Float32Array>();
      floatRun.run(sample, (t, v) => { if (fIndex.has(t) || fsg.outputs.includes(t)) fVals.set(t, toFloat(fsg.tensors[t]!, v)); });
      const qVals = new Map<number, Float32Array>();
      quantRun.run(sample, (t, v) => { if (qIndex.has(t) || qsg.outputs.includes(t)) qVals.set(t, toFloat(qsg.tensors[t]!, v)); });
      fsg.outputs.forEach((t, k) => {
        const f = fVals.get(t)!;
        const q = qVals.get(qsg.outputs[k]!)!;
        outputs[k]!.add(f, q);
        samplePoints(points[k]!, f, q, perSample);
      });
      pairs.forEach((p, k) => layers[k]!.add(fVals.get(p.f)!, qVals.get(p.q)!));
      if (classifier && argMax(fVals.get(fsg.outputs[0]!)!) === argMax(qVals.get(qsg.outputs[0]!)!)) agree++;
      hooks.onProgress?.(i + 1, heldOut.samples.length, 'evaluating');
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
      scale: qsg.tensors[p.q]!.quantization!.scale[0]!,
    }));
    const report: AccuracyReport = { source: heldOut.source, samples: heldOut.samples.length, outputs: outputReports, layers: layerReports };
    if (classifier) report.top1Agreement = agree / heldOut.samples.length;
    return report;
  } finally {
    floatRun.dispose();
    quantRun?.dispose();
  }
}
