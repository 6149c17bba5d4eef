/**
 * Channel equalization: int8 activations have one scale per tensor, so a channel whose values stay far below the
 * tensor's range is rounded to a few steps, and a depthwise layer that reads it with a large weight amplifies that
 * rounding. Measured on MediaPipe's pose_landmark_lite: channel 10 of its first expansion stays below 0.05 in a
 * [0, 6] tensor while the depthwise weight that reads it reaches 1294; that one channel carried 95% of the noise of
 * the layer's output (39 → 16 dB in one layer), and the pattern repeats down the network.
 *
 * The float function is unchanged by scaling a producer's output channel c by s_c and dividing the consumer's
 * weights for input channel c by s_c (cross-layer equalization, Nagel et al. 2019, "Data-Free Quantization"): ReLU
 * and no activation commute with a positive scale, and ReLU6 does too as long as the scaled values stay below 6,
 * which the headroom below keeps on the calibration data with room to spare. A depthwise consumer's weights are
 * quantized per input channel, so dividing one channel costs them no precision. A CONV_2D consumer's weights are
 * quantized per output channel, so the divided ones round coarser: its scale is bounded where that rounding would
 * outweigh the activation rounding it removes (channelScales). Zero padding (PAD) between the two commutes with the
 * scale. The producer's weights are quantized per output channel, so its side is free.
 *
 * The scales come from one float pass over the calibration samples (per-channel maxima and mean squares of the producers' outputs);
 * the result is a float model with the same operators and tensor names, which the quantizer then calibrates as usual.
 */
import type { Dataset } from '../data/dataset';
import { BuiltinOperator, TensorType, type Model, type Operator } from '../tflite/index';
import { calibrationBatch } from './batching';
import { loadBatched, observeAll } from './calibrate';
import { throwIfAborted } from './errors';
import { bytesOf, constantFloats, isConstant, newBuffer } from './graph';
import { toFloat } from './tensor-io';
import type { EqualizationReport, QuantizeHooks } from './types';

export type { EqualizationReport } from './types';

/** A channel scaled up fills at most 1/EQUALIZATION_HEADROOM of the tensor's calibrated range (new data may go beyond). */
export const EQUALIZATION_HEADROOM = 4;
/** Largest scale applied to a channel: beyond it the consumer's weights for the channel become negligible in int8 terms anyway. */
export const MAX_CHANNEL_SCALE = 4096;
/** Channels whose range is within this factor of the tensor's are left alone: rounding costs them little. */
const MIN_USEFUL_SCALE = 2;

const PRODUCERS = new Set<BuiltinOperator>([BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D]);
type Activation = 'NONE' | 'RELU' | 'RELU6';

/** A producer whose output channels can be scaled, and the depthwise and CONV_2D layers (through zero padding) that read them. */
interface Pair {
  producer: number;
  /** The producer's output tensor (the one calibrated). */
  tensor: number;
  activation: Activation;
  consumers: number[];
}

const option = (op: Operator, key: string): unknown => op.builtinOptions?.table[key];

function equalizablePairs(model: Model): Pair[] {
  const sg = model.subgraphs[0]!;
  const code = (op: Operator) => model.operatorCodes[op.opcodeIndex]!.builtinCode;
  const consumers = new Map<number, number[]>();
  sg.operators.forEach((op, i) => op.inputs.forEach((t) => { if (t >= 0) consumers.set(t, [...(consumers.get(t) ?? []), i]); }));
  const isFloatConst = (t: number) => t >= 0 && sg.tensors[t]!.type === TensorType.FLOAT32 && isConstant(model, sg.tensors[t]!);
  const usedWeights = new Map<number, number>();
  sg.operators.forEach((op) => op.inputs.forEach((t) => { if (t >= 0) usedWeights.set(sg.tensors[t]!.buffer, (usedWeights.get(sg.tensors[t]!.buffer) ?? 0) + 1); }));
  const pairs: Pair[] = [];
  sg.operators.forEach((op, i) => {
    if (!PRODUCERS.has(code(op)) || op.outputs.length !== 1 || !isFloatConst(op.inputs[1] ?? -1) || !isFloatConst(op.inputs[2] ?? -1)) return;
    if (code(op) === BuiltinOperator.DEPTHWISE_CONV_2D && Number(option(op, 'depth_multiplier') ?? 1) !== 1) return;
    const activation = String(option(op, 'fused_activation_function') ?? 'NONE');
    if (activation !== 'NONE' && activation !== 'RELU' && activation !== 'RELU6') return;
    const out = op.outputs[0]!;
    if (sg.outputs.includes(out) || sg.tensors[out]!.type !== TensorType.FLOAT32) return;
    // Every reader must be a CONV_2D or depthwise layer (depth multiplier 1) reading it as its input, possibly behind zero padding.
    const readers: number[] = [];
    const ok = (t: number): boolean => (consumers.get(t) ?? []).every((c) => {
      const cop = sg.operators[c]!;
      if (code(cop) === BuiltinOperator.PAD && cop.inputs[0] === t && cop.inputs.length === 2 && !sg.outputs.includes(cop.outputs[0]!)) {
        return ok(cop.outputs[0]!);
      }
      const cc = code(cop);
      if (cop.inputs[0] !== t || cop.inputs.indexOf(t, 1) >= 0) return false;
      if (cc !== BuiltinOperator.CONV_2D && !(cc === BuiltinOperator.DEPTHWISE_CONV_2D && Number(option(cop, 'depth_multiplier') ?? 1) === 1)) return false;
      if (!isFloatConst(cop.inputs[1] ?? -1)) return false;
      readers.push(c);
      return true;
    });
    if (!(consumers.get(out) ?? []).length || !ok(out) || !readers.length) return;
    // Weights shared with another operator would be scaled for both.
    const own = [op.inputs[1]!, op.inputs[2]!, ...readers.map((c) => sg.operators[c]!.inputs[1]!)];
    if (own.some((t) => usedWeights.get(sg.tensors[t]!.buffer)! > 1)) return;
    pairs.push({ producer: i, tensor: out, activation: activation as Activation, consumers: readers });
  });
  return pairs;
}

