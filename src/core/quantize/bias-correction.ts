/**
 * Bias correction: quantized weights shift each output channel's mean a little. Running the float and the quantized
 * model on the calibration data shows the mean error per channel at every CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED output; it is folded into the int32 bias (in bias units: input scale × weight scale).
 * One layer at a time would be exact; one pass for all layers is what fits the time budget and removes most of it.
 */
import type { Dataset } from '../data/dataset';
import { BuiltinOperator, elementCount, isConstant, TensorType, type Model, type Tensor } from '../tflite/index';
import type { RuntimeTypedArray } from '../runtime/index';
import { OP_RULES } from './op-rules';
import { loadObserved, observeAll, type Visit } from './calibrate';
import { throwIfAborted } from './errors';
import { bytesOf, compactModel, newBuffer } from './graph';
import { roundHalfAway, INT32_MAX } from './quant-math';
import { dequantizeTable, toFloat } from './tensor-io';
import type { QuantizeHooks } from './types';

const CORRECTED = new Set<BuiltinOperator>([BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.FULLY_CONNECTED]);

/** Float tensors (of the float model) whose per-channel means bias correction needs: the outputs it can correct. */
export function biasCorrectionTensors(floatModel: Model): number[] {
  const sg = floatModel.subgraphs[0]!;
  return sg.operators.flatMap((op) => {
    const code = floatModel.operatorCodes[op.opcodeIndex]!.builtinCode;
    const bias = op.inputs[2] ?? -1;
    const act = op.builtinOptions?.table['fused_activation_function'];
    // Fused activations clip the output: the mean error there is not the bias error.
    if (!CORRECTED.has(code) || bias < 0 || (act !== undefined && act !== 'NONE')) return [];
    const out = op.outputs[0]!;
    return sg.tensors[out]!.type === TensorType.FLOAT32 ? [out] : [];
  });
}

/**
 * Float activations (of the float model) whose per-channel means the weight-rounding part of bias correction needs:
 * the inputs of every layer with weights and a bias (weights.ts weightRoundingBiasShift), fused activation or not.
 */
export function weightedLayerInputs(floatModel: Model): number[] {
  const sg = floatModel.subgraphs[0]!;
  const out = new Set<number>();
  for (const op of sg.operators) {
    const rule = OP_RULES[floatModel.operatorCodes[op.opcodeIndex]!.builtinCode];
    if (!rule?.weights || !rule.bias || (op.inputs[rule.bias.input] ?? -1) < 0) continue;
    const x = op.inputs[rule.bias.activationInput] ?? -1;
    if (x >= 0 && sg.tensors[x]!.type === TensorType.FLOAT32 && !isConstant(floatModel, sg.tensors[x]!)) out.add(x);
  }
  return [...out];
}

/** Per-channel means from gathered channel sums. */
export function channelMeans(sums: ChannelSums): Map<number, Float64Array> {
  const means = new Map<number, Float64Array>();
  for (const [t, s] of sums) if (s.count > 0) means.set(t, Float64Array.from(s.sums, (v) => v / s.count));
  return means;
}

export type ChannelSums = Map<number, { sums: Float64Array; count: number }>;

/**
 * @param floatSums per-channel sums of the float model's `biasCorrectionTensors` over `data`, when the calibration
 *   pass already gathered them (then only the quantized model runs here; `data` must be exactly the samples summed)
 * @param batchable whether the float graph runs batched correctly, when calibration checked it (CalibrationStats)
 */
