/**
 * Which operators TensorFlow Lite Micro can run in int16x8 (int16 activations, int8 weights, int64 bias), per kernel
 * set: one table, read from the kernels' Eval/Prepare type switches at TFLM commit 90b983c2 (the commit the operator
 * registry, tflite/operators.ts, follows). Paths are under tensorflow/lite/micro/kernels/; an operator that has no
 * file in cmsis_nn/ runs the reference kernel in a CMSIS-NN build. Mixed precision (mixed-precision.ts) keeps a layer
 * in int16x8 only where the kernel set has the kernel, and in float (DEQUANTIZE/QUANTIZE around it) otherwise;
 * `--mode int16x8` names the operators without one before calibration (integer-graph.ts integerStatus).
 *
 * The QUANTIZE kernel that connects int8 and int16 layers accepts int8→int16, int16→int8 and int16→int16
 * (quantize_common.cc, PrepareQuantizeReference), besides float→int8/int16; DEQUANTIZE accepts int8, int16, uint8.
 * Update this table together with operators.ts when moving to a newer TFLM.
 */
import type { KernelLibrary } from '../arena/kernels/types';
import { BuiltinOperator, type Operator } from '../tflite/model';
import { hasFusedActivation, OP_RULES } from './op-rules';

export interface Int16Kernel {
  reference: boolean;
  cmsisNn: boolean;
  /** Where the fact was read (reference file; the CMSIS-NN file when it has its own). */
  source: string;
}

const both = (source: string): Int16Kernel => ({ reference: true, cmsisNn: true, source });
const none = (source: string): Int16Kernel => ({ reference: false, cmsisNn: false, source });

