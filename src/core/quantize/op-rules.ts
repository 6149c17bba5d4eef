/**
 * What full-integer quantization does to each operator, after the TFLite quantization specification
 * (quantization_spec.md) and the converter's operator properties: which inputs are activations, which are weights
 * (symmetric, per channel along which axis), which is the bias, and how the output's parameters are chosen.
 * Operator versions follow TFLite's op_version.cc, so the runtime picks the integer kernels.
 */
import { BuiltinOperator, type Operator, type OptionValue } from '../tflite/model';
import type { AffineParams } from './quant-math';

export type ActivationType = 'int8' | 'int16';

export type OutputRule =
  /** Parameters from the output's own calibrated range. */
  | { kind: 'own' }
  /** The output shares input 0's scale and zero point (the op only moves or selects values). */
  | { kind: 'sameAsInput' }
  /** Fixed by the kernel's output format. */
  | { kind: 'fixed'; int8: AffineParams; int16: AffineParams }
  /** Every input shares the output's parameters; inputs that differ are requantized first (CONCATENATION, MAXIMUM). */
  | { kind: 'inputsShareOutput' };

export interface WeightsRule {
  input: number;
  /** Channel axis for per-channel scales; per-tensor when `perChannel` says so. */
  axis: number;
  perChannel: 'always' | 'optional';
}

export interface BiasRule {
  input: number;
  /** The activation and weights whose scales multiply into the bias scale. */
  activationInput: number;
  weightsInput: number;
}

export interface VersionContext {
  activation: ActivationType;
  op: Operator;
  /** Static shapes of the op's inputs (empty for omitted ones). */
  inputShapes: number[][];
  /** MUL only: input and output scales. */
  scales?: { inputs: number[]; output: number };
}

export interface OpRule {
  /** Float inputs quantized as activations: listed positions or every input (variadic ops). */
  activationInputs: number[] | 'all';
  weights?: WeightsRule;
  bias?: BiasRule;
  output: OutputRule;
  /** False when TFLite has no int16x8 kernel for the op. */
  int16: boolean;
  version(ctx: VersionContext): number;
}

const FIXED_SIGMOID: OutputRule = { kind: 'fixed', int8: { scale: 1 / 256, zeroPoint: -128 }, int16: { scale: 1 / 32768, zeroPoint: 0 } };
const FIXED_TANH: OutputRule = { kind: 'fixed', int8: { scale: 1 / 128, zeroPoint: 0 }, int16: { scale: 1 / 32768, zeroPoint: 0 } };

function option(op: Operator, name: string): OptionValue | undefined {
  return op.builtinOptions?.table[name];
}

export const hasFusedActivation = (op: Operator): boolean => {
  const f = option(op, 'fused_activation_function');
  return f !== undefined && f !== 'NONE' && f !== 0;
};

/** Version for ops whose int8 kernel is version `int8` and int16 kernel version `int16`. */
const byType = (int8: number, int16: number) => (ctx: VersionContext): number => (ctx.activation === 'int16' ? int16 : int8);

const unary = (output: OutputRule, int8: number, int16: number, hasInt16 = true): OpRule => ({
  activationInputs: [0], output, int16: hasInt16, version: byType(int8, int16),
});

const maxRank = (ctx: VersionContext): number => Math.max(0, ...ctx.inputShapes.map((s) => s.length));
const broadcasts = (ctx: VersionContext): boolean => {
  const [a, b] = ctx.inputShapes;
  return !!a && !!b && (a.length !== b.length || a.some((d, i) => d !== b[i]));
};

