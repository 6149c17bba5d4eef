/**
 * Per-layer SQNR of the Compare view: a reference model (the float one) and a compared model (its int8 version) run on
 * the same inputs on LiteRT with the matched layers' outputs exposed (the quantize evaluator's machinery:
 * quantize/calibrate.ts ObservedModel, batched where both graphs allow it), and each matched layer's output of the
 * compared model is scored against the reference's (quantize/evaluate.ts ErrorAccumulator). Integer outputs are
 * dequantized with their own scale first, as the quantization report does.
 *
 * Where no held-out data is at hand the inputs are seeded values across each input's range (seededInputs).
 */
import { operatorMacs } from '../analysis/op-cost';
import { mulberry32 } from '../common/seeded-random';
import type { Dataset } from '../data/dataset';
import { calibrationBatch } from '../quantize/batching';
import { breathe, loadBatched, ObservedModel } from '../quantize/calibrate';
import { QuantizeError, throwIfAborted } from '../quantize/errors';
import { ErrorAccumulator } from '../quantize/evaluate';
import { checkDataset, toFloat } from '../quantize/tensor-io';
import type { QuantizeHooks } from '../quantize/types';
import { BuiltinOperator, elementCount, integerRange, SEEDED_FLOAT_RANGE, TensorType, type Model, type Tensor } from '../tflite/index';

/** A matched layer: operator indices in the reference and in the compared model. */
export interface LayerPair { ref: number; other: number }

export interface LayerSqnrResult {
  /** Per pair, in the order given: SQNR of the compared output against the reference's, dB; null where none applies. */
  sqnrDb: (number | null)[];
  samples: number;
  /** Samples per runtime call. */
  batch: number;
}

/** Forward passes of both models together may spend about this many multiply-accumulates on seeded inputs. */
const SEEDED_MAC_BUDGET = 2e9;
const SEEDED_MIN = 4;
const SEEDED_MAX = 32;

/** A tensor whose values approximate real numbers: float, or integer with a scale. */
function realValued(t: Tensor | undefined): boolean {
  if (!t) return false;
  if (t.type === TensorType.FLOAT32) return true;
  return (t.type === TensorType.INT8 || t.type === TensorType.UINT8 || t.type === TensorType.INT16) && !!t.quantization?.scale.length;
}

/**
 * The float range an input takes: the range its quantization can represent (in the model that quantizes it, or at
 * the QUANTIZE that follows a float input), else SEEDED_FLOAT_RANGE.
 */
function inputRange(models: readonly Model[], k: number): { range: [number, number]; from: string } {
  for (const model of models) {
    const sg = model.subgraphs[0]!;
    const t = sg.inputs[k];
    if (t === undefined) continue;
    let tensor = sg.tensors[t]!;
    if (tensor.type === TensorType.FLOAT32) {
      const q = sg.operators.find((op) => op.inputs[0] === t && model.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.QUANTIZE);
      if (!q) continue;
      tensor = sg.tensors[q.outputs[0]!]!;
    }
    const ints = integerRange(tensor.type);
    const scale = tensor.quantization?.scale[0];
    if (!ints || !scale) continue;
    const zp = tensor.quantization?.zeroPoint[0] ?? 0;
    return { range: [(ints[0] - zp) * scale, (ints[1] - zp) * scale], from: 'from its quantization' };
  }
  return { range: [...SEEDED_FLOAT_RANGE], from: 'no range in either model' };
}

/**
 * Seeded samples across each input's range (see inputRange), as many as SEEDED_MAC_BUDGET allows for both models
 * (4 to 32). The same models give the same inputs on every machine.
 */
export function seededInputs(ref: Model, other: Model, seed = 1): Dataset {
  const sg = ref.subgraphs[0]!;
  const macs = [ref, other].reduce((sum, m) => sum + m.subgraphs[0]!.operators.reduce((a, op) => a + operatorMacs(m, m.subgraphs[0]!, op), 0), 0);
  const count = Math.max(SEEDED_MIN, Math.min(SEEDED_MAX, Math.floor(SEEDED_MAC_BUDGET / Math.max(1, macs))));
  const random = mulberry32(seed);
  const ranges = sg.inputs.map((_, k) => inputRange([other, ref], k));
  const shapes = sg.inputs.map((t) => [...sg.tensors[t]!.shape]);
  const samples = Array.from({ length: count }, () => shapes.map((shape, k) => {
    const [lo, hi] = ranges[k]!.range;
    return Float32Array.from({ length: elementCount(shape) }, () => lo + random() * (hi - lo));
  }));
  const described = sg.inputs.map((t, k) => `"${sg.tensors[t]!.name}" [${ranges[k]!.range.map((v) => Number(v.toPrecision(3))).join(', ')}] (${ranges[k]!.from})`);
  return { source: `${count} seeded inputs (seed ${seed}) across each input's range: ${described.join(', ')}`, samples, inputShapes: shapes };
}

