/**
 * Mixed precision for an accuracy target (`--target-sqnr`): when an output of the int8 model falls short on the
 * scoring (held-out) samples, the layers that add the most quantization noise are kept in higher precision — int16x8
 * (int16 activations, the int8 weights as they are, int64 bias) where TFLite Micro has the kernel (int16-kernels.ts),
 * float with DEQUANTIZE/QUANTIZE around it otherwise — until every output meets the target, or it is clear that it
 * cannot. int16x8 keeps the int8 weights, so it removes activation rounding only; where a layer's error is its
 * weights' rounding (measured: the hand landmark model's last FULLY_CONNECTED), only float helps — the search then
 * tries float for the ranked layers.
 *
 * Sensitivity is measured from two runs with every intermediate exposed: the int8 model, and the same with every
 * layer that has an int16 kernel in int16x8. The noise a layer adds is its output's relative noise power
 * (10^(-SQNR/10)) minus the smallest of its inputs'; what int16 removes is activation rounding (counted for the layer
 * whose output is rounded, since its consumers read it), what it leaves is weight rounding. Each candidate takes
 * int16x8 where that removes most of its error, float otherwise, and the list is ranked by the noise removed. Outputs
 * whose int8 grid alone cannot reach the target are written as int16. One probe with every candidate says whether the
 * target is reachable at all; then an exponential, then binary search finds the shortest prefix, and a last binary
 * search moves float layers with an int16 kernel back to int16x8 as far as the target holds. Each probe is one graph
 * rewrite (no calibration) and one outputs-only run over the scoring samples. A missed target names what limits it,
 * e.g. the int8 input grid alone (measured: 22 dB for pose landmark's segmentation output on photos resized to the
 * model's input).
 *
 * The rewrite works on the int8 model: a kept layer's output tensor changes type in place (its name stays, so the
 * accuracy report pairs it with the float tensor), and int8 neighbours read a QUANTIZE'd copy with the tensor's
 * original int8 parameters, so nothing downstream changes. Shape operators (RESHAPE, pooling, ...) that read an
 * int16 tensor follow it into int16 at no cost.
 */
import type { Dataset } from '../data/dataset';
import { operatorMacs } from '../analysis/op-cost';
import { estimateArena, type ArenaOptions } from '../arena/index';
import { buildLabel } from '../arena/figures';
import { BuiltinOperator, isConstant, opcodeName, TensorType, writeModel, type Buffer, type Model, type Operator, type QuantParams, type Tensor } from '../tflite/index';
import { throwIfAborted } from './errors';
import { evaluateQuantization } from './evaluate';
import { assembleOperators, bytesOf, compactModel, constantFloats, FLOAT_COPY_SUFFIX, floatNameOf, newBuffer, simpleOp, type VersionedOperator } from './graph';
import type { KernelLibrary } from '../arena/kernels/types';
import { keepInt8Weights, type Int8Weights } from './hybrid';
import { int16x8Blocker, unfusedActivation, writesInt16x8 } from './int16-kernels';
import { unfusedInt16, zeroBiasTensor } from './int16-writearounds';
import type { HigherPrecision, KeptLayer, MixedPrecisionReport } from './mixed-precision-report';
import { dequantizeOpVersion, OP_RULES, quantizeOpVersion, type OpRule } from './op-rules';
import { INT16_ACTIVATION, INT8_ACTIVATION, quantizeValue, representableRange, symmetricScale, type AffineParams } from './quant-math';
import type { ObservedRange } from './range-estimation';
import { recipeScore, scoreModel, scoreOutputs, type ScoringSet } from './recipe';
import { biasScales, quantizeBiasInt64, quantizeWeights, weightRoundingBiasShift, weightScales, type QuantizedWeights } from './weights';
import type { QuantizeHooks } from './types';

export type { HigherPrecision, KeptLayer, MixedPrecisionReport } from './mixed-precision-report';

type Kind = 'int8' | 'int16' | 'float' | 'other';

/** An output whose int8 grid alone comes within this of the target is written as int16: the layers add noise too. */
export const OUTPUT_GRID_MARGIN_DB = 3;

const kindOf = (t: Tensor): Kind => (t.type === TensorType.INT8 ? 'int8' : t.type === TensorType.INT16 ? 'int16' : t.type === TensorType.FLOAT32 ? 'float' : 'other');

function paramsOf(t: Tensor): AffineParams {
  return { scale: t.quantization!.scale[0]!, zeroPoint: Number(t.quantization!.zeroPoint[0] ?? 0) };
}

/**
 * Symmetric int16 parameters for a tensor whose int8 parameters are `p`: covering the whole observed range when it
 * is known, else what the int8 parameters represent, times `headroom`. The int8 range may clip (an MSE or percentile
 * range trades clipping for finer int8 steps); int16's steps are fine enough to keep everything, and with the int8
 * range's clipping kept, int16x8 removed nothing on BlazeFace (MSE ranges): 6.6 dB on its regressors with every
 * int16 kernel in int16x8, as all int8. Steps are 128 / headroom × (int8 reach / observed reach) finer than int8's.
 */
function int16Covering(p: AffineParams, headroom: number, observed?: ObservedRange): AffineParams {
  const [lo, hi] = representableRange(p, INT8_ACTIVATION);
  const int8Reach = Math.max(Math.abs(lo), Math.abs(hi));
  // Not capped: int16 steps over the whole observed range stay finer than int8's up to 258 / headroom times the int8
  // reach (a cap at 16 times changed no figure of the target bench). The TF converter's int16x8 takes min/max as well.
  const seen = observed ? Math.max(Math.abs(observed.min), Math.abs(observed.max)) : 0;
  const reach = Math.max(int8Reach, seen);
  return { scale: symmetricScale(headroom * reach, INT16_ACTIVATION.qmax), zeroPoint: 0 };
}

/**
 * A graph output written as int16 covers twice the calibrated range: values beyond it on new data (a landmark
 * off the image) would otherwise be clipped, and int16 steps stay 128× finer than int8's even so.
 */
const OUTPUT_INT16_HEADROOM = 2;

/**
 * Every other int16 value covers a quarter more than the calibration saw: a value just past the calibration's
 * largest was clipped on new inputs (fc-relu-fc from `--mode dynamic`, target 42 dB: 44.2 dB on the search half,
 * 22.0 on the reported half, where the hidden ReLU output went past its calibrated reach; 44.3 with 1.25). Each
 * doubling costs 6 dB of int16 resolution, which decides int16x8 against float for some layers: with 2 here,
 * hand_landmark_lite --io float kept 17 layers in float instead of 1 (arena +4.5 MB instead of +1.2 MB).
 */
const INT16_HEADROOM = 1.25;

const qp = (p: AffineParams): QuantParams => ({ scale: [Math.fround(p.scale)], zeroPoint: [p.zeroPoint], quantizedDimension: 0 });


/** For each operator of the float model, the operator of the quantized model that computes the same tensor (or -1). */
export function matchOperators(floatModel: Model, quantModel: Model): number[] {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  const byName = new Map<string, number[]>();
  qsg.operators.forEach((op, k) => {
    const t = qsg.tensors[op.outputs[0] ?? -1];
    if (!t) return;
    const code = quantModel.operatorCodes[op.opcodeIndex]!.builtinCode;
    for (const n of new Set([t.name, floatNameOf(t.name)])) {
      const key = `${code}|${n}`;
      byName.set(key, [...(byName.get(key) ?? []), k]);
    }
  });
  const used = new Set<number>();
  return fsg.operators.map((op) => {
    const t = fsg.tensors[op.outputs[0] ?? -1];
    if (!t) return -1;
    const k = (byName.get(`${floatModel.operatorCodes[op.opcodeIndex]!.builtinCode}|${t.name}`) ?? []).find((c) => !used.has(c));
    if (k === undefined) return -1;
    used.add(k);
    return k;
  });
}

/**
 * The int8 model `quantModel` (from the float model `floatModel`) with the float model's operators in `keep` in
 * higher precision. Returns the model, how many shape operators (and requantizes) followed into int16, and their
 * MACs (a pooling window's).
 */