export const OP_RULES: Partial<Record<BuiltinOperator, OpRule>> = {
  [BuiltinOperator.CONV_2D]: {
    activationInputs: [0], weights: { input: 1, axis: 0, perChannel: 'always' }, bias: { input: 2, activationInput: 0, weightsInput: 1 },
    output: { kind: 'own' }, int16: true, version: byType(3, 4),
  },
  [BuiltinOperator.DEPTHWISE_CONV_2D]: {
    activationInputs: [0], weights: { input: 1, axis: 3, perChannel: 'always' }, bias: { input: 2, activationInput: 0, weightsInput: 1 },
    output: { kind: 'own' }, int16: true, version: byType(3, 5),
  },
  [BuiltinOperator.FULLY_CONNECTED]: {
    activationInputs: [0], weights: { input: 1, axis: 0, perChannel: 'optional' }, bias: { input: 2, activationInput: 0, weightsInput: 1 },
    output: { kind: 'own' }, int16: true,
    version: (ctx) => {
      if (ctx.activation === 'int16') return 7;
      if (ctx.op.inputs.length < 3 || ctx.op.inputs[2] === -1) return 6;
      if (option(ctx.op, 'keep_num_dims') === true) return 5;
      return 4;
    },
  },
  [BuiltinOperator.TRANSPOSE_CONV]: {
    // inputs: output_shape, weights, input, bias
    activationInputs: [2], weights: { input: 1, axis: 0, perChannel: 'always' }, bias: { input: 3, activationInput: 2, weightsInput: 1 },
    output: { kind: 'own' }, int16: true,
    version: (ctx) => (hasFusedActivation(ctx.op) ? 4 : ctx.op.inputs.length >= 4 && ctx.op.inputs[3] !== -1 ? 3 : 2),
  },
  [BuiltinOperator.ADD]: { activationInputs: [0, 1], output: { kind: 'own' }, int16: true, version: byType(2, 3) },
  [BuiltinOperator.SUB]: {
    activationInputs: [0, 1], output: { kind: 'own' }, int16: true,
    version: (ctx) => (ctx.activation === 'int16' ? 5 : broadcasts(ctx) && maxRank(ctx) > 4 ? 3 : 2),
  },
  [BuiltinOperator.MUL]: {
    activationInputs: [0, 1], output: { kind: 'own' }, int16: true,
    version: (ctx) => {
      if (ctx.activation === 'int16') return 4;
      const s = ctx.scales;
      return s && s.inputs.length === 2 && (s.inputs[0]! * s.inputs[1]!) / s.output >= 1 ? 3 : 2;
    },
  },
  [BuiltinOperator.AVERAGE_POOL_2D]: unary({ kind: 'sameAsInput' }, 2, 3),
  [BuiltinOperator.MAX_POOL_2D]: unary({ kind: 'sameAsInput' }, 2, 3),
  [BuiltinOperator.MEAN]: unary({ kind: 'own' }, 2, 3),
  [BuiltinOperator.RESHAPE]: unary({ kind: 'sameAsInput' }, 1, 1),
  [BuiltinOperator.SQUEEZE]: unary({ kind: 'sameAsInput' }, 1, 1),
  [BuiltinOperator.SOFTMAX]: unary(FIXED_SIGMOID, 2, 3),
  [BuiltinOperator.LOGISTIC]: unary(FIXED_SIGMOID, 2, 3),
  [BuiltinOperator.TANH]: unary(FIXED_TANH, 2, 3),
  [BuiltinOperator.RELU]: unary({ kind: 'own' }, 2, 3),
  // TFLite Micro's RELU6 only clamps the input's integers (activations.h Relu6Quantized) and never reads the output's
  // scale: an output quantized unlike its input is read at the wrong scale on the device.
  [BuiltinOperator.RELU6]: unary({ kind: 'sameAsInput' }, 2, 3),
  [BuiltinOperator.LEAKY_RELU]: unary({ kind: 'own' }, 1, 2),
  [BuiltinOperator.HARD_SWISH]: unary({ kind: 'own' }, 1, 1, false),
  [BuiltinOperator.PRELU]: { activationInputs: [0, 1], output: { kind: 'own' }, int16: false, version: () => 1 },
  [BuiltinOperator.CONCATENATION]: { activationInputs: 'all', output: { kind: 'inputsShareOutput' }, int16: true, version: byType(2, 3) },
  [BuiltinOperator.PAD]: {
    activationInputs: [0], output: { kind: 'sameAsInput' }, int16: true,
    version: (ctx) => (maxRank(ctx) > 4 ? 4 : ctx.activation === 'int16' ? 3 : 2),
  },
  [BuiltinOperator.RESIZE_BILINEAR]: {
    activationInputs: [0], output: { kind: 'sameAsInput' }, int16: true,
    version: (ctx) => (ctx.activation === 'int16' ? 4 : option(ctx.op, 'half_pixel_centers') === true ? 3 : 2),
  },
  [BuiltinOperator.RESIZE_NEAREST_NEIGHBOR]: {
    activationInputs: [0], output: { kind: 'sameAsInput' }, int16: true,
    version: (ctx) => (ctx.activation === 'int16' ? 4
      : option(ctx.op, 'half_pixel_centers') === true || option(ctx.op, 'align_corners') === true ? 3 : 2),
  },
  [BuiltinOperator.STRIDED_SLICE]: {
    activationInputs: [0], output: { kind: 'sameAsInput' }, int16: true,
    version: (ctx) => {
      if (option(ctx.op, 'offset') === true) return 8;
      if ((option(ctx.op, 'ellipsis_mask') ?? 0) !== 0 || (option(ctx.op, 'new_axis_mask') ?? 0) !== 0) return 6;
      if (maxRank(ctx) > 4) return 4;
      return 2;
    },
  },
  // Blocks of pixels to and from channels: TFLite's int8 kernel is version 2 and it has no int16 one.
  [BuiltinOperator.DEPTH_TO_SPACE]: unary({ kind: 'sameAsInput' }, 2, 2, false),
  [BuiltinOperator.SPACE_TO_DEPTH]: unary({ kind: 'sameAsInput' }, 2, 2, false),
  [BuiltinOperator.TRANSPOSE]: {
    activationInputs: [0], output: { kind: 'sameAsInput' }, int16: true,
    version: (ctx) => (maxRank(ctx) > 5 ? 6 : ctx.activation === 'int16' ? 5 : maxRank(ctx) > 4 ? 4 : 2),
  },
  // Integer outputs (indices): only the input is quantized.
  [BuiltinOperator.ARG_MAX]: unary({ kind: 'own' }, 2, 2, false),
  [BuiltinOperator.ARG_MIN]: unary({ kind: 'own' }, 2, 2, false),
  [BuiltinOperator.MAXIMUM]: {
    activationInputs: [0, 1], output: { kind: 'inputsShareOutput' }, int16: true,
    version: (ctx) => (ctx.activation === 'int16' ? 4 : broadcasts(ctx) && maxRank(ctx) > 4 ? 3 : 2),
  },
  [BuiltinOperator.MINIMUM]: {
    activationInputs: [0, 1], output: { kind: 'inputsShareOutput' }, int16: true,
    version: (ctx) => (ctx.activation === 'int16' ? 4 : broadcasts(ctx) && maxRank(ctx) > 4 ? 3 : 2),
  },
};

/** Version of a QUANTIZE op writing `output` (float→int, or a requantize between integer types). */
export function quantizeOpVersion(output: ActivationType | 'uint8'): number {
  return output === 'int16' ? 2 : 1;
}

/** Version of a DEQUANTIZE op reading `input`. */
export function dequantizeOpVersion(input: ActivationType | 'uint8' | 'float16', perChannel = false): number {
  if (input === 'int16' || input === 'float16') return 3;
  if (input === 'int8') return perChannel ? 5 : 2;
  return 1;
}

/** Clamp range of a fused activation, or undefined when the op has none. */
export function fusedActivationRange(op: Operator): [number, number] | undefined {
  switch (option(op, 'fused_activation_function')) {
    case 'RELU': return [0, Infinity];
    case 'RELU6': return [0, 6];
    case 'RELU_N1_TO_1': return [-1, 1];
    default: return undefined;
  }
}
