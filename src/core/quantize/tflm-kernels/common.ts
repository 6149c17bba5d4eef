/**
 * What every kernel of the TFLite Micro reference evaluator (../tflm-reference.ts) shares: the node it is given, the
 * value arrays, and the helpers of tensorflow/lite/kernels/kernel_util.cc and padding.h that the kernels' Prepare
 * functions call. One kernel module per TFLM kernel file (kernels/*.cc), as in TFLM's kernels/ folder.
 */
import { TensorType, elementCount, type Operator, type Tensor } from '../../tflite/index';
import { roundHalfAway } from '../quant-math';
import { isSamePadding, leadingPadding } from '../../tflite/padding';

/**
 * Tensor contents as the evaluator holds them: int8/int16/int32 activations and constants, float32 at the float
 * boundary, and int64 constants (16x8 biases) as exact numbers in a Float64Array.
 */
export type TflmValues = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export type OptionsTable = Record<string, unknown>;

/** One operator, as its kernel sees it: tensors (undefined for an omitted optional input), options, values. */
export interface TflmNodeInfo {
  readonly op: Operator;
  readonly code: number;
  readonly inputs: readonly (Tensor | undefined)[];
  readonly output: Tensor;
  readonly options: OptionsTable;
  /** Input `i`'s values when it is a constant int32 tensor (shapes, axes, permutations), for checks Prepare makes. */
  readonly int32Constant: (i: number) => Int32Array | undefined;
}

export interface TflmNode extends TflmNodeInfo {
  /** The values of input `i` (an activation computed earlier, or a constant). */
  value(i: number): TflmValues;
  /** What the kernel's Prepare derives, computed once per operator (and `key`). */
  prepared<T>(key: string, make: () => T): T;
}

export interface TflmKernel {
  /** Why this node's types or options are not evaluated here (e.g. "int16 input"), or undefined when they are. */
  check(node: TflmNodeInfo): string | undefined;
  run(node: TflmNode): TflmValues;
}

export const num = (t: OptionsTable, k: string, d: number): number => (typeof t[k] === 'number' ? (t[k] as number) : d);
export const bool = (t: OptionsTable, k: string): boolean => t[k] === true || t[k] === 1;

/** fused_activation_function as its schema name (the reader gives names; numbers are accepted too). */
export function activation(t: OptionsTable): string {
  const a = t['fused_activation_function'];
  if (typeof a === 'number') return ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'][a] ?? 'NONE';
  return typeof a === 'string' ? a : 'NONE';
}
export const SUPPORTED_ACTIVATIONS = new Set(['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1']);
export const isSame = isSamePadding;

export const scaleOf = (t: Tensor): number => t.quantization?.scale[0] ?? 1;
export const zeroPointOf = (t: Tensor): number => t.quantization?.zeroPoint[0] ?? 0;

/** The integer range of an activation type. */
export function typeRange(type: TensorType): [number, number] {
  return type === TensorType.INT16 ? [-32768, 32767] : type === TensorType.INT32 ? [-2147483648, 2147483647] : [-128, 127];
}

/** A new output array of the tensor's type. */
export function newValues(t: Tensor, n = elementCount(t.shape)): Int8Array | Int16Array | Int32Array | Float32Array {
  switch (t.type) {
    case TensorType.INT16: return new Int16Array(n);
    case TensorType.INT32: return new Int32Array(n);
    case TensorType.FLOAT32: return new Float32Array(n);
    default: return new Int8Array(n);
  }
}

/** kernel_util.cc CalculateActivationRangeQuantized for an int8 or int16 output. */
export function activationRange(act: string, out: Tensor): [number, number] {
  const s = scaleOf(out), zp = zeroPointOf(out);
  const [qmin, qmax] = typeRange(out.type);
  const q = (f: number) => zp + roundHalfAway(Math.fround(f / s));
  switch (act) {
    case 'RELU': return [Math.max(qmin, q(0)), qmax];
    case 'RELU6': return [Math.max(qmin, q(0)), Math.min(qmax, q(6))];
    case 'RELU_N1_TO_1': return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
    default: return [qmin, qmax];
  }
}

