import { TensorType } from './generated/tflite/tensor-type';
import type { Model, Tensor } from './model';

/**
 * Bits per element of each tensor type; 0 for types without a fixed size (STRING, RESOURCE, VARIANT).
 * Sub-byte types (INT4, INT2, UINT4) are packed, as TFLite stores them.
 */
const BITS: Partial<Record<TensorType, number>> = {
  [TensorType.FLOAT32]: 32, [TensorType.FLOAT16]: 16, [TensorType.INT32]: 32, [TensorType.UINT8]: 8,
  [TensorType.INT64]: 64, [TensorType.BOOL]: 8, [TensorType.INT16]: 16, [TensorType.COMPLEX64]: 64,
  [TensorType.INT8]: 8, [TensorType.FLOAT64]: 64, [TensorType.COMPLEX128]: 128, [TensorType.UINT64]: 64,
  [TensorType.UINT32]: 32, [TensorType.UINT16]: 16, [TensorType.INT4]: 4, [TensorType.BFLOAT16]: 16,
  [TensorType.INT2]: 2, [TensorType.UINT4]: 4, [TensorType.FLOAT8_E4M3FN]: 8, [TensorType.FLOAT8_E5M2]: 8,
};

export function bitsPerElement(type: TensorType): number {
  return BITS[type] ?? 0;
}

/** Seeded inputs for a float tensor whose range nothing states (golden inputs of the host test, Compare's SQNR run). */
export const SEEDED_FLOAT_RANGE: readonly [number, number] = [-1, 1];

/** The values an integer tensor type stores, [min, max] (packed sub-byte types included); undefined for others. */
const INTEGER_RANGES: Partial<Record<TensorType, readonly [number, number]>> = {
  [TensorType.INT2]: [-2, 1], [TensorType.INT4]: [-8, 7], [TensorType.UINT4]: [0, 15], [TensorType.INT8]: [-128, 127],
  [TensorType.UINT8]: [0, 255], [TensorType.INT16]: [-32768, 32767], [TensorType.UINT16]: [0, 65535],
  [TensorType.INT32]: [-2147483648, 2147483647],
};

export function integerRange(type: TensorType): readonly [number, number] | undefined {
  return INTEGER_RANGES[type];
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Whether the tensor holds data in the file (weights, biases, constant operands) rather than being computed at run
 * time: its buffer has bytes, inline or (>2 GB models) external. A buffer index out of range is not constant; the
 * validator reports it.
 */
export function isConstant(model: Model, tensor: Tensor): boolean {
  const b = model.buffers[tensor.buffer];
  return !!b && (b.data.byteLength > 0 || b.size > 0n);
}

/** The values of a constant int32 tensor (a shape, axes, paddings), or undefined when it is not one. */
export function int32Constant(model: Model, tensor: Tensor | undefined): Int32Array | undefined {
  const data = tensor?.type === TensorType.INT32 ? model.buffers[tensor.buffer]?.data : undefined;
  if (!data || data.byteLength === 0 || data.byteLength % 4) return undefined;
  return new Int32Array(data.slice().buffer); // aligned
}

/** Bytes a dense tensor of this type and shape occupies, or undefined for variable-size types. */
export function tensorByteSize(type: TensorType, shape: readonly number[]): number | undefined {
  const bits = bitsPerElement(type);
  if (!bits) return undefined;
  return Math.ceil((elementCount(shape) * bits) / 8);
}