/** Operators the quantizer handles (op-rules.ts); missing ones have no int16x8 kernel as far as we know. */
export const TFLM_INT16_KERNELS: Readonly<Partial<Record<BuiltinOperator, Int16Kernel>>> = {
  [BuiltinOperator.CONV_2D]: both('conv.cc (case kTfLiteInt16, bias int32 or int64); cmsis_nn/conv.cc (int16 input with int8 filter, int64 bias)'),
  // Older TFLM had no reference 16x8 depthwise kernel; at 90b983c2 it has one.
  [BuiltinOperator.DEPTHWISE_CONV_2D]: both('depthwise_conv.cc (case kTfLiteInt16, filter kTfLiteInt8: DepthwiseConvPerChannel); cmsis_nn/depthwise_conv.cc'),
  [BuiltinOperator.FULLY_CONNECTED]: both('fully_connected.cc (case kTfLiteInt16, filter kTfLiteInt8); cmsis_nn/fully_connected.cc'),
  [BuiltinOperator.TRANSPOSE_CONV]: both('transpose_conv.cc (case kTfLiteInt16, int64 bias); cmsis_nn/transpose_conv.cc'),
  [BuiltinOperator.ADD]: both('add.cc, add_common.cc (kTfLiteInt16); cmsis_nn/add.cc'),
  [BuiltinOperator.SUB]: both('sub.cc, sub_common.cc (kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.MUL]: both('mul.cc (case kTfLiteInt16: EvalMulQuantizedReference); cmsis_nn/mul.cc (arm_elementwise_mul_s16)'),
  [BuiltinOperator.AVERAGE_POOL_2D]: both('pooling.cc (case kTfLiteInt16); cmsis_nn/pooling.cc'),
  [BuiltinOperator.MAX_POOL_2D]: both('pooling.cc (case kTfLiteInt16); cmsis_nn/pooling.cc'),
  [BuiltinOperator.MEAN]: both('reduce_common.cc (EvalMean, case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.RESHAPE]: both('reshape_common.cc (copies bytes, any type); no cmsis_nn file'),
  [BuiltinOperator.SQUEEZE]: both('squeeze.cc (copies bytes, any type but string); no cmsis_nn file'),
  [BuiltinOperator.SOFTMAX]: both('softmax.cc, softmax_common.cc (int16 in and out); cmsis_nn/softmax.cc'),
  [BuiltinOperator.LOGISTIC]: both('logistic.cc (case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.TANH]: both('tanh.cc (case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.RELU]: both('activations.cc (ReluEval, case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.RELU6]: both('activations.cc (Relu6Eval, case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.LEAKY_RELU]: both('leaky_relu.cc (case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.HARD_SWISH]: none('hard_swish.cc (float32 and int8 only)'),
  [BuiltinOperator.PRELU]: both('prelu.cc (case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.CONCATENATION]: both('concatenation.cc (kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.PAD]: both('pad.cc (case kTfLiteInt16); cmsis_nn/pad.cc'),
  [BuiltinOperator.RESIZE_BILINEAR]: none('resize_bilinear.cc (float32 and int8 only)'),
  [BuiltinOperator.RESIZE_NEAREST_NEIGHBOR]: both('resize_nearest_neighbor.cc (kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.STRIDED_SLICE]: both('strided_slice.cc (case kTfLiteInt16); no cmsis_nn file'),
  [BuiltinOperator.DEPTH_TO_SPACE]: none('depth_to_space.cc (float32 and int8 only)'),
  [BuiltinOperator.SPACE_TO_DEPTH]: none('space_to_depth.cc (float32 and int8 only)'),
  [BuiltinOperator.TRANSPOSE]: both('transpose.cc (case kTfLiteInt16); cmsis_nn/transpose.cc'),
  [BuiltinOperator.ARG_MAX]: none('arg_min_max.cc (float32 and int8 inputs only)'),
  [BuiltinOperator.ARG_MIN]: none('arg_min_max.cc (float32 and int8 inputs only)'),
  [BuiltinOperator.MAXIMUM]: both('maximum_minimum.cc (kTfLiteInt16); cmsis_nn/maximum_minimum.cc'),
  [BuiltinOperator.MINIMUM]: both('maximum_minimum.cc (kTfLiteInt16); cmsis_nn/maximum_minimum.cc'),
};

/** Whether TFLite Micro's `kernels` have an int16x8 kernel for `op`. */
export function hasTflmInt16Kernel(op: BuiltinOperator, kernels: KernelLibrary): boolean {
  const k = TFLM_INT16_KERNELS[op];
  return !!k && (kernels === 'reference' ? k.reference : k.cmsisNn);
}

/**
 * Whether `op` may be written in int16x8: TFLite has the int16x8 kernel (op-rules.ts) and so do TFLite Micro's
 * `kernels`. `--mode int16x8` and mixed precision both ask this, so every model they write runs on both.
 */
export function writesInt16x8(op: BuiltinOperator, kernels: KernelLibrary): boolean {
  return !!OP_RULES[op]?.int16 && hasTflmInt16Kernel(op, kernels);
}

/**
 * Limits of a kernel set's int16x8 kernel beyond its type switch, for one operator: what the quantizer must write
 * around, or the reason it cannot (undefined: none). Found by running our files on a CMSIS-NN build of TFLM
 * 90b983c2 (OPTIMIZED_KERNEL_DIR=cmsis_nn, its pinned CMSIS-NN 4ab83cc3; x86_64, CMSIS-NN's portable C code) against
 * the reference build; see docs/tflm-accuracy.md.
 */
export const INT16X8_LIMITS = {
  /** cmsis_nn/fully_connected.cc Prepare: "Currently only Int8 is supported for per channel quantization" (AllocateTensors fails). */
  perTensorFullyConnected: 'cmsis_nn/fully_connected.cc accepts per-channel weights with int8 input only',
  /** cmsis_nn/transpose_conv.cc Prepare passes kTfLiteActNone to PopulateConvolutionQuantizationParams: no clamp. */
  transposeConvActivation: 'cmsis_nn/transpose_conv.cc drops the fused activation (it passes kTfLiteActNone), so the outputs are not clamped to its range',
  /** cmsis_nn/transpose_conv.cc Prepare reads bias->type without a null check (reference transpose_conv.cc checks). */
  transposeConvBias: 'cmsis_nn/transpose_conv.cc reads the bias without checking that there is one',
} as const;

/**
 * Why `kernels` cannot run `op` in int16x8 as the quantizer would write it, although they have the kernel; undefined
 * when they can. The quantizer writes around the other limits: per-tensor FULLY_CONNECTED weights for CMSIS-NN
 * (`--mode int16x8` and mixed precision, which requantizes an int8 model's per-channel ones from the float weights),
 * a TRANSPOSE_CONV's fused RELU / RELU6 as its own operator (`unfuses`), and a zero bias for a TRANSPOSE_CONV without
 * one, with either kernel set.
 */
export function int16x8Blocker(code: BuiltinOperator, op: Operator, kernels: KernelLibrary,
  /** The writer unfuses a RELU / RELU6 into its own int16 operator (integer-graph.ts and mixed-precision.ts do). */
  unfuses = false): string | undefined {
  if (kernels !== 'cmsis-nn') return undefined;
  if (code === BuiltinOperator.TRANSPOSE_CONV && hasFusedActivation(op) && !(unfuses && unfusedActivation(op) !== undefined)) return INT16X8_LIMITS.transposeConvActivation;
  return undefined;
}

/**
 * The operator a fused activation becomes when written on its own (RELU, RELU6: TFLite Micro has both in int16), or
 * undefined when it has none or another one.
 */
export function unfusedActivation(op: Operator): BuiltinOperator.RELU | BuiltinOperator.RELU6 | undefined {
  const f = op.builtinOptions?.table['fused_activation_function'];
  return f === 'RELU' ? BuiltinOperator.RELU : f === 'RELU6' ? BuiltinOperator.RELU6 : undefined;
}