/**
 * Runs `ref` and `other` over `data` (float samples in the models' input order; integer inputs are quantized with
 * their own parameters) and scores each pair's first output. A pair whose outputs are not real-valued in both
 * models, or differ in size, gets null.
 */
export async function layerSqnr(ref: Model, other: Model, pairs: readonly LayerPair[], data: Dataset, hooks: QuantizeHooks = {}): Promise<LayerSqnrResult> {
  const rsg = ref.subgraphs[0]!;
  const osg = other.subgraphs[0]!;
  checkDataset(ref, data, 'the comparison');
  if (rsg.inputs.length !== osg.inputs.length) {
    throw new QuantizeError('unsupported-model', `the models take ${rsg.inputs.length} and ${osg.inputs.length} inputs: they cannot run on the same samples.`);
  }
  checkDataset(other, data, 'the comparison');
  const tensorsOf = pairs.map((p) => {
    const rt = rsg.operators[p.ref]?.outputs[0];
    const ot = osg.operators[p.other]?.outputs[0];
    if (rt === undefined || ot === undefined || rt < 0 || ot < 0) return undefined;
    const a = rsg.tensors[rt];
    const b = osg.tensors[ot];
    if (!realValued(a) || !realValued(b) || elementCount(a!.shape) !== elementCount(b!.shape)) return undefined;
    return { rt, ot };
  });
  const rWanted = [...new Set(tensorsOf.flatMap((t) => (t ? [t.rt] : [])))];
  const oWanted = [...new Set(tensorsOf.flatMap((t) => (t ? [t.ot] : [])))];
  const n = data.samples.length;
  if (!rWanted.length) return { sqnrDb: pairs.map(() => null), samples: n, batch: 1 };
  const batch = Math.min(calibrationBatch(ref, rWanted), calibrationBatch(other, oWanted), n);
  let refRun: ObservedModel | undefined;
  let otherRun: ObservedModel | undefined;
  try {
    throwIfAborted(hooks.signal, 'The comparison');
    refRun = await loadBatched(ref, data, rWanted, 'the reference model', batch);
    otherRun = await loadBatched(other, data, oWanted, 'the compared model', refRun.batch);
    if (otherRun.batch !== refRun.batch) {
      // The compared graph would not batch: both one sample per call, so that each call sees the same samples.
      refRun.dispose();
      refRun = undefined;
      refRun = await ObservedModel.load(ref, rWanted, 'the reference model');
    }
    const acc = pairs.map(() => new ErrorAccumulator());
    const rSet = new Set(rWanted);
    const oSet = new Set(oWanted);
    const last = { t: performance.now() };
    const step = refRun.batch;
    for (let i = 0; i < n; i += step) {
      throwIfAborted(hooks.signal, 'The comparison');
      const chunk = data.samples.slice(i, i + step);
      const rv = new Map<number, Float32Array>();
      refRun.runBatch(chunk, (t, v) => { if (rSet.has(t)) rv.set(t, toFloat(rsg.tensors[t]!, v)); });
      const ov = new Map<number, Float32Array>();
      otherRun.runBatch(chunk, (t, v) => { if (oSet.has(t)) ov.set(t, toFloat(osg.tensors[t]!, v)); });
      tensorsOf.forEach((t, k) => { if (t) acc[k]!.add(rv.get(t.rt)!, ov.get(t.ot)!); });
      hooks.onProgress?.(Math.min(n, i + step), n, 'running both models');
      await breathe(last);
    }
    return { sqnrDb: tensorsOf.map((t, k) => (t ? acc[k]!.sqnrDb() : null)), samples: n, batch: step };
  } finally {
    refRun?.dispose();
    otherRun?.dispose();
  }
}