/** padding.h ComputePaddingHeightWidth: the leading padding of one spatial dimension (tflite/padding.ts). */
export const padding = leadingPadding;

/** The shapes, strides, dilations and leading paddings of a CONV_2D / DEPTHWISE_CONV_2D (NHWC, filter [O, KH, KW, I]). */
export interface ConvGeometry {
  B: number; H: number; W: number; C: number;
  OH: number; OW: number; OC: number;
  FO: number; KH: number; KW: number; FI: number;
  sh: number; sw: number; dh: number; dw: number; padH: number; padW: number;
}

export function convGeometry(input: { shape: readonly number[] }, filter: { shape: readonly number[] }, out: { shape: readonly number[] }, o: OptionsTable): ConvGeometry {
  const [B, H, W, C] = input.shape as [number, number, number, number];
  const [, OH, OW, OC] = out.shape as [number, number, number, number];
  const [FO, KH, KW, FI] = filter.shape as [number, number, number, number];
  const sw = num(o, 'stride_w', 1), sh = num(o, 'stride_h', 1);
  const dw = num(o, 'dilation_w_factor', 1), dh = num(o, 'dilation_h_factor', 1);
  return { B, H, W, C, OH, OW, OC, FO, KH, KW, FI, sh, sw, dh, dw, padH: padding(isSame(o), sh, dh, H, KH), padW: padding(isSame(o), sw, dw, W, KW) };
}

/**
 * The shapes, strides and leading paddings of a TRANSPOSE_CONV (inputs output_shape, filter [O, KH, KW, I], input):
 * transpose_conv.cc pads by ComputePaddingHeightWidth on the output's size, dilation 1.
 */
export function transposeConvGeometry(node: TflmNodeInfo): { B: number; H: number; W: number; C: number; OH: number; OW: number; OC: number; KH: number; KW: number; sh: number; sw: number; padH: number; padW: number } {
  const [B, H, W, C] = node.inputs[2]!.shape as [number, number, number, number];
  const [, OH, OW, OC] = node.output.shape as [number, number, number, number];
  const [, KH, KW] = node.inputs[1]!.shape as [number, number, number, number];
  const sh = num(node.options, 'stride_h', 1), sw = num(node.options, 'stride_w', 1);
  return { B, H, W, C, OH, OW, OC, KH, KW, sh, sw, padH: padding(isSame(node.options), sh, 1, OH, KH), padW: padding(isSame(node.options), sw, 1, OW, KW) };
}

/**
 * For every flat output index, the flat index of an input broadcast to `outShape` (NumPy rules, which the kernels'
 * Broadcast*Slow loops follow), or undefined when the input has the output's size (no broadcast).
 */
export function broadcastIndices(inShape: readonly number[], outShape: readonly number[]): Int32Array | undefined {
  const n = elementCount(outShape);
  if (elementCount(inShape) === n) return undefined;
  const r = outShape.length;
  const shape = [...Array<number>(Math.max(0, r - inShape.length)).fill(1), ...inShape];
  const strides = new Array<number>(r).fill(0);
  let acc = 1;
  for (let d = r - 1; d >= 0; d--) { strides[d] = shape[d] === 1 ? 0 : acc; acc *= shape[d]!; }
  const idx = new Int32Array(n);
  const pos = new Array<number>(r).fill(0);
  let cur = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = cur;
    for (let d = r - 1; d >= 0; d--) {
      pos[d]!++;
      cur += strides[d]!;
      if (pos[d]! < outShape[d]!) break;
      cur -= strides[d]! * pos[d]!;
      pos[d] = 0;
    }
  }
  return idx;
}

/** Whether a tensor is an int8 or int16 activation (what the integer kernels take). */
export const isInt8 = (t: Tensor | undefined): boolean => t?.type === TensorType.INT8;
export const isInt16 = (t: Tensor | undefined): boolean => t?.type === TensorType.INT16;
export const typeName = (t: Tensor | undefined): string => (t ? TensorType[t.type]!.toLowerCase() : 'missing');