export function applyPrecision(
  floatModel: Model, quantModel: Model, keep: ReadonlyMap<number, HigherPrecision>, kernels: KernelLibrary = 'reference',
  /** Graph outputs (tensor indices of `quantModel`) written in the kept layer's precision instead of converted back. */
  widenOutputs: ReadonlySet<number> = new Set(),
  /** The calibration's min/max of each activation tensor, by name: the range its int16 form covers. */
  observedRanges?: ReadonlyMap<string, ObservedRange>,
  /** The calibration's mean of each input channel of the weighted layers' inputs, by `floatModel` tensor index (int16x8Bias). */
  inputMeans?: ReadonlyMap<number, Float64Array>,
  /** A hybrid source's int8 weights, by `floatModel` buffer (hybrid.ts toFloatGraph): per-tensor ones come back as they were. */
  int8Origins?: ReadonlyMap<Buffer, Int8Weights>,
): { model: Model; followed: number; followedMacs: number } {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  const match = matchOperators(floatModel, quantModel);
  const precisionOf = new Map<number, { p: HigherPrecision; floatOp: number }>();
  keep.forEach((p, i) => { if (match[i]! >= 0) precisionOf.set(match[i]!, { p, floatOp: i }); });
  const tensors: Tensor[] = qsg.tensors.map((t) => ({ ...t }));
  const buffers = [...quantModel.buffers];
  const original = qsg.tensors;
  const changed = new Map<number, Kind>();
  const twins = new Map<string, number>();
  const ops: VersionedOperator[] = [];
  const isOutput = (t: number) => qsg.outputs.includes(t) && !widenOutputs.has(t);
  // The tensors whose values a widened output copies (through RESHAPE and other shape operators), itself included.
  const feedsWidened = new Set<number>();
  // The same for a float output's integer value (--io float): int16 there gets an output's headroom too.
  const feedsOutput = new Set<number>();
  const copiedBy = (set: Set<number>, o: number) => {
    let t: number | undefined = o;
    while (t !== undefined && !set.has(t)) {
      set.add(t);
      const p = qsg.operators.find((op) => op.outputs.includes(t!));
      t = p && OP_RULES[quantModel.operatorCodes[p.opcodeIndex]!.builtinCode]?.output.kind === 'sameAsInput' ? p.inputs[0] : undefined;
    }
  };
  // A float output's integer value (its DEQUANTIZE's input) → the output's name: the calibration observed the float
  // model's tensors, so its range goes by that name.
  const outputNameOf = new Map<number, string>();
  for (const op of qsg.operators) {
    if (quantModel.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.DEQUANTIZE && qsg.outputs.includes(op.outputs[0]!)) outputNameOf.set(op.inputs[0]!, original[op.outputs[0]!]!.name);
  }
  for (const o of widenOutputs) copiedBy(feedsWidened, o);
  for (const t of outputNameOf.keys()) copiedBy(feedsOutput, t);
  const current = (t: number): Kind => changed.get(t) ?? kindOf(original[t]!);
  // Copies of tensors that are still int8 take the observed range too, although their values stay inside the int8
  // range: covering only that range (finer steps) put hand landmark's kept set at 9 int16x8 and 120 M float MACs,
  // against 21 and 80 M.
  // (a float value's int8 copy, a float input's, goes by the value's name)
  const rangeName = (t: number): string => outputNameOf.get(t) ?? original[quantizedFrom.get(t) ?? t]!.name;
  const int16For = (t: number, headroom = INT16_HEADROOM) => int16Covering(paramsOf(original[t]!), headroom, observedRanges?.get(rangeName(t)));
  let followed = 0;
  let followedMacs = 0;
  // Requantizes (QUANTIZE int8 → int8, e.g. a CONCATENATION's inputs brought to its output's grid): their output
  // tensor → their input tensor. A layer kept out of int8 reads the values before the requantize when those are no
  // longer int8; else all-float BlazeFace still rounded its logits to int8 there (9 dB where float gives 30).
  const requantizedFrom = new Map<number, number>();
  // The int8 model's QUANTIZEs of float values (after a --keep-float operator, a float graph input): their output →
  // the float value. A reader kept in float takes that value, not its int8 rounding dequantized again.
  const quantizedFrom = new Map<number, number>();
  // A dropped DEQUANTIZE's output → the float value its readers take instead.
  const floatFor = new Map<number, number>();
  // A float value that a float layer now writes into a float graph output itself (--io float) → that output, and back.
  const renamed = new Map<number, number>();
  const valueOf = new Map<number, number>();
  const consumersOf = new Map<number, number[]>();
  qsg.operators.forEach((op, k) => {
    op.inputs.forEach((t) => { if (t >= 0) consumersOf.set(t, [...(consumersOf.get(t) ?? []), k]); });
    const [i, o] = [op.inputs[0] ?? -1, op.outputs[0] ?? -1];
    if (quantModel.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.QUANTIZE && i >= 0 && kindOf(original[i]!) === 'int8' && kindOf(original[o]!) === 'int8') requantizedFrom.set(o, i);
    if (quantModel.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.QUANTIZE && i >= 0 && kindOf(original[i]!) === 'float' && kindOf(original[o]!) === 'int8') quantizedFrom.set(o, i);
  });
  /** The tensor a higher-precision reader takes for `t`: the requantize's input when that is no longer int8. */
  const beforeRequantize = (t: number): number => {
    const from = requantizedFrom.get(t);
    return from !== undefined && (current(from) === 'float' || current(from) === 'int16') && !isOutput(t) ? beforeRequantize(from) : t;
  };

  const addTensor = (from: number, suffix: string, type: TensorType, p?: AffineParams): number => {
    const t: Tensor = { ...original[from]!, name: `${original[from]!.name}${suffix}`, buffer: 0, type };
    if (p) t.quantization = qp(p); else delete t.quantization;
    tensors.push(t);
    return tensors.length - 1;
  };
  // The conversions written here: one whose value no operator reads and no graph output is, is dropped at the end.
  const conversions = new Set<VersionedOperator>();
  const convert = (from: number, fromKind: Kind, to: number, toKind: Kind) => {
    const c: VersionedOperator = toKind === 'float'
      ? { op: simpleOp([from], [to]), code: BuiltinOperator.DEQUANTIZE, version: dequantizeOpVersion(fromKind === 'int16' ? 'int16' : 'int8') }
      : { op: simpleOp([from], [to]), code: BuiltinOperator.QUANTIZE, version: quantizeOpVersion(toKind === 'int16' ? 'int16' : 'int8') };
    conversions.add(c);
    ops.push(c);
  };
  /** Tensor `t`'s value as `want` (int16 with parameters `p16` when given), converting once and reusing the copy. */
  const as = (t0: number, want: 'int8' | 'int16' | 'float', p16?: AffineParams): number => {
    const t = want === 'int8' ? t0 : beforeRequantize(t0);
    const source = want !== 'int8' ? quantizedFrom.get(t) : undefined;
    // (int16 from the float value itself, on the grid the int8 value's range gives: no int8 rounding first)
    if (source !== undefined && current(source) === 'float') return want === 'float' ? source : as(source, 'int16', p16 ?? int16For(t));
    const c = current(t);
    if (c === 'other') return t;
    const same = c === want && (want !== 'int16' || !p16 || (paramsOf(tensors[t]!).scale === Math.fround(p16.scale)));
    if (same) return t;
    // (a float graph output a float layer now writes, renamed below, has the grids of the value it replaces)
    const grid = valueOf.get(t) ?? t;
    const wantParams = want === 'int8' ? paramsOf(original[grid]!) : want === 'int16' ? (p16 ?? int16For(grid)) : undefined;
    const key = `${t}|${want}|${wantParams ? wantParams.scale : ''}`;
    const done = twins.get(key);
    if (done !== undefined) return done;
    const n = addTensor(t, `_${want}`, want === 'int8' ? TensorType.INT8 : want === 'int16' ? TensorType.INT16 : TensorType.FLOAT32, wantParams);
    convert(t, c, n, want);
    twins.set(key, n);
    return n;
  };
  /** Where operator output `out` is written in `kind`: in place, or (graph outputs keep their type) a copy converted after. */
  const outputIn = (out: number, kind: 'int16' | 'float', p16?: AffineParams): { tensor: number; after?: () => void } => {
    // Not a quantized value (ARG_MAX's int32 indices): the layer writes it as it is, whatever precision it reads.
    if (kindOf(original[out]!) === 'other') return { tensor: out };
    const type = kind === 'int16' ? TensorType.INT16 : TensorType.FLOAT32;
    if (kind === 'float' && feedsWidened.has(out)) {
      // A widened output stays int16 in the file whatever writes it: a float layer writes a copy, quantized after it
      // (with the int16 grid an int16x8 layer would write: `p16`, else the output's range), which float readers take.
      const n = addTensor(out, FLOAT_COPY_SUFFIX, TensorType.FLOAT32);
      const t = tensors[out]!;
      t.type = TensorType.INT16;
      t.quantization = qp(p16 ?? int16For(out, OUTPUT_INT16_HEADROOM));
      changed.set(out, 'int16');
      twins.set(`${out}|float|`, n);
      return { tensor: n, after: () => convert(n, 'float', out, 'int16') };
    }
    if (isOutput(out)) {
      const n = addTensor(out, `_${kind}`, type, p16);
      // Readers in the copy's precision take it, not the graph output's int8 values converted back (one more rounding).
      if (kind === 'float') twins.set(`${out}|float|`, n);
      else if (p16) twins.set(`${out}|int16|${p16.scale}`, n);
      return { tensor: n, after: () => convert(n, kind, out, current(out)) };
    }
    const t = tensors[out]!;
    t.type = type;
    // A float output's integer value is `<output>_int8` in the int8 model; written as int16 its name says so (a
    // user reading the file in the inspector or Netron sees an int16 tensor, not one named int8).
    const output = outputNameOf.get(out);
    if (kind === 'int16' && output !== undefined && t.name === `${output}_int8` && !tensors.some((x) => x.name === `${output}_int16`)) t.name = `${output}_int16`;
    if (p16) t.quantization = qp(p16); else delete t.quantization;
    changed.set(out, kind);
    return { tensor: out };
  };

  const floatConstants = new Map<number, number>();
  const floatConstant = (ft: number): number => {
    const done = floatConstants.get(ft);
    if (done !== undefined) return done;
    buffers.push(floatModel.buffers[fsg.tensors[ft]!.buffer]!);
    tensors.push({ ...fsg.tensors[ft]!, buffer: buffers.length - 1 });
    floatConstants.set(ft, tensors.length - 1);
    return tensors.length - 1;
  };

  /**
   * An int16x8 layer's float bias: the float model's, shifted by the mean error of the int8 weights
   * (weightRoundingBiasShift) when the calibration's input means are given. Not the int8 model's: bias correction
   * fitted that one to the errors of the int8 activations upstream, which int16 ones no longer make.
   */
  const int16x8Bias = (k: number, op: Operator, rule: OpRule, weights?: QuantizedWeights): Float32Array | undefined => {
    const kept = precisionOf.get(k);
    if (!kept || !rule.bias || !rule.weights) return undefined;
    const fop = fsg.operators[kept.floatOp]!;
    const fb = fsg.tensors[fop.inputs[rule.bias.input] ?? -1];
    if (!fb || fb.type !== TensorType.FLOAT32 || !isConstant(floatModel, fb)) return undefined;
    const bias = constantFloats(floatModel, fb);
    const fw = fsg.tensors[fop.inputs[rule.weights.input] ?? -1];
    const qw = original[op.inputs[rule.weights.input] ?? -1];
    const means = inputMeans?.get(fop.inputs[rule.bias.activationInput] ?? -1);
    if (!means || !fw || fw.type !== TensorType.FLOAT32 || !isConstant(floatModel, fw) || qw?.type !== TensorType.INT8 || !qw.quantization?.scale.length) return bias;
    const q = weights ?? { values: new Int8Array(quantModel.buffers[qw.buffer]!.data.slice().buffer), scales: qw.quantization.scale, axis: qw.quantization.scale.length > 1 ? qw.quantization.quantizedDimension : -1 };
    const shift = weightRoundingBiasShift(constantFloats(floatModel, fw), q, fw.shape, rule.weights.axis, means);
    return shift && shift.length === bias.length ? Float32Array.from(bias, (v, c) => v + shift[c]!) : bias;
  };

  /**
   * CMSIS-NN's int16x8 FULLY_CONNECTED takes per-tensor weights only (INT16X8_LIMITS.perTensorFullyConnected), and
   * the int8 model's may be per channel (the recipe's per-channel FULLY_CONNECTED, or a hybrid source's weights
   * spread per channel, hybrid.ts keepInt8Weights). Per tensor instead, as `--mode int16x8 --kernels cmsis-nn` writes
   * them: a hybrid source's per-tensor int8 weights as they were, else the float model's weights with one scale, else
   * (float weights that are not a constant) the int8 model's, rounded to one scale. One tensor per weight tensor,
   * however many layers read it. Undefined when the int8 weights can stay.
   */
  const perTensorCache = new Map<number, { tensor: number; weights: QuantizedWeights }>();
  const perTensorWeights = (k: number, op: Operator, rule: OpRule): { tensor: number; weights: QuantizedWeights } | undefined => {
    const kept = precisionOf.get(k);
    const w = op.inputs[rule.weights?.input ?? -1] ?? -1;
    if (kernels !== 'cmsis-nn' || !kept || !rule.weights || w < 0 || (original[w]!.quantization?.scale.length ?? 0) <= 1) return undefined;
    if (quantModel.operatorCodes[op.opcodeIndex]!.builtinCode !== BuiltinOperator.FULLY_CONNECTED) return undefined;
    const cached = perTensorCache.get(w);
    if (cached) return cached;
    const fw = fsg.tensors[fsg.operators[kept.floatOp]!.inputs[rule.weights.input] ?? -1];
    const origin = fw ? int8Origins?.get(floatModel.buffers[fw.buffer]!) : undefined;
    const asGiven = origin ? keepInt8Weights(origin, original[w]!.shape, rule.weights.axis, false) : undefined;
    let weights: QuantizedWeights;
    if (typeof asGiven === 'object') weights = { values: asGiven.values, scales: asGiven.scales, axis: -1 };
    else {
      const values = fw && fw.type === TensorType.FLOAT32 && isConstant(floatModel, fw) ? constantFloats(floatModel, fw) : constantFloats(quantModel, original[w]!);
      weights = quantizeWeights(values, original[w]!.shape, -1, weightScales(values, original[w]!.shape, -1));
    }
    buffers.push(newBuffer(bytesOf(weights.values)));
    tensors.push({ ...original[w]!, buffer: buffers.length - 1, quantization: { scale: weights.scales, zeroPoint: [0], quantizedDimension: 0 } });
    const result = { tensor: tensors.length - 1, weights };
    perTensorCache.set(w, result);
    return result;
  };

  qsg.operators.forEach((given, k) => {
    const op = renamed.size ? { ...given, inputs: given.inputs.map((t) => renamed.get(t) ?? t) } : given;
    const oc = quantModel.operatorCodes[op.opcodeIndex]!;
    const code = oc.builtinCode;
    const rule = OP_RULES[code];
    let choice = precisionOf.get(k)?.p;
    const in0 = op.inputs[0] ?? -1;
    const readsInt16 = in0 >= 0 && current(in0) === 'int16' && !isOutput(op.outputs[0]!);
    const out0 = op.outputs[0]!;
    if (!choice && requantizedFrom.has(out0) && beforeRequantize(out0) !== out0 && !qsg.outputs.includes(out0)
      && (consumersOf.get(out0) ?? []).length > 0 && consumersOf.get(out0)!.every((c) => precisionOf.has(c))) {
      // Every reader is kept out of int8 and reads the values before it (as): the requantize has no reader left.
      return;
    }
    if (!choice && readsInt16 && rule?.output.kind === 'sameAsInput' && writesInt16x8(code, kernels)) {
      choice = 'int16x8';
      followed++;
      followedMacs += operatorMacs(quantModel, qsg, op);
    } else if (!choice && readsInt16 && code === BuiltinOperator.QUANTIZE && kindOf(original[op.outputs[0]!]!) === 'int8') {
      // A requantize (int8 → int8) after an int16 layer becomes int16 → int16: no int8 rounding in between.
      const out = outputIn(op.outputs[0]!, 'int16', int16For(op.outputs[0]!));
      ops.push({ op: { ...op, outputs: [out.tensor] }, code, version: quantizeOpVersion('int16') });
      followed++;
      return;
    }
    if (!choice && code === BuiltinOperator.DEQUANTIZE && in0 >= 0 && (changed.has(in0) || twins.has(`${in0}|float|`)) && !qsg.outputs.includes(out0)
      && (consumersOf.get(out0) ?? []).every((c) => !precisionOf.has(c))) {
      // The int8 model's DEQUANTIZE for a float operator (--keep-float), of a value no longer int8 or written from a
      // float copy (a graph output kept int8): the float operator reads it as float directly (the float copy, or the
      // int16 values dequantized), not rounded to int8 and back.
      floatFor.set(out0, as(in0, 'float'));
      return;
    }
    if (!choice && code === BuiltinOperator.DEQUANTIZE && in0 >= 0 && changed.has(in0)) {
      // The int8 model's DEQUANTIZE into a float graph output (--io float), of a value no longer int8: int16 values
      // are dequantized as they are; a float layer writes the output itself, and its other readers read it there.
      const writer = current(in0) === 'float' && !qsg.outputs.includes(in0) && !renamed.has(in0)
        ? ops.find((o) => o.op.outputs.includes(in0)) : undefined;
      if (writer) {
        writer.op = { ...writer.op, outputs: writer.op.outputs.map((t) => (t === in0 ? out0 : t)) };
        for (const o of ops) if (o.op.inputs.includes(in0)) o.op = { ...o.op, inputs: o.op.inputs.map((t) => (t === in0 ? out0 : t)) };
        renamed.set(in0, out0);
        valueOf.set(out0, in0);
        changed.set(out0, 'float');
        return;
      }
      if (current(in0) === 'int16') {
        ops.push({ op: { ...op, inputs: [in0] }, code, version: dequantizeOpVersion('int16') });
        return;
      }
    }
    if (!choice) {
      const inputs = op.inputs.map((t) => floatFor.get(t) ?? (t >= 0 && changed.has(t) ? as(t, 'int8') : t));
      const kept: VersionedOperator = { op: { ...op, inputs }, code, version: oc.version, ...(oc.customCode !== undefined ? { customCode: oc.customCode } : {}) };
      // (a conversion of the int8 model whose readers all take another value now is dropped at the end too)
      if (code === BuiltinOperator.QUANTIZE || code === BuiltinOperator.DEQUANTIZE) conversions.add(kept);
      ops.push(kept);
      return;
    }
    if (choice === 'float') {
      const fop = fsg.operators[precisionOf.get(k)!.floatOp]!;
      const inputs = fop.inputs.map((ft, j) => {
        if (ft < 0) return -1;
        if (fsg.tensors[ft]!.type === TensorType.FLOAT32 && isConstant(floatModel, fsg.tensors[ft]!)) return floatConstant(ft);
        return as(op.inputs[j]!, 'float');
      });
      // (for a widened output, outputIn, the int16 grid an int16x8 layer would write: a fixed one for LOGISTIC, SOFTMAX)
      const out = outputIn(op.outputs[0]!, 'float', feedsWidened.has(op.outputs[0]!) && rule?.output.kind === 'fixed' ? rule.output.int16 : undefined);
      const fcode = floatModel.operatorCodes[fop.opcodeIndex]!;
      ops.push({ op: { ...fop, inputs, outputs: [out.tensor] }, code: fcode.builtinCode, version: fcode.version });
      out.after?.();
      return;
    }
    // int16x8
    if (!rule) { ops.push({ op, code, version: oc.version }); return; }
    const activation = (j: number) => j !== rule.weights?.input && j !== rule.bias?.input && (rule.activationInputs === 'all' || rule.activationInputs.includes(j));
    const inputs = [...op.inputs];
    let outParams: AffineParams;
    if (rule.output.kind === 'fixed') outParams = rule.output.int16;
    else if (rule.output.kind === 'sameAsInput' && in0 >= 0 && current(in0) !== 'other') {
      inputs[0] = as(in0, 'int16');
      outParams = paramsOf(tensors[inputs[0]]!);
    } else outParams = int16For(out0, feedsWidened.has(out0) || feedsOutput.has(out0) ? OUTPUT_INT16_HEADROOM : INT16_HEADROOM);
    op.inputs.forEach((t, j) => {
      if (t < 0 || !activation(j) || (j === 0 && rule.output.kind === 'sameAsInput')) return;
      inputs[j] = as(t, 'int16', rule.output.kind === 'inputsShareOutput' ? outParams : undefined);
    });
    const perTensor = perTensorWeights(k, op, rule);
    if (perTensor) inputs[rule.weights!.input] = perTensor.tensor;
    const wScales = perTensor ? perTensor.weights.scales : rule.weights ? original[op.inputs[rule.weights.input]!]?.quantization?.scale : undefined;
    if (rule.bias && wScales && (op.inputs[rule.bias.input] ?? -1) >= 0) {
      const b = op.inputs[rule.bias.input]!;
      const bt = original[b]!;
      const data = quantModel.buffers[bt.buffer]!.data;
      const int32 = new Int32Array(data.slice().buffer);
      const oldScales = bt.quantization!.scale;
      const values = int16x8Bias(k, op, rule, perTensor?.weights) ?? Float32Array.from(int32, (q, c) => q * oldScales[oldScales.length > 1 ? c : 0]!);
      const inScale = paramsOf(tensors[inputs[rule.bias.activationInput]!]!).scale;
      const scales = biasScales(Math.fround(inScale), wScales, values.length);
      buffers.push(newBuffer(bytesOf(quantizeBiasInt64(values, scales))));
      tensors.push({ ...bt, type: TensorType.INT64, buffer: buffers.length - 1, quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 } });
      inputs[rule.bias.input] = tensors.length - 1;
    } else if (code === BuiltinOperator.TRANSPOSE_CONV && rule.bias && wScales) {
      // No bias: a zero int64 one (CMSIS-NN's Prepare reads the bias unchecked, INT16X8_LIMITS.transposeConvBias).
      const w = original[op.inputs[rule.weights!.input]!]!;
      const n = w.shape[rule.weights!.axis]!;
      const scales = biasScales(Math.fround(paramsOf(tensors[inputs[rule.bias.activationInput]!]!).scale), wScales, n);
      buffers.push(newBuffer(bytesOf(quantizeBiasInt64(int16x8Bias(k, op, rule) ?? new Float32Array(n), scales))));
      tensors.push(zeroBiasTensor(w, n, buffers.length - 1, { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 }));
      while (inputs.length <= rule.bias.input) inputs.push(-1);
      inputs[rule.bias.input] = tensors.length - 1;
    }
    const out = outputIn(out0, 'int16', outParams);
    const version = rule.version({
      activation: 'int16', op: { ...op, inputs }, inputShapes: op.inputs.map((t) => (t >= 0 ? original[t]!.shape : [])),
      scales: { inputs: inputs.filter((t) => t >= 0 && tensors[t]!.quantization).map((t) => tensors[t]!.quantization!.scale[0]!), output: outParams.scale },
    });
    const emitted: Operator = { ...op, inputs, outputs: [out.tensor] };
    if ((code === BuiltinOperator.ADD || code === BuiltinOperator.SUB) && op.builtinOptions) {
      // As integer-graph.ts: calibrated scales are not powers of two, so the general int16 kernel.
      emitted.builtinOptions = { ...op.builtinOptions, table: { ...op.builtinOptions.table, pot_scale_int16: false } };
    }
    // As integer-graph.ts: CMSIS-NN's int16 TRANSPOSE_CONV drops a fused RELU / RELU6, so it is written after it as
    // its own int16 operator, reading a copy of the output with the same parameters (the same integers).
    const unfused = kernels === 'cmsis-nn' && code === BuiltinOperator.TRANSPOSE_CONV ? unfusedActivation(op) : undefined;
    if (unfused !== undefined && emitted.builtinOptions) {
      ops.push(...unfusedInt16(tensors, { ...emitted, builtinOptions: emitted.builtinOptions }, rule, unfused, op.inputs.map((t) => (t >= 0 ? original[t]!.shape : []))));
      out.after?.();
      return;
    }
    ops.push({ op: emitted, code, version });
    out.after?.();
  });

  // A float layer writing a widened output's values converts them to int16 after it (outputIn); when the shape
  // operators on the way are float too, they read the float copy and that conversion has no reader.
  for (let dropped = true; dropped;) {
    dropped = false;
    const read = new Set(ops.flatMap((o) => o.op.inputs));
    for (let k = ops.length - 1; k >= 0; k--) {
      const o = ops[k]!;
      if (conversions.has(o) && !read.has(o.op.outputs[0]!) && !qsg.outputs.includes(o.op.outputs[0]!)) {
        ops.splice(k, 1);
        dropped = true;
      }
    }
  }
  const { operators, operatorCodes } = assembleOperators(ops);
  const model = compactModel({
    ...quantModel, operatorCodes, buffers,
    subgraphs: quantModel.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors, operators } : s)),
  });
  return { model, followed, followedMacs };
}

