/**
 * Rewrites a float graph into a full-integer one, given one float range per activation tensor: every operator that
 * has an integer form gets integer inputs, weights, bias and output; the rest (on request) stays float with
 * QUANTIZE/DEQUANTIZE around it. Tensor indices of the original activations are kept (their type changes), so
 * signatures stay valid and tensor names match between the float and the quantized model.
 */
import {
  BuiltinOperator, builtinOperatorName, TensorType, tensorTypeName, type Buffer, type Model, type Operator, type QuantParams, type Tensor,
} from '../tflite/index';
import type { KernelLibrary } from '../arena/kernels/types';
import { QuantizeError } from './errors';
import { int16x8Blocker, TFLM_INT16_KERNELS, unfusedActivation, writesInt16x8 } from './int16-kernels';
import { unfusedInt16, zeroBiasTensor } from './int16-writearounds';
import { opName, type OpNumbering } from './op-numbering';
import { keepInt8Weights, type Int8Weights } from './hybrid';
import { assembleOperators, bytesOf, compactModel, constantFloats, isConstant, newBuffer, simpleOp, type VersionedOperator } from './graph';
import { dequantizeOpVersion, fusedActivationRange, OP_RULES, quantizeOpVersion, type ActivationType, type OpRule } from './op-rules';
import {
  asymmetricParams, INT16_ACTIVATION, INT8_ACTIVATION, sameParams, symmetricScale, type AffineParams, type IntRange,
} from './quant-math';
import type { ObservedRange } from './range-estimation';
import type { OperatorReport, TensorReport } from './types';
import {
  biasScales, fitBiasInInt32, quantizeBiasInt32, quantizeBiasInt64, quantizeConstantActivation, quantizeWeights, weightRoundingBiasShift, weightScales,
} from './weights';
import { roundWithMoments, type LayerMoments } from './weight-rounding';

export interface IntegerGraphOptions {
  activation: ActivationType;
  io: 'int8' | 'float';
  uint8Input: boolean;
  perChannelFullyConnected: boolean;
  keepUnsupportedInFloat: boolean;
  name: string;
  /** int16x8: the TFLite Micro kernel set that must have each operator's int16 kernel (default 'reference'). */
  kernels?: KernelLibrary;
  /** How messages number the operators: as the model as given (op-numbering.ts). */
  numbering?: OpNumbering;
  /** Int8 weights the source model already had (hybrid.ts): kept as they are where their quantization is valid. */
  int8Origins?: Map<Buffer, Int8Weights>;
  /**
   * Mean of each channel (last axis) of float activations, keyed by tensor: where a weighted layer's input is here,
   * its bias absorbs the mean error of its rounded weights (weightRoundingBiasShift). Part of bias correction.
   */
  inputMeans?: ReadonlyMap<number, Float64Array>;
  /**
   * Input moments of weighted layers, by operator index (weight-rounding.ts): those layers' weights are rounded to
   * minimize their output error (GPTQ) instead of to nearest. Kept int8 weights of a hybrid model stay as they are.
   */
  weightMoments?: ReadonlyMap<number, LayerMoments>;
}

export interface IntegerGraph {
  model: Model;
  operators: OperatorReport[];
  activations: TensorReport[];
  warnings: string[];
  /** Weights taken over from the source model's int8 weights, and those that had to be quantized again (with why). */
  int8Weights: { kept: number; requantized: string[] };
}

type Domain = 'q' | 'float' | 'u8' | 'other';
type Status = OperatorReport['status'];

const INTEGER_TYPE: Record<ActivationType, TensorType> = { int8: TensorType.INT8, int16: TensorType.INT16 };

/** Operators that are part of the float graph but carry no float data (shape arithmetic on int32). */
function touchesFloat(model: Model, op: Operator): boolean {
  const sg = model.subgraphs[0]!;
  return [...op.inputs, ...op.outputs].some((t) => t >= 0 && sg.tensors[t]!.type === TensorType.FLOAT32);
}

