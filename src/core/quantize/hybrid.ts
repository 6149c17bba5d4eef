/**
 * From whatever the user brings to the all-float graph that calibration runs: sparse (pruned) weights behind DENSIFY,
 * weights stored as float16 or int8 behind DEQUANTIZE, and the int8 weights of hybrid models (int8 constants fed straight into float kernels, what
 * dynamic-range quantization produces), become float32 constants. The int8 weights' own bytes and parameters are
 * remembered (keyed by the new float buffer) so that full-integer quantization can keep them instead of rounding
 * already-rounded values a second time.
 */
import { BuiltinOperator, TensorType, type Buffer, type Model, type QuantParams, type Tensor } from '../tflite/index';
import { bytesOf, constantFloats, foldConstantDensify, foldConstantDequantize, isConstant, newBuffer } from './graph';

/** An int8 constant as the source model stored it. */
export interface Int8Weights {
  values: Int8Array;
  quantization: QuantParams;
}

export interface FloatGraph {
  /** The model as given, which this graph was prepared from. */
  source: Model;
  model: Model;
  /** Float buffer of the prepared model -> the int8 weights it was dequantized from. */
  int8Origins: Map<Buffer, Int8Weights>;
  /** Operators of the source model that read int8 weights directly (hybrid kernels). */
  hybridOps: number;
  /** DEQUANTIZE operators of constants folded away. */
  foldedDequantize: number;
  /** Sparse constants made dense (graph.ts foldConstantDensify), read through a DENSIFY or directly. */
  foldedDensify: number;
}

function int8Of(model: Model, t: Tensor): Int8Weights | undefined {
  const q = t.quantization;
  if (t.type !== TensorType.INT8 || !q || q.scale.length === 0) return undefined;
  const data = model.buffers[t.buffer]!.data;
  return { values: new Int8Array(data.slice().buffer), quantization: q };
}

export function toFloatGraph(given: Model): FloatGraph {
  // Pruned weights stored sparse first: dense, they are float16 / int8 constants like any other.
  const { model, folded: foldedDensify } = foldConstantDensify(given);
  const sg = model.subgraphs[0]!;
  // Hybrid inputs first: an int8 constant with scales, read by an operator whose output is float.
  const tensors = sg.tensors.map((t) => ({ ...t }));
  const buffers = [...model.buffers];
  const origins = new Map<Buffer, Int8Weights>();
  const dequantized = new Set<number>();
  let hybridOps = 0;
  for (const op of sg.operators) {
    const out = sg.tensors[op.outputs[0] ?? -1];
    const oc = model.operatorCodes[op.opcodeIndex]!;
    if (!out || out.type !== TensorType.FLOAT32 || oc.builtinCode === BuiltinOperator.DEQUANTIZE || oc.customCode !== undefined) continue;
    let hybrid = false;
    for (const i of op.inputs) {
      const t = sg.tensors[i];
      if (!t || !isConstant(model, t)) continue;
      const int8 = int8Of(model, t);
      if (!int8) continue;
      hybrid = true;
      if (dequantized.has(i)) continue;
      dequantized.add(i);
      const b = newBuffer(bytesOf(constantFloats(model, t)));
      buffers.push(b);
      origins.set(b, int8);
      const { quantization: _int8Params, ...rest } = tensors[i]!;
      tensors[i] = { ...rest, type: TensorType.FLOAT32, buffer: buffers.length - 1 };
    }
    if (hybrid) hybridOps++;
  }
  const unhybrid: Model = hybridOps
    ? { ...model, buffers, subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors } : s)) }
    : model;
  // Then DEQUANTIZE of constants (float16 or int8): the int8 ones keep their origin too.
  const fsg = unhybrid.subgraphs[0]!;
  const pending = new Map<number, Int8Weights>();
  for (const op of fsg.operators) {
    const input = fsg.tensors[op.inputs[0] ?? -1];
    if (!input || !isConstant(unhybrid, input) || unhybrid.operatorCodes[op.opcodeIndex]!.customCode !== undefined) continue;
    const int8 = int8Of(unhybrid, input);
    if (int8) pending.set(op.outputs[0]!, int8);
  }
  const folded = foldConstantDequantize(unhybrid, (output, buffer) => {
    const int8 = pending.get(output);
    if (int8) origins.set(buffer, int8);
  });
  return { source: given, model: folded.model, int8Origins: origins, hybridOps, foldedDequantize: folded.folded, foldedDensify };
}

/**
 * The source model's int8 weights in the form full-integer kernels need (symmetric, per channel along `axis` or one
 * scale), or why they cannot be kept. A single scale is spread over the channels where the kernel wants per-channel.
 *
 * Per channel, each channel is then scaled by the largest power of two 2^k that keeps its values within ±127: the
 * values times 2^k, the scale over 2^k. That is exact (the same real weights, nothing rounded again), and it matters
 * on TFLite Micro: a per-tensor scale fixed by the largest channel leaves the other channels' requantization
 * multipliers up to 2^k too large, so their right shift is k smaller, and TFLM's double rounding (tflm-fixed-point.ts)
 * differs from a single rounding on about 2^-(shift+1) of the values (docs/tflm-accuracy.md: ad01 from `--mode dynamic`,
 * max |TFLM − LiteRT| 5 → 4 steps).
 */
export function keepInt8Weights(w: Int8Weights, shape: readonly number[], axis: number, perChannel: boolean): { values: Int8Array; scales: number[] } | string {
  const q = w.quantization;
  if (q.zeroPoint.some((z) => Number(z) !== 0)) return 'asymmetric (zero point not 0)';
  if (q.scale.some((s) => !(s > 0) || !Number.isFinite(s))) return 'a scale that is not positive';
  const channels = shape[axis] ?? 1;
  if (q.scale.length > 1) {
    if (q.quantizedDimension !== axis || q.scale.length !== channels) return `per-channel along axis ${q.quantizedDimension}, the kernel needs axis ${axis}`;
    if (!perChannel) return 'per-channel where this kernel takes one scale';
    return powerOfTwoPerChannel(w.values, shape, axis, q.scale.map(Math.fround));
  }
  const s = Math.fround(q.scale[0]!);
  return perChannel ? powerOfTwoPerChannel(w.values, shape, axis, new Array<number>(channels).fill(s)) : { values: w.values, scales: [s] };
}

/** Each channel's values × 2^k and scale / 2^k, k the largest with |values| · 2^k ≤ 127 (exact in float32). */
function powerOfTwoPerChannel(values: Int8Array, shape: readonly number[], axis: number, scales: number[]): { values: Int8Array; scales: number[] } {
  const channels = scales.length;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const max = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const a = Math.abs(values[i]!);
    if (a > max[c]!) max[c] = a;
  }
  const k = max.map((m) => (m ? Math.floor(Math.log2(127 / m)) : 0));
  if (k.every((x) => x === 0)) return { values, scales };
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * 2 ** k[Math.floor(i / inner) % channels]!;
  return { values: out, scales: scales.map((s, c) => s / 2 ** k[c]!) };
}