/**
 * The best SQNR an output can reach when it is written as int8 with `p`: the float reference values rounded to that
 * grid. A probability near 0 on every sample (a "person present" flag on photos without people) has a signal of a
 * few int8 steps, and then no precision inside the model lifts it to the target.
 */
export function outputGridFloorDb(reference: Float32Array, p: AffineParams, roundingOnly = false): number {
  // roundingOnly: each value clamped to the grid's range first, so only the steps count, not the clipping.
  const [lo, hi] = roundingOnly ? representableRange(p, INT8_ACTIVATION) : [-Infinity, Infinity];
  let signal = 0;
  let noise = 0;
  for (const r of reference) {
    const v = Math.min(hi, Math.max(lo, r));
    const d = v - (quantizeValue(v, p.scale, p.zeroPoint, INT8_ACTIVATION) - p.zeroPoint) * p.scale;
    signal += r * r;
    noise += d * d;
  }
  return noise === 0 ? Infinity : signal === 0 ? -Infinity : 10 * Math.log10(signal / noise);
}

/** What an int8 graph output's grid allows on the scored samples (int8OutputGrids). */
export interface OutputGrid {
  /** Index among the subgraph's outputs, and among the scored outputs (ScoringSet.reference). */
  output: number;
  scored: number;
  name: string;
  params: AffineParams;
  /** outputGridFloorDb: rounding and clipping to the grid. */
  floorDb: number;
  /** The same with the values clamped to the grid's range first: what finer steps alone would lift. */
  roundingFloorDb: number;
  /** The float-model operator that computes the output's values (back through shape operators), when it has an int16x8 kernel: writing the output as int16 takes it. */
  int16Producer?: number;
  /** The shape operators between that producer and the output (float-model operator indices), the producer's reader first. */
  path: number[];
  /** A float graph output (--io float): the int8 value its DEQUANTIZE reads has the grid; int16 there keeps the output float. */
  dequantized?: boolean;
}