/** Every float activation of subgraph 0. */
export function activationTensors(model: Model): number[] {
  const sg = model.subgraphs[0]!;
  const out: number[] = [];
  sg.tensors.forEach((t, i) => { if (t.type === TensorType.FLOAT32 && !isConstant(model, t)) out.push(i); });
  return out;
}

/**
 * The activations whose range calibration must observe: all but the outputs whose parameters an operator fixes
 * (SOFTMAX, LOGISTIC, TANH) or copies from its input (RESHAPE, pooling, ...). Fewer extra outputs make every
 * calibration pass cheaper.
 */
export function tensorsToCalibrate(model: Model, activation: ActivationType, kernels: KernelLibrary = 'reference'): number[] {
  const sg = model.subgraphs[0]!;
  const status = integerStatus(model, activation, kernels);
  const derived = new Set<number>();
  for (const [i, op] of sg.operators.entries()) {
    const rule = OP_RULES[model.operatorCodes[op.opcodeIndex]!.builtinCode];
    if (!rule || status[i] !== 'quantized') continue;
    const input = sg.tensors[op.inputs[0] ?? -1];
    const inputIsActivation = !!input && input.type === TensorType.FLOAT32 && !isConstant(model, input);
    if (rule.output.kind === 'fixed' || (rule.output.kind === 'sameAsInput' && inputIsActivation)) derived.add(op.outputs[0]!);
  }
  return activationTensors(model).filter((t) => !derived.has(t) || sg.inputs.includes(t));
}

/**
 * What each operator of subgraph 0 becomes: 'quantized' when it has an integer form for `activation`, 'float' when
 * it touches float data but has none, 'unchanged' when it carries no float data. Decided before calibration. In
 * int16x8 an operator needs the int16 kernel in TFLite and in TFLite Micro's `kernels` (writesInt16x8): the TF
 * converter writes an int16 RESIZE_BILINEAR that LiteRT runs and TFLite Micro stops on.
 */
export function integerStatus(model: Model, activation: ActivationType, kernels: KernelLibrary = 'reference'): Status[] {
  return model.subgraphs[0]!.operators.map((op) => {
    if (!touchesFloat(model, op)) return 'unchanged';
    const oc = model.operatorCodes[op.opcodeIndex]!;
    const rule = OP_RULES[oc.builtinCode];
    // int16x8 writes FULLY_CONNECTED weights per tensor for the CMSIS-NN kernels (quantizeWeightsAndBias): no blocker there.
    return rule && oc.customCode === undefined && (activation === 'int8' || (writesInt16x8(oc.builtinCode, kernels) && !int16x8Blocker(oc.builtinCode, op, kernels, true)))
      ? 'quantized' : 'float';
  });
}

/** For noIntegerForm: why each of `indices` has no int16x8 form on `kernels` although they have its kernel (int16x8Blocker). */
export function int16x8Blockers(model: Model, indices: readonly number[], kernels: KernelLibrary = 'reference'): (string | undefined)[] {
  const sg = model.subgraphs[0]!;
  return indices.map((i) => int16x8Blocker(model.operatorCodes[sg.operators[i]!.opcodeIndex]!.builtinCode, sg.operators[i]!, kernels, true));
}

/**
 * The error for operators without an integer form, naming each with its index (`ops[k]` names `codes[k]`). In
 * int16x8 the operators that have an int8 form but no int16 kernel in TFLite Micro are named apart, with the TFLite
 * Micro source that lacks it: for them `--mode int8` is a way out, for the others it is not.
 */
