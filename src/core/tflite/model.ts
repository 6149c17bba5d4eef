/**
 * The in-memory form of a .tflite model: plain objects that mirror the schema (schema.fbs), with weight bytes kept as
 * zero-copy views of the file. Everything downstream (analysis, arena planning, quantization, code generation) reads
 * these types; `readModel` produces them and `writeModel` serializes them back.
 */
import { BuiltinOperator } from './generated/tflite/builtin-operator';
import { TensorType } from './generated/tflite/tensor-type';
import type { OptionsTable } from './table-codec';

export { BuiltinOperator, TensorType };
export type { OptionsTable, OptionValue } from './table-codec';

/** Quantization of a tensor: real = scale * (q - zeroPoint), per tensor (length 1) or per channel along `quantizedDimension`. */
export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  min?: number[];
  max?: number[];
  quantizedDimension: number;
  /** QuantizationDetails union (CustomQuantization, BlockwiseQuantization, ...) decoded as a plain table. */
  details?: { type: string; table: OptionsTable };
}

export type SparseIndexVector =
  | { type: 'Int32Vector'; values: number[] }
  | { type: 'Uint16Vector'; values: number[] }
  | { type: 'Uint8Vector'; values: number[] };

export interface DimensionMetadata {
  /** 0 = DENSE, 1 = SPARSE_CSR */
  format: number;
  denseSize: number;
  arraySegments?: SparseIndexVector;
  arrayIndices?: SparseIndexVector;
}

export interface SparsityParameters {
  traversalOrder?: number[];
  blockMap?: number[];
  dimMetadata?: DimensionMetadata[];
}

export interface VariantSubType {
  shape?: number[];
  type: TensorType;
  hasRank: boolean;
}

export interface Tensor {
  name: string;
  type: TensorType;
  /** Static shape; absent in the file means a scalar or unknown rank (see hasRank). */
  shape: number[];
  /** Shape with -1 for dynamic dimensions, when the converter recorded one. */
  shapeSignature?: number[];
  /** Index into Model.buffers; 0 is the conventional empty buffer (activations). */
  buffer: number;
  quantization?: QuantParams;
  isVariable: boolean;
  sparsity?: SparsityParameters;
  hasRank: boolean;
  variantTensors?: VariantSubType[];
  externalBuffer: number;
}

export interface BuiltinOptions {
  /** Table name from the BuiltinOptions union, e.g. "Conv2DOptions". */
  type: string;
  table: OptionsTable;
}

export interface Operator {
  opcodeIndex: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  intermediates?: number[];
  builtinOptions?: BuiltinOptions;
  builtinOptions2?: BuiltinOptions;
  customOptions?: Uint8Array;
  /** 0 = FLEXBUFFERS */
  customOptionsFormat: number;
  mutatingVariableInputs?: boolean[];
  largeCustomOptionsOffset?: bigint;
  largeCustomOptionsSize?: bigint;
  debugMetadataIndex: number;
}

export interface OperatorCode {
  /** The real builtin code: max(deprecated_builtin_code, builtin_code), as TFLite resolves it. */
  builtinCode: BuiltinOperator;
  /** As stored in the file (int8: 127 means "see builtin_code"). */
  deprecatedBuiltinCode: number;
  customCode?: string;
  version: number;
}

export interface Buffer {
  /** Zero-copy view into the model file (or a fresh array for built models); empty for activations. */
  data: Uint8Array;
  /** External form for >2 GB models: bytes live at file offset `offset`, length `size` (both 0 when unused). */
  offset: bigint;
  size: bigint;
}

export interface SubGraph {
  name?: string;
  tensors: Tensor[];
  inputs: number[];
  outputs: number[];
  operators: Operator[];
  debugMetadataIndex: number;
}

export interface Metadata {
  name: string;
  buffer: number;
}

export interface TensorMap {
  name: string;
  tensorIndex: number;
}

export interface SignatureDef {
  signatureKey: string;
  subgraphIndex: number;
  inputs: TensorMap[];
  outputs: TensorMap[];
}

export interface ExternalBufferGroup {
  name?: string;
}

export interface ExternalBuffer {
  id: number;
  group: number;
  offset: bigint;
  length: bigint;
  packing?: string;
}

export interface Model {
  version: number;
  description?: string;
  operatorCodes: OperatorCode[];
  subgraphs: SubGraph[];
  buffers: Buffer[];
  metadataBuffer?: number[];
  metadata: Metadata[];
  signatureDefs: SignatureDef[];
  externalBufferGroups?: ExternalBufferGroup[];
  externalBuffers?: ExternalBuffer[];
}