/** For each scored output `quantModel` writes as int8: what its grid alone allows, and whether it can be written as int16. */
export function int8OutputGrids(floatModel: Model, quantModel: Model, set: ScoringSet, kernels: KernelLibrary): OutputGrid[] {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantModel.subgraphs[0]!;
  const match = matchOperators(floatModel, quantModel);
  const codeOf = (i: number) => floatModel.operatorCodes[fsg.operators[i]!.opcodeIndex]!.builtinCode;
  const producerOf = new Map<number, number>();
  fsg.operators.forEach((op, i) => op.outputs.forEach((t) => producerOf.set(t, i)));
  const writerOf = new Map<number, Operator>();
  qsg.operators.forEach((op) => op.outputs.forEach((t) => writerOf.set(t, op)));
  return set.outputs.flatMap((k, j) => {
    let qt = qsg.tensors[qsg.outputs[k] ?? -1];
    const ft = fsg.tensors[fsg.outputs[k] ?? -1];
    // A float output of an integer model is its int8 value dequantized: that value's grid limits it.
    const dq = qt?.type === TensorType.FLOAT32 ? writerOf.get(qsg.outputs[k]!) : undefined;
    const dequantized = !!dq && quantModel.operatorCodes[dq.opcodeIndex]!.builtinCode === BuiltinOperator.DEQUANTIZE;
    if (dequantized) qt = qsg.tensors[dq!.inputs[0]!];
    if (!qt || !ft || qt.type !== TensorType.INT8 || !qt.quantization?.scale.length) return [];
    const params = paramsOf(qt);
    const reference = set.reference[j]!;
    // Back through the shape operators (they follow an int16 input; one without an int16 kernel is kept in float,
    // searchMixedPrecision) to the operator that computes the values.
    let i = producerOf.get(fsg.outputs[k]!);
    const path: number[] = [];
    while (i !== undefined && OP_RULES[codeOf(i)]?.output.kind === 'sameAsInput') {
      path.unshift(i);
      i = producerOf.get(fsg.operators[i]!.inputs[0]!);
    }
    const int16 = i !== undefined && match[i]! >= 0 && writesInt16x8(codeOf(i), kernels)
      && !int16x8Blocker(codeOf(i), fsg.operators[i]!, kernels, true);
    return [{
      output: k, scored: j, name: ft.name, params, floorDb: outputGridFloorDb(reference, params),
      roundingFloorDb: outputGridFloorDb(reference, params, true), ...(int16 ? { int16Producer: i } : {}), path,
      ...(dequantized ? { dequantized } : {}),
    }];
  });
}