export function noIntegerForm(name: string, activation: ActivationType, ops: readonly string[], codes: readonly BuiltinOperator[] = [], kernels: KernelLibrary = 'reference',
  /** Per operator, a limit of the kernel set's int16x8 kernel (int16x8Blockers), named in place of the table's source. */
  blockers: readonly (string | undefined)[] = []): QuantizeError {
  const keep = 'Keep them in float (option "keep unsupported in float", CLI --keep-float; TFLite Micro may not run the result)';
  const int8Form = (k: number) => activation === 'int16' && codes[k] !== undefined && !!OP_RULES[codes[k]!];
  const none = ops.filter((_, k) => !int8Form(k));
  const parts: string[] = [];
  if (none.length) parts.push(`${none.length} operator(s) have no ${activation === 'int16' ? 'integer' : 'int8'} form here: ${none.join(', ')}. ${keep}, or replace them in the source model.`);
  const noKernel = ops.flatMap((o, k) => {
    if (!int8Form(k)) return [];
    const tflm = TFLM_INT16_KERNELS[codes[k]!];
    const blocker = blockers[k];
    return [blocker ? `${o} (TFLite Micro's ${kernels} kernels: ${blocker})` : tflm ? `${o} (TFLite Micro's ${kernels} kernels have none: ${tflm.source})` : o];
  });
  if (noKernel.length) {
    const blocked = blockers.some((x) => x);
    parts.push(`${noKernel.length} operator(s) have no int16x8 kernel that TFLite Micro runs${blocked ? ' as they are' : ''}: ${noKernel.join(', ')}. `
      + 'Keep them in float (option "keep unsupported in float", CLI --keep-float: DEQUANTIZE/QUANTIZE around them, '
      + 'which TFLite Micro runs where it has the float kernel), quantize with --mode int8 (an accuracy target, '
      + '--target-sqnr, keeps layers in int16x8 only where TFLite Micro has the kernel), '
      + `${blocked ? 'build for the reference kernels (--kernels reference), ' : ''}or replace them in the source model.`);
  }
  return new QuantizeError('unsupported-op', `${name}: ${parts.join(' ')}`);
}

function quantParams(scales: number[], zeroPoints: number[], axis = 0): QuantParams {
  return { scale: scales.map(Math.fround), zeroPoint: zeroPoints, quantizedDimension: axis };
}