/** What a CONV_2D consumer's weights say about input channel i: Σ w² over its taps and outputs, and Σ (weight step)². */
export interface ConsumerTerms { weightPower: Float64Array; stepPower: Float64Array }

/** Per input channel of a CONV_2D consumer (weights [O, kh, kw, I], per-output-channel int8 steps). */
export function convConsumerTerms(weights: Float32Array, shape: readonly number[]): ConsumerTerms {
  const outCh = shape[0]!;
  const inCh = shape.at(-1)!;
  const per = weights.length / outCh;
  const weightPower = new Float64Array(inCh);
  const stepPower = new Float64Array(inCh);
  for (let o = 0; o < outCh; o++) {
    let r = 0;
    for (let k = 0; k < per; k++) r = Math.max(r, Math.abs(weights[o * per + k]!));
    const step = r / 127;
    for (let k = 0; k < per; k++) {
      const i = k % inCh;
      weightPower[i] += weights[o * per + k]! ** 2;
      stepPower[i] += step * step;
    }
  }
  return { weightPower, stepPower };
}

/**
 * Scales for a pair's channels. A channel is brought up towards the tensor's range (never down: ReLU6 would then
 * clip at a different value, and a smaller channel does not shrink the tensor's range), to at most
 * 1/EQUALIZATION_HEADROOM of it. Depthwise consumers lose nothing by it. A CONV_2D consumer's weights for the channel
 * are divided by the scale within a per-output-channel grid, so their rounding grows with it while the channel's own
 * activation rounding shrinks: the scale that minimizes the sum, (Δx² Σw² / (E[x²] Σstep²))^¼, bounds it.
 * @param channelMax max |x| per channel on the calibration data; `channelPower` E[x²] per channel
 */
export function channelScales(channelMax: Float64Array, channelPower: Float64Array, activation: Activation, convConsumers: readonly ConsumerTerms[] = []): Float64Array {
  let top = 0;
  for (const m of channelMax) top = Math.max(top, m);
  // The tensor's int8 step (a ReLU output spans [0, top], no activation about [-top, top]).
  const dx = (activation === 'NONE' ? 2 * top : top) / 255;
  return Float64Array.from(channelMax, (m, i) => {
    if (!(m > 0) || !(top > 0)) return 1;
    let s = top / (EQUALIZATION_HEADROOM * m);
    if (activation === 'RELU6') s = Math.min(s, 6 / (EQUALIZATION_HEADROOM * m));
    for (const c of convConsumers) {
      const denom = channelPower[i]! * c.stepPower[i]!;
      if (denom > 0) s = Math.min(s, Math.pow((dx * dx * c.weightPower[i]!) / denom, 0.25));
    }
    s = Math.min(s, MAX_CHANNEL_SCALE);
    // Powers of two keep the scaled weights exact in float32.
    return s >= MIN_USEFUL_SCALE ? Math.pow(2, Math.floor(Math.log2(s))) : 1;
  });
}