/** Per scored output, per scoring sample: the sample's share of the output's signal energy. */
function sampleSignalShares(set: ScoringSet): Float64Array[] {
  const n = set.data.samples.length;
  return set.reference.map((ref) => {
    const shares = new Float64Array(n);
    const per = ref.length / n;
    if (!Number.isInteger(per)) return shares;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let x = i * per; x < (i + 1) * per; x++) e += ref[x]! ** 2;
      shares[i] = e;
      total += e;
    }
    if (total > 0) for (let i = 0; i < n; i++) shares[i]! /= total;
    return shares;
  });
}

/**
 * An output's SQNR less its jackknife standard error over the samples (leave one sample out):
 * `noise` and `signal` are each sample's share of the output's total noise (Scored.outputNoise) and signal energy.
 * A sample carrying more than (n − 1)/n of the noise counts as carrying that much: leaving out the one sample with
 * (almost) all of a near-exact output's noise left (almost) none, and the bound went thousands of dB under an output
 * at 70 dB (float I/O with every layer in float). Below that share the bound is the plain jackknife's.
 */
export function jackknifeLowerDb(db: number, noise: Float64Array, signal: Float64Array): number {
  const n = noise.length;
  if (n < 3 || !Number.isFinite(db)) return db;
  let total = 0;
  for (const v of noise) total += v;
  const loo = Float64Array.from(noise, (v, i) => 10 * Math.log10(Math.max(1e-300, 1 - signal[i]!) / Math.max(1e-300, total / n, total - v)));
  let mean = 0;
  for (const v of loo) mean += v / n;
  let ss = 0;
  for (const v of loo) ss += (v - mean) ** 2;
  return db - Math.sqrt(((n - 1) / n) * ss);
}

/** Indices of the float model's operators that feed (transitively) any of the given graph outputs. */
function ancestors(model: Model, outputs: readonly number[]): Set<number> {
  const sg = model.subgraphs[0]!;
  const producer = new Map<number, number>();
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
  const seen = new Set<number>();
  const stack = [...outputs];
  while (stack.length) {
    const p = producer.get(stack.pop()!);
    if (p === undefined || seen.has(p)) continue;
    seen.add(p);
    stack.push(...sg.operators[p]!.inputs.filter((t) => t >= 0));
  }
  return seen;
}