export function quantizeIntegerGraph(model: Model, ranges: Map<number, ObservedRange>, opts: IntegerGraphOptions): IntegerGraph {
  const sg = model.subgraphs[0]!;
  const codeOf = (op: Operator) => model.operatorCodes[op.opcodeIndex]!.builtinCode;
  const intRange: IntRange = opts.activation === 'int16' ? INT16_ACTIVATION : INT8_ACTIVATION;
  const qType = INTEGER_TYPE[opts.activation];
  const warnings: string[] = [];
  const isFloatActivation = (t: number) => t >= 0 && sg.tensors[t]!.type === TensorType.FLOAT32 && !isConstant(model, sg.tensors[t]!);
  const isFloatConstant = (t: number) => t >= 0 && sg.tensors[t]!.type === TensorType.FLOAT32 && isConstant(model, sg.tensors[t]!);

  // 1. Which operators become integer.
  const status = integerStatus(model, opts.activation, opts.kernels);
  const floatOps = status.flatMap((s, i) => (s === 'float' ? [i] : []));
  const unsupported = floatOps.map((i) => opName(model, i, opts.numbering));
  if (unsupported.length && !opts.keepUnsupportedInFloat) {
    throw noIntegerForm(opts.name, opts.activation, unsupported, floatOps.map((i) => codeOf(sg.operators[i]!)), opts.kernels, int16x8Blockers(model, floatOps, opts.kernels));
  }
  if (unsupported.length) {
    warnings.push(`Kept in float with QUANTIZE/DEQUANTIZE around them: ${unsupported.join(', ')}. TFLite Micro may not run `
      + 'float kernels for these operators, and the model is larger and slower than a full-integer one.');
  }

  // 2. Parameters of every float activation: own range first, then the operators' constraints in execution order.
  const params = new Map<number, AffineParams>();
  const observed = new Map<number, ObservedRange>();
  const producerOf = new Int32Array(sg.tensors.length).fill(-1);
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => { if (t >= 0) producerOf[t] = i; }));
  const fromRange = (min: number, max: number): AffineParams => (opts.activation === 'int16'
    ? { scale: symmetricScale(Math.max(-min, max, 0), INT16_ACTIVATION.qmax), zeroPoint: 0 }
    : asymmetricParams(min, max, INT8_ACTIVATION));
  sg.tensors.forEach((_, t) => {
    if (!isFloatActivation(t)) return;
    const r = ranges.get(t);
    if (!r) return; // set from its operator's rule below
    let { min, max } = r;
    // The float model itself overflowed here (float32 reaches ±∞, then NaN): no grid holds that range.
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
      throw new QuantizeError('bad-data', `${opts.name}: tensor "${sg.tensors[t]!.name}" reaches [${min}, ${max}] on the calibration data: the float model overflows float32 there. `
        + 'Check that the inputs are scaled as in training (the same preprocessing), and that the model\'s weights are not damaged (values near ±3.4e38).');
    }
    const p = producerOf[t]!;
    const clamp = p >= 0 ? fusedActivationRange(sg.operators[p]!) : undefined;
    if (clamp) { min = Math.max(min, clamp[0]); max = Math.min(max, clamp[1]); if (max < min) max = min; }
    observed.set(t, { min, max });
    params.set(t, fromRange(min, max));
  });
  sg.operators.forEach((op, i) => {
    if (status[i] !== 'quantized') return;
    const rule = OP_RULES[codeOf(op)]!;
    const out = op.outputs[0]!;
    if (!isFloatActivation(out)) return;
    if (rule.output.kind === 'fixed') params.set(out, rule.output[opts.activation]);
    else if (rule.output.kind === 'sameAsInput' && isFloatActivation(op.inputs[0]!)) params.set(out, params.get(op.inputs[0]!)!);
  });

  sg.tensors.forEach((_, t) => {
    if (isFloatActivation(t) && !params.has(t)) {
      throw new QuantizeError('unsupported-model', `${opts.name}: no range was observed for tensor ${t} ("${sg.tensors[t]!.name}"); is it computed by the model?`);
    }
  });

  // 3. Domains: where each activation lives natively, and renamed tensors for outputs whose type must change.
  const tensors: Tensor[] = sg.tensors.map((t) => ({ ...t }));
  const buffers = [...model.buffers];
  const domain = new Map<number, Domain>();
  for (const t of sg.inputs) {
    if (!isFloatActivation(t)) domain.set(t, 'other');
    else domain.set(t, opts.io === 'float' ? 'float' : opts.uint8Input ? 'u8' : 'q');
  }
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => {
    if (t >= 0) domain.set(t, isFloatActivation(t) ? (status[i] === 'quantized' ? 'q' : 'float') : 'other');
  }));
  const setDomainType = (index: number, d: Domain, p: AffineParams | undefined) => {
    const t = tensors[index]!;
    if (d === 'q') {
      t.type = qType;
      t.quantization = quantParams([p!.scale], [p!.zeroPoint]);
    } else if (d === 'u8') {
      t.type = TensorType.UINT8;
      t.quantization = quantParams([p!.scale], [p!.zeroPoint + 128]);
    } else if (d === 'float') {
      t.type = TensorType.FLOAT32;
      delete t.quantization;
    }
  };
  const native = new Map<number, number>();
  const addTensor = (from: number, suffix: string): number => {
    tensors.push({ ...sg.tensors[from]!, name: `${sg.tensors[from]!.name}${suffix}`, buffer: 0 });
    return tensors.length - 1;
  };
  for (const [t, d] of domain) {
    if (d === 'other') continue;
    native.set(t, t);
    setDomainType(t, d, params.get(t));
  }
  const outputFixups: number[] = [];
  for (const o of sg.outputs) {
    const d = domain.get(o);
    if (d === undefined || d === 'other') continue;
    const wanted: Domain = opts.io === 'float' ? 'float' : 'q';
    if (d === wanted) continue;
    if (sg.inputs.includes(o)) throw new QuantizeError('unsupported-model', `${opts.name}: output "${sg.tensors[o]!.name}" is also an input.`);
    const n = addTensor(o, d === 'q' ? `_${opts.activation}` : '_float');
    setDomainType(n, d, params.get(o));
    native.set(o, n);
    setDomainType(o, wanted, params.get(o));
    outputFixups.push(o);
  }

  // 4. Emission, in the original order, with conversions inserted just before their first consumer.
  const ops: VersionedOperator[] = [];
  const opReports: OperatorReport[] = [];
  const converted = new Map<string, number>();
  const keyOf = (p: AffineParams) => `${p.scale}/${p.zeroPoint}`;
  const convertOp = (from: number, fromDomain: Domain, to: number, toDomain: Domain) => {
    if (toDomain === 'float') {
      const src = fromDomain === 'u8' ? 'uint8' : opts.activation;
      ops.push({ op: simpleOp([from], [to]), code: BuiltinOperator.DEQUANTIZE, version: dequantizeOpVersion(src) });
    } else {
      ops.push({ op: simpleOp([from], [to]), code: BuiltinOperator.QUANTIZE, version: quantizeOpVersion(opts.activation) });
    }
  };
  /** The tensor holding activation `t` in domain `want` (with parameters `p` for 'q'), converting if needed. */
  const inDomain = (t: number, want: 'q' | 'float', p?: AffineParams): number => {
    const nat = native.get(t)!;
    const d = domain.get(t)!;
    const wantParams = want === 'q' ? (p ?? params.get(t)!) : undefined;
    if (d === want && (want === 'float' || sameParams(wantParams!, params.get(t)!))) return nat;
    const key = `${t}|${want}|${wantParams ? keyOf(wantParams) : ''}`;
    const done = converted.get(key);
    if (done !== undefined) return done;
    const n = addTensor(t, want === 'float' ? '_dequantized' : d === 'q' ? '_requantized' : `_${opts.activation}`);
    setDomainType(n, want, wantParams);
    convertOp(nat, d, n, want);
    converted.set(key, n);
    return n;
  };

  const int8Weights = { kept: 0, requantized: [] as string[] };
  const constCache = new Map<string, number>();
  const addConstant = (from: number, type: TensorType, data: Uint8Array, q: QuantParams, key: string): number => {
    const cached = constCache.get(key);
    if (cached !== undefined) return cached;
    buffers.push(newBuffer(data));
    tensors.push({ ...sg.tensors[from]!, type, buffer: buffers.length - 1, quantization: q });
    constCache.set(key, tensors.length - 1);
    return tensors.length - 1;
  };
  const constantActivation = (t: number, p: AffineParams | undefined): number => {
    const values = constantFloats(model, sg.tensors[t]!);
    const q = quantizeConstantActivation(values, intRange, p, opts.activation === 'int16');
    const data = opts.activation === 'int16' ? bytesOf(Int16Array.from(q.values)) : bytesOf(Int8Array.from(q.values));
    return addConstant(t, qType, data, quantParams([q.params.scale], [q.params.zeroPoint]), `act:${t}:${keyOf(q.params)}`);
  };

  sg.operators.forEach((op, i) => {
    const oc = model.operatorCodes[op.opcodeIndex]!;
    const nat = (t: number) => (t >= 0 ? native.get(t) ?? t : t);
    if (status[i] !== 'quantized') {
      const inputs = status[i] === 'float' ? op.inputs.map((t) => (isFloatActivation(t) ? inDomain(t, 'float') : t)) : op.inputs.map(nat);
      const copy = { ...op, inputs, outputs: op.outputs.map(nat) };
      ops.push({ op: copy, code: oc.builtinCode, version: oc.version, ...(oc.customCode !== undefined ? { customCode: oc.customCode } : {}) });
      opReports.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: status[i]!, version: oc.version });
      return;
    }
    const rule = OP_RULES[oc.builtinCode]!;
    const out = op.outputs[0]!;
    const outParams = params.get(out);
    const shared = rule.output.kind === 'inputsShareOutput' || rule.output.kind === 'sameAsInput';
    const inputs = [...op.inputs];
    const isActivationInput = (j: number) => rule.activationInputs === 'all' || rule.activationInputs.includes(j);
    op.inputs.forEach((t, j) => {
      if (t < 0 || j === rule.weights?.input || j === rule.bias?.input || !isActivationInput(j)) return;
      if (isFloatActivation(t)) {
        inputs[j] = inDomain(t, 'q', rule.output.kind === 'inputsShareOutput' ? outParams : undefined);
      } else if (isFloatConstant(t)) {
        inputs[j] = constantActivation(t, shared ? outParams : undefined);
      }
    });
    if (rule.weights && isFloatConstant(op.inputs[rule.weights.input] ?? -1)) {
      quantizeWeightsAndBias(rule, op, inputs, i);
    } else if (rule.weights) {
      throw new QuantizeError('unsupported-model', `${opts.name}: ${opName(model, i, opts.numbering)} takes its weights from a computed tensor; only constant weights can be quantized.`);
    }
    const scaleOf = (t: number) => tensors[t]?.quantization?.scale[0] ?? 0;
    const version = rule.version({
      activation: opts.activation,
      // The inputs as written: a bias the quantizer added (int16 TRANSPOSE_CONV) counts.
      op: { ...op, inputs },
      inputShapes: op.inputs.map((t) => (t >= 0 ? sg.tensors[t]!.shape : [])),
      scales: { inputs: inputs.filter((t) => t >= 0).map(scaleOf), output: outParams?.scale ?? 0 },
    });
    const emitted: Operator = { ...op, inputs, outputs: op.outputs.map(nat) };
    if (opts.activation === 'int16' && (oc.builtinCode === BuiltinOperator.ADD || oc.builtinCode === BuiltinOperator.SUB) && op.builtinOptions) {
      // The schema's default (power-of-two scales only) does not hold for calibrated scales: use the general kernel.
      emitted.builtinOptions = { ...op.builtinOptions, table: { ...op.builtinOptions.table, pot_scale_int16: false } };
    }
    // CMSIS-NN's int16 TRANSPOSE_CONV drops its fused activation (INT16X8_LIMITS.transposeConvActivation): written
    // into a copy of its output (the same parameters), then the activation as its own int16 operator. The same
    // integers: the requantization clamps to the int16 range, the activation then to its own.
    const unfused = opts.activation === 'int16' && opts.kernels === 'cmsis-nn' && oc.builtinCode === BuiltinOperator.TRANSPOSE_CONV ? unfusedActivation(op) : undefined;
    if (unfused !== undefined && emitted.builtinOptions) {
      const pair = unfusedInt16(tensors, { ...emitted, builtinOptions: emitted.builtinOptions }, rule, unfused, op.inputs.map((t) => (t >= 0 ? sg.tensors[t]!.shape : [])));
      ops.push(...pair);
      opReports.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: 'quantized', version: pair[0]!.version });
      warnings.push(`${opName(model, i, opts.numbering)}: its fused ${BuiltinOperator[unfused]} is written as its own int16 operator after it (CMSIS-NN's int16 TRANSPOSE_CONV drops a fused activation); a hand-written op resolver must register ${BuiltinOperator[unfused]} too.`);
      return;
    }
    ops.push({ op: emitted, code: oc.builtinCode, version });
    opReports.push({ index: i, op: builtinOperatorName(oc.builtinCode), status: 'quantized', version });
  });

  function quantizeWeightsAndBias(rule: OpRule, op: Operator, inputs: number[], index: number): void {
    const w = rule.weights!;
    const wIndex = op.inputs[w.input]!;
    const wTensor = sg.tensors[wIndex]!;
    const wValues = constantFloats(model, wTensor);
    const origin = opts.int8Origins?.get(model.buffers[wTensor.buffer]!);
    // Int8 weights the source model had stay per channel in an optional per-channel kernel (FULLY_CONNECTED): per-channel
    // ones as they are, per-tensor ones spread, each channel then scaled by a power of two (hybrid.ts keepInt8Weights).
    const originPerChannel = !!origin;
    // CMSIS-NN's int16x8 FULLY_CONNECTED refuses per-channel weights (INT16X8_LIMITS.perTensorFullyConnected).
    const perTensorOnly = opts.activation === 'int16' && opts.kernels === 'cmsis-nn' && w.perChannel !== 'always';
    const perChannel = w.perChannel === 'always' || (!perTensorOnly && (opts.perChannelFullyConnected || originPerChannel));
    const axis = perChannel ? w.axis : -1;
    const b = rule.bias;
    const bIndex = b ? op.inputs[b.input] ?? -1 : -1;
    const inputScale = b ? tensors[inputs[b.activationInput]!]!.quantization!.scale[0]! : 0;
    let bValues = bIndex >= 0 && isFloatConstant(bIndex) ? constantFloats(model, sg.tensors[bIndex]!) : undefined;
    // An int16 TRANSPOSE_CONV gets a zero bias when it has none: CMSIS-NN's Prepare reads the bias unchecked
    // (INT16X8_LIMITS.transposeConvBias), the reference takes either. The same values.
    const zeroBias = !bValues && bIndex < 0 && b && opts.activation === 'int16' && codeOf(op) === BuiltinOperator.TRANSPOSE_CONV;
    if (zeroBias) bValues = new Float32Array(wTensor.shape[w.axis]!);
    const kept = origin ? keepInt8Weights(origin, wTensor.shape, w.axis, perChannel) : undefined;
    let scales = typeof kept === 'object' ? kept.scales : weightScales(wValues, wTensor.shape, axis);
    if (bValues && opts.activation === 'int8') scales = fitBiasInInt32(scales, bValues, inputScale);
    let qw: { values: Int8Array };
    if (typeof kept === 'object' && scales.every((x, c) => x === kept.scales[c])) {
      qw = kept;
      int8Weights.kept++;
    } else {
      const moments = origin ? undefined : opts.weightMoments?.get(index);
      const rounded = moments ? roundWithMoments(wValues, wTensor.shape, scales, moments, index) : undefined;
      qw = rounded ? { values: rounded } : quantizeWeights(wValues, wTensor.shape, axis, scales);
      if (origin) int8Weights.requantized.push(`"${wTensor.name}": ${typeof kept === 'string' ? kept : 'the bias needs a wider scale'}`);
    }
    const means = b ? opts.inputMeans?.get(op.inputs[b.activationInput]!) : undefined;
    // Not into an added zero bias: it stands for no bias, and computes what the file without it did.
    const shift = bValues && means && !zeroBias ? weightRoundingBiasShift(wValues, { values: qw.values, scales, axis }, wTensor.shape, w.axis, means) : undefined;
    if (bValues && shift && shift.length === bValues.length) bValues = Float32Array.from(bValues, (v, c) => v + shift[c]!);
    const wq = quantParams(scales, scales.map(() => 0), Math.max(axis, 0));
    inputs[w.input] = addConstant(wIndex, TensorType.INT8, bytesOf(qw.values), wq, `w:${wIndex}:${axis}:${scales.join(',')}`);
    if (bValues && b) {
      const bs = biasScales(inputScale, scales, bValues.length);
      const data = opts.activation === 'int16' ? bytesOf(quantizeBiasInt64(bValues, bs)) : bytesOf(quantizeBiasInt32(bValues, bs));
      const type = opts.activation === 'int16' ? TensorType.INT64 : TensorType.INT32;
      if (zeroBias) {
        buffers.push(newBuffer(data));
        tensors.push(zeroBiasTensor(wTensor, bValues.length, buffers.length - 1, quantParams(bs, bs.map(() => 0), 0)));
        while (inputs.length <= b.input) inputs.push(-1);
        inputs[b.input] = tensors.length - 1;
      } else {
        inputs[b.input] = addConstant(bIndex, type, data, quantParams(bs, bs.map(() => 0), 0), `b:${bIndex}:${bs.join(',')}`);
      }
    }
  }

  for (const o of outputFixups) convertOp(native.get(o)!, domain.get(o)!, o, opts.io === 'float' ? 'float' : 'q');

  const { operators, operatorCodes } = assembleOperators(ops);
  const quantized = compactModel({
    ...model,
    operatorCodes,
    buffers,
    subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors, operators } : s)),
  });

  const activations: TensorReport[] = [];
  for (const [t, p] of params) {
    const r = observed.get(t);
    activations.push({
      name: sg.tensors[t]!.name, type: tensorTypeName(qType),
      ...(r ? { min: r.min, max: r.max } : {}),
      scale: [p.scale], zeroPoint: [p.zeroPoint],
    });
  }
  return { model: quantized, operators: opReports, activations, warnings, int8Weights };
}