/** The float model with the channels of `equalizablePairs` rescaled from their maxima on `data`. */
export async function equalizeChannels(model: Model, data: Dataset, name: string, hooks: QuantizeHooks = {}): Promise<{ model: Model; report: EqualizationReport }> {
  const none = { model, report: { layers: 0, channels: 0, maxScale: 1 } };
  const pairs = equalizablePairs(model);
  if (!pairs.length || !data.samples.length) return none;
  const sg = model.subgraphs[0]!;
  const maxima = new Map<number, Float64Array>(pairs.map((p) => [p.tensor, new Float64Array(sg.tensors[p.tensor]!.shape.at(-1) ?? 1)]));
  const powers = new Map<number, Float64Array>(pairs.map((p) => [p.tensor, new Float64Array(sg.tensors[p.tensor]!.shape.at(-1) ?? 1)]));
  // Values summed per channel: samples × positions (the same for every sample of a tensor).
  const counts = new Map<number, number>();
  const observedTensors = pairs.map((p) => p.tensor);
  // The pass of calibration (observeAll): batched where the graph allows, yielding between batches (Cancel,
  // progress), shared with the forward helper; the visits come in sample order either way.
  const observed = await loadBatched(model, data, observedTensors, name, Math.min(calibrationBatch(model, observedTensors), data.samples.length));
  try {
    throwIfAborted(hooks.signal, 'Channel equalization');
    await observeAll(observed, data, 0, (t, v) => {
      const m = maxima.get(t);
      const pw = powers.get(t);
      if (!m || !pw) return;
      const f = toFloat(sg.tensors[t]!, v);
      const ch = m.length;
      for (let i = 0; i < f.length; i++) {
        const a = Math.abs(f[i]!);
        const c = i % ch;
        if (a > m[c]!) m[c] = a;
        pw[c] += a * a;
      }
      counts.set(t, (counts.get(t) ?? 0) + f.length / ch);
    }, (done) => hooks.onProgress?.(done, data.samples.length, 'equalizing channels'), hooks, { t: performance.now() });
  } finally {
    observed.dispose();
  }
  const buffers = [...model.buffers];
  const tensors = sg.tensors.map((t) => ({ ...t }));
  // A depthwise layer can be both a consumer (its weights divided) and a producer (multiplied): both apply.
  const current = new Map<number, Float32Array>();
  const valuesOf = (t: number) => current.get(t) ?? constantFloats(model, sg.tensors[t]!);
  const replace = (t: number, values: Float32Array) => {
    current.set(t, values);
    buffers.push(newBuffer(bytesOf(values)));
    tensors[t] = { ...tensors[t]!, buffer: buffers.length - 1 };
  };
  let layers = 0;
  let channels = 0;
  let maxScale = 1;
  for (const p of pairs) {
    const power = powers.get(p.tensor)!.map((v) => v / Math.max(1, counts.get(p.tensor) ?? 0));
    const convs = p.consumers.filter((c) => model.operatorCodes[sg.operators[c]!.opcodeIndex]!.builtinCode === BuiltinOperator.CONV_2D)
      .map((c) => convConsumerTerms(valuesOf(sg.operators[c]!.inputs[1]!), sg.tensors[sg.operators[c]!.inputs[1]!]!.shape));
    const s = channelScales(maxima.get(p.tensor)!, power, p.activation, convs);
    const scaled = s.reduce((n, v) => n + (v !== 1 ? 1 : 0), 0);
    if (!scaled) continue;
    layers++;
    channels += scaled;
    for (const v of s) maxScale = Math.max(maxScale, v);
    const prod = sg.operators[p.producer]!;
    const ch = s.length;
    // The producer's output channel is the weights' first axis (CONV_2D) or last axis (DEPTHWISE_CONV_2D).
    const depthwise = model.operatorCodes[prod.opcodeIndex]!.builtinCode === BuiltinOperator.DEPTHWISE_CONV_2D;
    const w = valuesOf(prod.inputs[1]!);
    const inner = w.length / ch;
    replace(prod.inputs[1]!, Float32Array.from(w, (v, i) => v * s[depthwise ? i % ch : Math.floor(i / inner)]!));
    const b = valuesOf(prod.inputs[2]!);
    replace(prod.inputs[2]!, Float32Array.from(b, (v, c) => v * s[c]!));
    for (const c of p.consumers) {
      const wt = sg.operators[c]!.inputs[1]!;
      const cw = valuesOf(wt);
      replace(wt, Float32Array.from(cw, (v, i) => v / s[i % ch]!));
    }
  }
  if (!layers) return none;
  return {
    model: { ...model, buffers, subgraphs: [{ ...sg, tensors }, ...model.subgraphs.slice(1)] },
    report: { layers, channels, maxScale },
  };
}
