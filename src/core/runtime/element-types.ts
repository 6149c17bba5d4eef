/**
 * LiteRT element types (litert_model_types.h `ElementType`) and the typed arrays that carry them in JavaScript.
 * float16/bfloat16 travel as their raw 16-bit patterns in a Uint16Array; bool as one byte per element.
 */
export type RuntimeDType =
  | 'float32' | 'float16' | 'bfloat16' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'int4' | 'complex64' | 'complex128' | 'string' | 'resource' | 'variant' | 'none';

export type RuntimeTypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

type TypedArrayConstructor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): RuntimeTypedArray; BYTES_PER_ELEMENT: number; name: string };

interface ElementTypeInfo {
  dtype: RuntimeDType;
  /** Array type for values of this type; undefined for types we cannot carry (strings, resources). */
  array?: TypedArrayConstructor;
}

/** Keyed by LiteRT's numeric ElementType. */
const ELEMENT_TYPES: Record<number, ElementTypeInfo> = {
  0: { dtype: 'none' },
  1: { dtype: 'float32', array: Float32Array },
  2: { dtype: 'int32', array: Int32Array },
  3: { dtype: 'uint8', array: Uint8Array },
  4: { dtype: 'int64', array: BigInt64Array },
  5: { dtype: 'string' },
  6: { dtype: 'bool', array: Uint8Array },
  7: { dtype: 'int16', array: Int16Array },
  8: { dtype: 'complex64', array: Float32Array },
  9: { dtype: 'int8', array: Int8Array },
  10: { dtype: 'float16', array: Uint16Array },
  11: { dtype: 'float64', array: Float64Array },
  12: { dtype: 'complex128', array: Float64Array },
  13: { dtype: 'uint64', array: BigUint64Array },
  14: { dtype: 'resource' },
  15: { dtype: 'variant' },
  16: { dtype: 'uint32', array: Uint32Array },
  17: { dtype: 'uint16', array: Uint16Array },
  // Packed two per byte: carried as raw bytes.
  18: { dtype: 'int4', array: Uint8Array },
  19: { dtype: 'bfloat16', array: Uint16Array },
};

export function elementTypeInfo(elementType: number): ElementTypeInfo {
  return ELEMENT_TYPES[elementType] ?? { dtype: 'none' };
}

/** The typed-array class name a caller must use for an input of this element type, e.g. "Int8Array". */
export function expectedArrayName(elementType: number): string | undefined {
  return elementTypeInfo(elementType).array?.name;
}

/** Elements of the typed array per tensor element (complex numbers take two floats). */
export function arrayElementsPerValue(elementType: number): number {
  return elementType === 8 || elementType === 12 ? 2 : 1;
}

/** A copy of `bytes` viewed as the element type's array (copied so it outlives the wasm heap). */
export function bytesToArray(bytes: Uint8Array, elementType: number): RuntimeTypedArray {
  const Ctor = elementTypeInfo(elementType).array ?? Uint8Array;
  const copy = bytes.slice();
  return new Ctor(copy.buffer, 0, Math.floor(copy.byteLength / Ctor.BYTES_PER_ELEMENT));
}
