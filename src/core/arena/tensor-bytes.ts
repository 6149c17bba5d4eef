/**
 * How TFLite Micro sizes tensors: `TfLiteTypeSizeOf` × element count (memory_helpers.cc). Unlike TFLite's packed
 * sizes, INT4 counts one byte per element here, and a tensor without a shape is a scalar.
 */
import { TensorType, type Tensor } from '../tflite/model';
import { elementCount } from '../tflite/tensor-types';

const TYPE_BYTES: Partial<Record<TensorType, number>> = {
  [TensorType.FLOAT16]: 2, [TensorType.BFLOAT16]: 2, [TensorType.FLOAT32]: 4, [TensorType.FLOAT64]: 8,
  [TensorType.INT16]: 2, [TensorType.INT32]: 4, [TensorType.UINT32]: 4, [TensorType.UINT8]: 1, [TensorType.UINT16]: 2,
  [TensorType.INT8]: 1, [TensorType.INT64]: 8, [TensorType.UINT64]: 8, [TensorType.BOOL]: 1, [TensorType.RESOURCE]: 4,
  [TensorType.COMPLEX64]: 8, [TensorType.COMPLEX128]: 16, [TensorType.INT4]: 1,
};

/** Bytes per element as TFLM counts them, or undefined for types TFLM cannot hold (STRING, VARIANT, INT2, ...). */
export function tflmTypeSize(type: TensorType): number | undefined {
  return TYPE_BYTES[type];
}

/** `TfLiteEvalTensorByteLength`: element count × TFLM type size (0 for unsupported types). */
export function tflmTensorBytes(tensor: Tensor): number {
  return elementCount(tensor.shape) * (tflmTypeSize(tensor.type) ?? 0);
}