export interface MixedPrecisionInput {
  /** The float graph the int8 model was made from (its operator indices name the layers). */
  floatModel: Model;
  int8Model: Model;
  /** Reference outputs of the scoring samples (recipe.ts), and those samples. */
  set: ScoringSet;
  data: Dataset;
  targetDb: number;
  kernels: KernelLibrary;
  /** The firmware's TFLite Micro build (QuantizeOptions.build): the arena cost is that build's. */
  build?: ArenaOptions;
  /** The model as the user gave it, whose operator numbers the report uses (default `floatModel`). */
  namingModel?: Model;
  /** The calibration's min/max per activation tensor, by name (applyPrecision's int16 ranges; names the int8 graph gave new tensors, e.g. `_requantized`, miss and keep the int8 range). */
  observedRanges?: ReadonlyMap<string, ObservedRange>;
  /** The calibration's input-channel means of the weighted layers, by `floatModel` tensor index (applyPrecision's int16x8 biases). */
  inputMeans?: ReadonlyMap<number, Float64Array>;
  /** A hybrid source's int8 weights, by `floatModel` buffer (hybrid.ts toFloatGraph; applyPrecision). */
  int8Origins?: ReadonlyMap<Buffer, Int8Weights>;
}

/** Finds the fewest layers (in sensitivity order) to keep in higher precision so that every output meets the target. */
export async function searchMixedPrecision(input: MixedPrecisionInput, hooks: QuantizeHooks = {}): Promise<{ model: Model; report: MixedPrecisionReport }> {
  const { floatModel, int8Model, set, targetDb, kernels } = input;
  const fsg = floatModel.subgraphs[0]!;
  const floatBytes = writeModel(floatModel);
  // Sensitivity runs compare LiteRT outputs only: the TFLite Micro reference figures are the final report's business.
  const evalOptions = { tflmSamples: 0 };
  const accuracy = await evaluateQuantization(floatBytes, writeModel(int8Model), input.data, hooks, evalOptions);
  const before = accuracy.outputs.map((o) => o.sqnrDb);
  const base = {
    targetDb, kernels, outputsBeforeDb: before, scoredOn: { source: input.data.source, samples: input.data.samples.length },
  };
  const cost0 = { flashBytes: 0, floatMacs: 0, int16Macs: 0 };
  if (recipeScore(before) >= targetDb) {
    return { model: int8Model, report: { ...base, met: true, outputsAfterDb: before, kept: [], followed: 0, candidates: 0, probes: 0, cost: cost0 } };
  }
  const floatOutputs = fsg.outputs.filter((t) => fsg.tensors[t]!.type === TensorType.FLOAT32);
  const failing = floatOutputs.filter((_, k) => before[k]! < targetDb);
  const feeds = ancestors(floatModel, failing);
  const match = matchOperators(floatModel, int8Model);
  const codeOf = (i: number) => floatModel.operatorCodes[fsg.operators[i]!.opcodeIndex]!.builtinCode;
  // A kernel set's limit for this operator beyond what applyPrecision writes around: int16x8Blocker.
  const blockerOf = (i: number): string | undefined => int16x8Blocker(codeOf(i), fsg.operators[i]!, kernels, true);
  const precisionFor = (i: number): HigherPrecision => (writesInt16x8(codeOf(i), kernels) && !blockerOf(i) ? 'int16x8' : 'float');
  const consumers = new Map<number, number[]>();
  fsg.operators.forEach((op, i) => op.inputs.forEach((t) => { if (t >= 0) consumers.set(t, [...(consumers.get(t) ?? []), i]); }));

  // What kind of error each layer has, from one more run with every layer that has an int16 kernel in int16x8:
  // what int16 activations remove is activation rounding (a high-gain layer amplifying its input's rounding counts
  // for the layer that produced that input); what they leave is weight rounding, which only float removes.
  const all16 = new Map<number, HigherPrecision>();
  fsg.operators.forEach((_, i) => { if (OP_RULES[codeOf(i)] && match[i]! >= 0 && precisionFor(i) === 'int16x8') all16.set(i, 'int16x8'); });
  const accuracy16 = all16.size
    ? await evaluateQuantization(floatBytes, writeModel(applyPrecision(floatModel, int8Model, all16, kernels, new Set(), input.observedRanges, input.inputMeans, input.int8Origins).model), input.data, hooks, evalOptions)
    : accuracy;
  const noiseMap = (a: typeof accuracy) => new Map<string, number>(a.layers.map((l) => [l.tensor, Math.pow(10, -l.sqnrDb / 10)]));
  const noise8 = noiseMap(accuracy);
  const noise16 = noiseMap(accuracy16);
  const sqnrOf = new Map<string, number>(accuracy.layers.map((l) => [l.tensor, l.sqnrDb]));
  /** Relative noise power layer i adds over the least noisy of its inputs (an ADD of two noisy branches can have less). */
  const added = (noise: Map<string, number>, i: number): number | undefined => {
    const op = fsg.operators[i]!;
    const nOut = noise.get(fsg.tensors[op.outputs[0] ?? -1]?.name ?? '');
    if (nOut === undefined) return undefined;
    const nIns = op.inputs.filter((t) => t >= 0 && noise.has(fsg.tensors[t]!.name)).map((t) => noise.get(fsg.tensors[t]!.name)!);
    return Math.max(0, nOut - (nIns.length ? Math.min(...nIns) : 0));
  };
  const int16Gain = (i: number): number => {
    const a8 = added(noise8, i);
    if (a8 === undefined) return 0;
    return Math.max(0, a8 - (added(noise16, i) ?? a8));
  };
  const naming = input.namingModel ?? floatModel;
  const nsg = naming.subgraphs[0]!;
  const label = (i: number, name: string): string => {
    const j = nsg.operators.findIndex((op) => nsg.tensors[op.outputs[0] ?? -1]?.name === name);
    return j >= 0 ? `${opcodeName(naming.operatorCodes[nsg.operators[j]!.opcodeIndex]!)} #${j}` : `${opcodeName(floatModel.operatorCodes[fsg.operators[i]!.opcodeIndex]!)} #${i}`;
  };
  // Outputs whose int8 grid alone leaves too little for the target are written as int16, their producer in int16x8.
  const qsg = int8Model.subgraphs[0]!;
  const forced: KeptLayer[] = [];
  const widened = new Set<number>();
  const widenedOutputs: { name: string; int8FloorDb: number }[] = [];
  const unwidened: string[] = [];
  // The shape operators between a widened output and its producer are no candidates: they follow it into int16, or
  // are kept in float where they have no int16 kernel (below).
  const widenedPath = new Set<number>();
  // Producers with a shape operator kept in float on a widened output's path: after a float producer, the path
  // stays float up to that operator (no int16 step in between).
  const floatOnPath = new Set<number>();
  // The shape operators between a float output's producer and the output (--io float), by producer.
  const dequantizedPaths = new Map<number, number[]>();
  const short = int8OutputGrids(floatModel, int8Model, set, kernels).filter((g) => g.floorDb < targetDb + OUTPUT_GRID_MARGIN_DB);
  // An output whose values pass through another graph output can be int16 only when that one is too: that one is
  // written as the int8 model has it, and the rest of the path would read it.
  const widenable = new Set(short.filter((g) => g.int16Producer !== undefined).map((g) => g.output));
  const through = new Map<number, string>();
  for (let again = true; again;) {
    again = false;
    for (const g of short) {
      const other = g.path.map((p) => fsg.outputs.indexOf(fsg.operators[p]!.inputs[0]!)).find((o) => o >= 0 && !widenable.has(o));
      if (widenable.has(g.output) && other !== undefined) {
        widenable.delete(g.output);
        through.set(g.output, fsg.tensors[fsg.outputs[other]!]!.name);
        again = true;
      }
    }
  }
  for (const g of short) {
    const { floorDb: floor, name, output: k, scored: j } = g;
    const i = g.int16Producer;
    if (i === undefined || !widenable.has(k)) {
      const via = through.get(k);
      unwidened.push(`output "${name}" reaches at most ${floor.toFixed(1)} dB on the int8 grid of these samples${via ? ` (its values pass through output "${via}", which stays int8)` : ''}`);
      continue;
    }
    const out = fsg.tensors[fsg.operators[i]!.outputs[0]!]!;
    const already = forced.find((l) => l.index === i);
    if (already) already.reason = `${already.reason}; so is "${name}" (${floor.toFixed(1)} dB)`;
    else {
      forced.push({
        op: label(i, out.name), index: i, tensor: out.name, precision: 'int16x8', int8SqnrDb: sqnrOf.get(out.name) ?? before[j]!, addedNoise: 0,
        reason: g.dequantized
          ? `output "${name}" is computed out of int8: from its int8 value it reaches only ${floor.toFixed(1)} dB on these samples`
          : `output "${name}" is written as int16: on the int8 grid it reaches only ${floor.toFixed(1)} dB on these samples`,
      });
    }
    // (a float output's path after a float producer is float too: the output is dequantized, never int16)
    if (g.dequantized || g.path.some((p) => !writesInt16x8(codeOf(p), kernels))) floatOnPath.add(i);
    if (g.dequantized) dequantizedPaths.set(i, [...(dequantizedPaths.get(i) ?? []), ...g.path]);
    for (const p of g.path) {
      widenedPath.add(p);
      // A shape operator with no int16 kernel on the way is kept in float (its output quantized to int16 after it).
      if (writesInt16x8(codeOf(p), kernels) || forced.some((l) => l.index === p)) continue;
      const t = fsg.tensors[fsg.operators[p]!.outputs[0]!]!;
      forced.push({
        op: label(p, t.name), index: p, tensor: t.name, precision: 'float', int8SqnrDb: sqnrOf.get(t.name) ?? before[j]!, addedNoise: 0,
        reason: `on the way to output "${name}", written as int16: TFLite Micro's ${kernels} kernels have no int16 ${opcodeName(floatModel.operatorCodes[fsg.operators[p]!.opcodeIndex]!)}`,
      });
    }
    // (a float output stays float: its producer's int16 values are dequantized, applyPrecision)
    if (!g.dequantized) widened.add(qsg.outputs[k]!);
    widenedOutputs.push({ name, int8FloorDb: floor });
  }
  const forcedIndex = new Set(forced.map((l) => l.index));
  /** For layers with an int16 kernel: the share of what they (and their consumers) add that int16x8 removes. */
  const int16Share = new Map<number, number>();
  const ranked: KeptLayer[] = [];
  fsg.operators.forEach((op, i) => {
    if (forcedIndex.has(i) || widenedPath.has(i)) return;
    const code = codeOf(i);
    const rule = OP_RULES[code];
    const out = fsg.tensors[op.outputs[0] ?? -1];
    if (!rule || !feeds.has(i) || match[i]! < 0 || !out || out.type !== TensorType.FLOAT32) return;
    const a8 = added(noise8, i);
    if (a8 === undefined) return;
    const a16 = added(noise16, i) ?? a8;
    // Keeping this layer's output out of int8 also takes its consumers (below): their input rounding goes too.
    const downstream = (consumers.get(op.outputs[0]!) ?? []).filter((c) => OP_RULES[codeOf(c)]).reduce((sum, c) => sum + int16Gain(c), 0);
    const int16 = precisionFor(i) === 'int16x8';
    // int16x8 where it removes most of what this layer and its consumers add; float where weight rounding dominates.
    const useInt16 = int16 && a8 - a16 + downstream >= 0.5 * (a8 + downstream);
    // Layers that add no measurable noise stay candidates, last: each int8 boundary rounds again, and on a
    // hypersensitive network (measured: pose landmark) the last few int8 layers between float ones cost 10 dB.
    const removed = Math.max(0, useInt16 ? a8 - a16 + downstream : a8 + downstream);
    if (int16) int16Share.set(i, (a8 - a16 + downstream) / Math.max(1e-30, a8 + downstream));
    ranked.push({
      op: label(i, out.name), index: i, tensor: out.name,
      precision: useInt16 ? 'int16x8' : 'float', int8SqnrDb: sqnrOf.get(out.name)!, addedNoise: removed,
      ...(int16 ? {} : { reason: blockerOf(i) ?? (rule.int16 ? `TFLite Micro's ${kernels} kernels have no int16x8 ${opcodeName(floatModel.operatorCodes[op.opcodeIndex]!)}` : 'TFLite has no int16x8 kernel for it') }),
      ...(int16 && !useInt16 ? { reason: 'weight rounding: int16x8 activations would not remove its error' } : {}),
    });
  });
  ranked.sort((a, b) => b.addedNoise - a.addedNoise);

  // Keeping a tensor out of int8 takes its producer and every consumer: a consumer left in int8 would round it again.
  // A searched layer's own precision stands: an int16x8 one reading a float layer's output takes it through a
  // QUANTIZE to int16, which rounds far below what its int8 weights do. A widened output's producer (kept without a
  // search) goes float after a float layer, as other consumers do: its output is then quantized to int16.
  const opsFor = (layers: KeptLayer[]): Map<number, HigherPrecision> => {
    const m = new Map<number, HigherPrecision>();
    const own = new Map(layers.filter((l) => !forcedIndex.has(l.index)).map((l) => [l.index, l.precision]));
    const put = (i: number, p: HigherPrecision) => { if (match[i]! >= 0 && !own.has(i) && m.get(i) !== 'float') m.set(i, p); };
    for (const l of layers) {
      put(l.index, l.precision);
      for (const c of consumers.get(fsg.operators[l.index]!.outputs[0]!) ?? []) {
        // The shape operators on a widened output's path read its int16 values whatever writes them (float only
        // where they have no int16 kernel), as they do after an int16x8 producer.
        const onPath = forcedIndex.has(l.index) && widenedPath.has(c) && !floatOnPath.has(l.index);
        if (OP_RULES[codeOf(c)]) put(c, l.precision === 'float' && !onPath ? 'float' : precisionFor(c));
      }
    }
    own.forEach((p, i) => { if (match[i]! >= 0) m.set(i, p); });
    // A float output's producer written in float (on its own or after a float layer) takes its path along: left to
    // follow, the shape operators would round its values to int8.
    dequantizedPaths.forEach((path, i) => { if (m.get(i) === 'float') for (const p of path) if (match[p]! >= 0) m.set(p, 'float'); });
    return m;
  };
  let probes = 0;
  const tried = new Map<string, { model: Model; followed: number; followedMacs: number; outputsDb: number[]; lowerDb?: number[] }>();
  const signalShare = sampleSignalShares(set);
  // The widened outputs' producers as currently written: int16x8, or float once int16x8 alone misses the target.
  let producers = forced;
  const probe = async (layers: KeptLayer[]) => {
    const key = [...producers, ...layers].map((l) => `${l.index}:${l.precision}`).join(',');
    const done = tried.get(key);
    if (done) return done;
    throwIfAborted(hooks.signal, 'Mixed precision');
    hooks.onProgress?.(probes, probes + 1, 'keeping layers in higher precision');
    const r = applyPrecision(floatModel, int8Model, opsFor([...producers, ...layers]), kernels, widened, input.observedRanges, input.inputMeans, input.int8Origins);
    probes++;
    const scored = await scoreOutputs(r.model, set, hooks);
    const outputsDb = scored.outputsDb;
    const result = { ...r, outputsDb, lowerDb: outputsDb.map((db, j) => jackknifeLowerDb(db, scored.outputNoise[j]!, signalShare[j]!)) };
    tried.set(key, result);
    return result;
  };
  // A layer set is accepted when every output's SQNR less its standard error over the scoring samples meets the
  // target: the smallest set that just meets it on those samples falls short on new ones about half the
  // time (measured: pose and hand landmark, 20.3 dB on 18 search photos, 19.6 and 19.1 dB on 18 others).
  const ok = (r: { outputsDb: number[]; lowerDb?: number[] }) => recipeScore(r.lowerDb ?? r.outputsDb) >= targetDb;
  /** Smallest prefix of `list` that meets the target (exponential, then binary search), or undefined. */
  const smallestPrefix = async (list: KeptLayer[]) => {
    if (!list.length) return undefined;
    let lo = 0;
    let hi = 1;
    while (!ok(await probe(list.slice(0, hi)))) {
      if (hi >= list.length) return undefined;
      lo = hi;
      hi = Math.min(list.length, hi * 2);
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ok(await probe(list.slice(0, mid)))) hi = mid; else lo = mid;
    }
    return list.slice(0, hi);
  };
  // Every candidate first: when even that misses, no prefix of the list can meet the target and its search is skipped.
  let kept: KeptLayer[] | undefined;
  let note: string | undefined;
  const asFloat = ranked.map((l) => (l.precision === 'float' ? l : { ...l, precision: 'float' as const, reason: 'int16x8 was not accurate enough' }));
  const search = async (): Promise<KeptLayer[] | undefined> => {
    if (producers.length && ok(await probe([]))) return [];
    if (ranked.length && ok(await probe(ranked))) return smallestPrefix(ranked);
    // int16 where it helps was not enough: float removes those layers' rounding altogether.
    if (ranked.some((l) => l.precision === 'int16x8') && ok(await probe(asFloat))) return smallestPrefix(asFloat);
    return undefined;
  };
  kept = await search();
  // int16x8 activations leave a widened output's producer its int8 weights' rounding; when that alone misses the
  // target (an outlier weight, a per-tensor scale over channels of different magnitudes), float removes it too.
  const producersInFloat = (why: string): KeptLayer[] => forced.map((l) => (l.precision === 'int16x8'
    ? { ...l, precision: 'float' as const, reason: `${l.reason}; in float${why}` } : l));
  if (!kept && forced.some((l) => l.precision === 'int16x8')) {
    producers = producersInFloat(': with int16x8 activations its int8 weights\' rounding alone misses the target');
    kept = await search();
    if (kept) {
      // Back to int16x8, one producer at a time, where the target still holds without float.
      for (const l of forced) {
        if (l.precision !== 'int16x8') continue;
        const back = producers.map((p) => (p.index === l.index ? l : p));
        const previous = producers;
        producers = back;
        if (!ok(await probe(kept))) producers = previous;
      }
    }
  }
  if (kept) {
    // Float where int16x8 would do costs float MACs for nothing: the float layers with an int16 kernel, those whose
    // error int16 removes best first, go back to int16x8 as far as the target still holds (a binary search).
    const demotable = kept.filter((l) => l.precision === 'float' && int16Share.has(l.index))
      .sort((a, b) => int16Share.get(b.index)! - int16Share.get(a.index)!).map((l) => l.index);
    const demote = (m: number) => kept!.map((l) => (demotable.slice(0, m).includes(l.index)
      ? { ...l, precision: 'int16x8' as const, reason: undefined } : l)).map(({ reason, ...l }) => (reason ? { ...l, reason } : l));
    let lo = 0;
    let hi = demotable.length + 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ok(await probe(demote(mid)))) lo = mid; else hi = mid;
    }
    if (lo > 0) kept = demote(lo);
  }
  let chosen: { model: Model; followed: number; followedMacs: number; outputsDb: number[] };
  if (kept) {
    chosen = await probe(kept);
  } else {
    kept = ranked.map((l) => ({ ...l, precision: 'float' as const }));
    // The most accurate file the search can write: every searched layer and every widened output's producer in float.
    producers = producersInFloat(', as every searched layer: the target is out of reach');
    // (with no candidates, the outputs written as int16 are still what the file has: probe([]) writes them)
    chosen = kept.length || forced.length ? await probe(kept) : { model: int8Model, followed: 0, followedMacs: 0, outputsDb: before };
    const writers = forced.filter((l) => l.precision === 'int16x8');
    const s = (n: number) => (n === 1 ? '' : 's');
    const inFloat = [...(ranked.length ? [`all ${ranked.length} searched layer${s(ranked.length)}`] : []),
      ...(writers.length ? [`the layer${s(writers.length)} computing the output${s(widenedOutputs.length)} too coarse on the int8 grid`] : [])];
    // (with float I/O there are no int8 inputs or outputs to blame)
    const int8Io = [...qsg.inputs, ...qsg.outputs].some((t) => qsg.tensors[t]!.type === TensorType.INT8);
    const ends = int8Io ? 'the int8 inputs, outputs and ' : '';
    note = !inFloat.length
      ? `no layer feeding the failing outputs adds measurable noise: the error comes from ${int8Io ? 'the int8 inputs/outputs themselves' : 'operators that stay int8'}`
      : `even with ${inFloat.join(' and ')} in float the worst output reaches ${recipeScore(chosen.outputsDb).toFixed(1)} dB: the rest of the error comes from ${ends}layers that add no measurable noise on these samples`;
  }
  // Met as the report states it: the SQNR on the scoring samples (the margin above only chooses the layers).
  const met = recipeScore(chosen.outputsDb) >= targetDb;
  if (!met && unwidened.length) note = `${note ? `${note}; ` : ''}${unwidened.join('; ')}`;
  if (!met) {
    // What rounding the inputs to their int8 grid alone costs the float model: a floor no layer precision lifts.
    const inputGrid = qsg.inputs.map((t) => (qsg.tensors[t]!.type === TensorType.INT8 && qsg.tensors[t]!.quantization?.scale.length ? paramsOf(qsg.tensors[t]!) : undefined));
    if (inputGrid.some((p) => p)) {
      const rounded: Dataset = { ...set.data, samples: set.data.samples.map((x) => x.map((v, k) => {
        const p = inputGrid[k];
        return p ? Float32Array.from(v, (y) => (quantizeValue(y, p.scale, p.zeroPoint, INT8_ACTIVATION) - p.zeroPoint) * p.scale) : v;
      })) };
      const floors = await scoreModel(floatModel, { ...set, data: rounded }, hooks);
      const limited = floors.flatMap((f, j) => (f < targetDb + OUTPUT_GRID_MARGIN_DB ? [`"${fsg.tensors[fsg.outputs[set.outputs[j]!]!]!.name}" ${f.toFixed(1)} dB`] : []));
      if (limited.length) note = `${note ? `${note}; ` : ''}rounding the input to its int8 grid alone limits the float model to ${limited.join(', ')} on these samples`;
    }
  }
  // As written (opsFor): a widened output's producer after a float layer is float.
  const applied = opsFor([...producers, ...kept]);
  kept = [...producers, ...kept].map((l) => (applied.get(l.index) === 'float' && l.precision !== 'float'
    ? { ...l, precision: 'float' as const, reason: `${l.reason ? `${l.reason}; ` : ''}in float, as the layer whose output it reads` } : l));
  const finalOps = [...applied];
  // The widened outputs the file writes as int16 (the report lists only those).
  const csg = chosen.model.subgraphs[0]!;
  const int16Outputs = new Set(csg.outputs.filter((t) => csg.tensors[t]!.type === TensorType.INT16).map((t) => csg.tensors[t]!.name));
  const writtenWidened = widenedOutputs.filter((o) => int16Outputs.has(o.name));
  const macsOf = (precision: HigherPrecision) => finalOps.filter(([, p]) => p === precision)
    .reduce((a, [i]) => a + operatorMacs(floatModel, fsg, fsg.operators[i]!), 0);
  let arena: { arenaBytes: number; arenaBuild: string } | undefined;
  try {
    const build = { ...input.build, kernels };
    const after = estimateArena(chosen.model, build);
    arena = { arenaBytes: after.recommendedArenaBytes - estimateArena(int8Model, build).recommendedArenaBytes, arenaBuild: buildLabel(after) };
  } catch {
    arena = undefined;
  }
  const report: MixedPrecisionReport = {
    ...base, met, outputsAfterDb: chosen.outputsDb, kept, followed: chosen.followed,
    ...(writtenWidened.length ? { widenedOutputs: writtenWidened } : {}),
    // The producers of outputs written as int16 are kept without a search: they count among the candidates.
    candidates: ranked.length + forced.length, probes,
    cost: {
      flashBytes: writeModel(chosen.model).byteLength - writeModel(int8Model).byteLength,
      ...arena,
      floatMacs: macsOf('float'), int16Macs: macsOf('int16x8') + chosen.followedMacs,
    },
    ...(note ? { note } : {}),
  };
  return { model: chosen.model, report };
}
