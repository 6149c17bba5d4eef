/** Scalar storage types of flatbuffer fields, as named by the generated table schema. */
export type ScalarKind =
  | 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

/** One field of a leaf table (scalars, enums, strings, vectors of scalars) with its vtable slot. */
export interface FieldSchema {
  name: string;
  slot: number;
  t: ScalarKind | 'string' | 'vector';
  elem?: ScalarKind;
  enum?: string;
  def?: number;
}

export type TableSchema = FieldSchema[];