export async function applyBiasCorrection(floatModel: Model, quantModel: Model, data: Dataset, hooks: QuantizeHooks = {}, floatSums?: ChannelSums, batchable?: boolean): Promise<Model> {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  const qByName = new Map<string, number>();
  qsg.tensors.forEach((t, i) => { if (t.type === TensorType.INT8) qByName.set(t.name, i); });
  // (quantized op index, float output tensor, quantized output tensor)
  const wanted = new Set(biasCorrectionTensors(floatModel));
  const targets: { op: number; f: number; q: number }[] = [];
  qsg.operators.forEach((op, i) => {
    const code = quantModel.operatorCodes[op.opcodeIndex]!.builtinCode;
    const bias = op.inputs[2] ?? -1;
    if (!CORRECTED.has(code) || bias < 0 || qsg.tensors[bias]!.type !== TensorType.INT32) return;
    const q = op.outputs[0]!;
    const f = fsg.tensors.findIndex((t, k) => wanted.has(k) && t.name === qsg.tensors[q]!.name);
    if (f >= 0 && qByName.get(qsg.tensors[q]!.name) === q) targets.push({ op: i, f, q });
  });
  if (!targets.length) return quantModel;
  const channels = (k: number) => qsg.tensors[targets[k]!.q]!.shape.at(-1) ?? 1;
  const fSums = targets.map((t, k) => floatSums?.get(t.f)?.sums ?? new Float64Array(channels(k)));
  const qSums = targets.map((_, k) => new Float64Array(channels(k)));
  const fIdx = new Map(targets.map((t, k) => [t.f, k]));
  const qIdx = new Map(targets.map((t, k) => [t.q, k]));
  // Visitors see whole samples (a batch's rows concatenated), each a multiple of the channel count.
  // Each channel's values in the same order as a flat walk, without a modulo per value.
  const add = (s: Float64Array, v: Float32Array) => {
    const c = s.length;
    for (let i = 0; i < v.length; i += c) for (let j = 0; j < c; j++) s[j]! += v[i + j]!;
  };
  // The quantized model's int8 outputs summed as add() sums their toFloat values (the same floats, in the same
  // order), read through the 256-entry table instead of a dequantized copy of every output.
  const addDequantized = (s: Float64Array, tensor: Tensor, v: RuntimeTypedArray) => {
    const table = v instanceof Int8Array ? dequantizeTable(tensor, v) : undefined;
    if (!table) {
      add(s, toFloat(tensor, v));
      return;
    }
    const c = s.length;
    const q = v as Int8Array;
    for (let i = 0; i < q.length; i += c) for (let j = 0; j < c; j++) s[j]! += table[q[i + j]! + 128]!;
  };
  const last = { t: performance.now() };
  // Each model runs in batches where it allows them (checked against single runs, calibrate.ts loadObserved).
  const pass = async (model: Model, tensors: number[], name: string, visit: Visit) => {
    const loaded = await loadObserved(model, data, tensors, name, false, visit, last, batchable);
    try {
      await observeAll(loaded.observed, data, loaded.done, visit, (d) => hooks.onProgress?.(d, data.samples.length, 'bias correction'), hooks, last);
    } finally {
      loaded.observed.dispose();
    }
  };
  throwIfAborted(hooks.signal, 'Bias correction');
  if (!floatSums) await pass(floatModel, targets.map((t) => t.f), 'the float model', (t, v) => { const k = fIdx.get(t); if (k !== undefined) add(fSums[k]!, v as Float32Array); });
  await pass(quantModel, targets.map((t) => t.q), 'the quantized model', (t, v) => { const k = qIdx.get(t); if (k !== undefined) addDequantized(qSums[k]!, qsg.tensors[t]!, v); });
  const counted = data.samples.length;
  const buffers = [...quantModel.buffers];
  const tensors = qsg.tensors.map((t) => ({ ...t }));
  targets.forEach((t, k) => {
    const op = qsg.operators[t.op]!;
    const b = tensors[op.inputs[2]!]!;
    const scales = b.quantization!.scale;
    const old = buffers[b.buffer]!.data;
    const values = new Int32Array(old.byteLength / 4);
    new Uint8Array(values.buffer).set(old);
    const perPosition = elementCount(qsg.tensors[t.q]!.shape.slice(0, -1)) * counted;
    for (let c = 0; c < values.length; c++) {
      const meanError = (fSums[k]![c]! - qSums[k]![c]!) / perPosition;
      const shifted = values[c]! + roundHalfAway(meanError / scales[scales.length > 1 ? c : 0]!);
      values[c] = Math.max(-INT32_MAX, Math.min(INT32_MAX, shifted));
    }
    buffers.push(newBuffer(bytesOf(values)));
    b.buffer = buffers.length - 1;
  });
  // The replaced int32 biases would stay in the file as orphaned buffers (BlazeFace: 8.75 KB of 187 KB).
  return compactModel({ ...quantModel, buffers, subgraphs: quantModel.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors } : s)) });
}
