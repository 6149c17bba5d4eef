/**
 * What the toolkit knows about each TFLite builtin operator, in one table (the way Netron keeps operator metadata in
 * one file): how the inspector groups it, the `tflite::MicroMutableOpResolver` method that registers its TFLite Micro
 * kernel, and which inputs decide that kernel. Adding an operator starts here.
 *
 * The resolver methods are those of micro_mutable_op_resolver.h at TFLM commit 90b983c2 (every
 * `AddBuiltin(BuiltinOperator_X, ...)` and `AddCustom("name", ...)`): a builtin without `tflm` has no TFLite Micro
 * kernel; a custom operator missing from TFLM_CUSTOM_OPERATORS needs the user's own kernel. Update both when moving
 * to a newer TFLM. The arena's per-kernel memory rules (arena/kernels/) and the quantizer's rules (quantize/op-rules)
 * are kept with the code that models them.
 */
import { BuiltinOperator } from './model';
import { builtinOperatorName } from './names';

/** How the inspector groups operators (colours in the graph, filters in the table). */
export type OpCategory = 'conv' | 'activation' | 'pool' | 'arithmetic' | 'shape' | 'quantize' | 'control' | 'recurrent' | 'custom' | 'other';

export interface OperatorInfo {
  category: OpCategory;
  /** The resolver method that registers the TFLite Micro kernel, e.g. `AddConv2D`; absent when TFLM has none. */
  tflm?: string;
  /** Operators whose weights decide the kernel: the positions of the data input and of the weights. */
  weighted?: { input: number; weights: number };
}

/** Keyed by schema name, so a misspelt operator does not compile. Operators not listed are 'other', without TFLM. */
const OPERATORS: Readonly<Partial<Record<keyof typeof BuiltinOperator, OperatorInfo>>> = {
  ADD: { category: 'arithmetic', tflm: 'AddAdd' },
  AVERAGE_POOL_2D: { category: 'pool', tflm: 'AddAveragePool2D' },
  CONCATENATION: { category: 'shape', tflm: 'AddConcatenation' },
  CONV_2D: { category: 'conv', tflm: 'AddConv2D', weighted: { input: 0, weights: 1 } },
  DEPTHWISE_CONV_2D: { category: 'conv', tflm: 'AddDepthwiseConv2D', weighted: { input: 0, weights: 1 } },
  DEPTH_TO_SPACE: { category: 'shape', tflm: 'AddDepthToSpace' },
  DEQUANTIZE: { category: 'quantize', tflm: 'AddDequantize' },
  EMBEDDING_LOOKUP: { category: 'other', tflm: 'AddEmbeddingLookup' },
  FLOOR: { category: 'arithmetic', tflm: 'AddFloor' },
  FULLY_CONNECTED: { category: 'conv', tflm: 'AddFullyConnected', weighted: { input: 0, weights: 1 } },
  L2_NORMALIZATION: { category: 'arithmetic', tflm: 'AddL2Normalization' },
  L2_POOL_2D: { category: 'pool', tflm: 'AddL2Pool2D' },
  LOGISTIC: { category: 'activation', tflm: 'AddLogistic' },
  LSTM: { category: 'recurrent' },
  MAX_POOL_2D: { category: 'pool', tflm: 'AddMaxPool2D' },
  MUL: { category: 'arithmetic', tflm: 'AddMul' },
  RELU: { category: 'activation', tflm: 'AddRelu' },
  RELU_N1_TO_1: { category: 'activation' },
  RELU6: { category: 'activation', tflm: 'AddRelu6' },
  RESHAPE: { category: 'shape', tflm: 'AddReshape' },
  RESIZE_BILINEAR: { category: 'shape', tflm: 'AddResizeBilinear' },
  RNN: { category: 'recurrent' },
  SOFTMAX: { category: 'activation', tflm: 'AddSoftmax' },
  SPACE_TO_DEPTH: { category: 'shape', tflm: 'AddSpaceToDepth' },
  SVDF: { category: 'recurrent', tflm: 'AddSvdf', weighted: { input: 0, weights: 1 } },
  TANH: { category: 'activation', tflm: 'AddTanh' },
  CALL: { category: 'control' },
  PAD: { category: 'shape', tflm: 'AddPad' },
  UNIDIRECTIONAL_SEQUENCE_RNN: { category: 'recurrent' },
  GATHER: { category: 'shape', tflm: 'AddGather' },
  BATCH_TO_SPACE_ND: { category: 'shape', tflm: 'AddBatchToSpaceNd' },
  SPACE_TO_BATCH_ND: { category: 'shape', tflm: 'AddSpaceToBatchNd' },
  TRANSPOSE: { category: 'shape', tflm: 'AddTranspose' },
  MEAN: { category: 'pool', tflm: 'AddMean' },
  SUB: { category: 'arithmetic', tflm: 'AddSub' },
  DIV: { category: 'arithmetic', tflm: 'AddDiv' },
  SQUEEZE: { category: 'shape', tflm: 'AddSqueeze' },
  UNIDIRECTIONAL_SEQUENCE_LSTM: { category: 'recurrent', tflm: 'AddUnidirectionalSequenceLSTM', weighted: { input: 0, weights: 2 } },
  STRIDED_SLICE: { category: 'shape', tflm: 'AddStridedSlice' },
  EXP: { category: 'arithmetic', tflm: 'AddExp' },
  SPLIT: { category: 'shape', tflm: 'AddSplit' },
  LOG_SOFTMAX: { category: 'activation', tflm: 'AddLogSoftmax' },
  BIDIRECTIONAL_SEQUENCE_LSTM: { category: 'recurrent' },
  CAST: { category: 'quantize', tflm: 'AddCast' },
  PRELU: { category: 'activation', tflm: 'AddPrelu' },
  MAXIMUM: { category: 'arithmetic', tflm: 'AddMaximum' },
  ARG_MAX: { category: 'other', tflm: 'AddArgMax' },
  MINIMUM: { category: 'arithmetic', tflm: 'AddMinimum' },
  LESS: { category: 'other', tflm: 'AddLess' },
  NEG: { category: 'arithmetic', tflm: 'AddNeg' },
  PADV2: { category: 'shape', tflm: 'AddPadV2' },
  GREATER: { category: 'other', tflm: 'AddGreater' },
  GREATER_EQUAL: { category: 'other', tflm: 'AddGreaterEqual' },
  LESS_EQUAL: { category: 'other', tflm: 'AddLessEqual' },
  SLICE: { category: 'shape', tflm: 'AddSlice' },
  SIN: { category: 'arithmetic', tflm: 'AddSin' },
  TRANSPOSE_CONV: { category: 'conv', tflm: 'AddTransposeConv', weighted: { input: 2, weights: 1 } },
  TILE: { category: 'shape' },
  EXPAND_DIMS: { category: 'shape', tflm: 'AddExpandDims' },
  EQUAL: { category: 'other', tflm: 'AddEqual' },
  NOT_EQUAL: { category: 'other', tflm: 'AddNotEqual' },
  LOG: { category: 'arithmetic', tflm: 'AddLog' },
  SUM: { category: 'pool', tflm: 'AddSum' },
  SQRT: { category: 'arithmetic', tflm: 'AddSqrt' },
  RSQRT: { category: 'arithmetic', tflm: 'AddRsqrt' },
  SHAPE: { category: 'shape', tflm: 'AddShape' },
  POW: { category: 'arithmetic' },
  ARG_MIN: { category: 'other', tflm: 'AddArgMin' },
  FAKE_QUANT: { category: 'quantize' },
  REDUCE_PROD: { category: 'pool' },
  REDUCE_MAX: { category: 'pool', tflm: 'AddReduceMax' },
  PACK: { category: 'shape', tflm: 'AddPack' },
  LOGICAL_OR: { category: 'other', tflm: 'AddLogicalOr' },
  LOGICAL_AND: { category: 'other', tflm: 'AddLogicalAnd' },
  LOGICAL_NOT: { category: 'other', tflm: 'AddLogicalNot' },
  UNPACK: { category: 'shape', tflm: 'AddUnpack' },
  REDUCE_MIN: { category: 'pool', tflm: 'AddReduceMin' },
  FLOOR_DIV: { category: 'arithmetic', tflm: 'AddFloorDiv' },
  SQUARE: { category: 'arithmetic', tflm: 'AddSquare' },
  ZEROS_LIKE: { category: 'shape', tflm: 'AddZerosLike' },
  FILL: { category: 'shape', tflm: 'AddFill' },
  FLOOR_MOD: { category: 'arithmetic', tflm: 'AddFloorMod' },
  RESIZE_NEAREST_NEIGHBOR: { category: 'shape', tflm: 'AddResizeNearestNeighbor' },
  LEAKY_RELU: { category: 'activation', tflm: 'AddLeakyRelu' },
  SQUARED_DIFFERENCE: { category: 'arithmetic', tflm: 'AddSquaredDifference' },
  MIRROR_PAD: { category: 'shape', tflm: 'AddMirrorPad' },
  ABS: { category: 'arithmetic', tflm: 'AddAbs' },
  SPLIT_V: { category: 'shape', tflm: 'AddSplitV' },
  CEIL: { category: 'arithmetic', tflm: 'AddCeil' },
  REVERSE_V2: { category: 'shape', tflm: 'AddReverseV2' },
  ADD_N: { category: 'arithmetic', tflm: 'AddAddN' },
  GATHER_ND: { category: 'shape', tflm: 'AddGatherNd' },
  COS: { category: 'arithmetic', tflm: 'AddCos' },
  ELU: { category: 'activation', tflm: 'AddElu' },
  QUANTIZE: { category: 'quantize', tflm: 'AddQuantize' },
  ROUND: { category: 'arithmetic', tflm: 'AddRound' },
  HARD_SWISH: { category: 'activation', tflm: 'AddHardSwish' },
  IF: { category: 'control', tflm: 'AddIf' },
  WHILE: { category: 'control', tflm: 'AddWhile' },
  SELECT_V2: { category: 'other', tflm: 'AddSelectV2' },
  BATCH_MATMUL: { category: 'conv', tflm: 'AddBatchMatMul', weighted: { input: 0, weights: 1 } },
  CUMSUM: { category: 'other', tflm: 'AddCumSum' },
  CALL_ONCE: { category: 'control', tflm: 'AddCallOnce' },
  BROADCAST_TO: { category: 'shape', tflm: 'AddBroadcastTo' },
  CONV_3D: { category: 'conv' },
  REDUCE_ALL: { category: 'other', tflm: 'AddReduceAll' },
  CONV_3D_TRANSPOSE: { category: 'conv' },
  VAR_HANDLE: { category: 'control', tflm: 'AddVarHandle' },
  READ_VARIABLE: { category: 'control', tflm: 'AddReadVariable' },
  ASSIGN_VARIABLE: { category: 'control', tflm: 'AddAssignVariable' },
  BROADCAST_ARGS: { category: 'other', tflm: 'AddBroadcastArgs' },
  GELU: { category: 'activation' },
  DYNAMIC_UPDATE_SLICE: { category: 'other', tflm: 'AddDynamicUpdateSlice' },
  RELU_0_TO_1: { category: 'activation' },
};

/** Custom operator code (as stored in the model) -> the resolver method of the kernel TFLite Micro ships for it. */
export const TFLM_CUSTOM_OPERATORS: Readonly<Record<string, string>> = {
  CIRCULAR_BUFFER: 'AddCircularBuffer',
  TFLM_DECODE: 'AddDecode',
  'TFLite_Detection_PostProcess': 'AddDetectionPostprocess',
  'ethos-u': 'AddEthosU',
  SignalDelay: 'AddDelay',
  SignalEnergy: 'AddEnergy',
  SignalFftAutoScale: 'AddFftAutoScale',
  SignalFilterBank: 'AddFilterBank',
  SignalFilterBankLog: 'AddFilterBankLog',
  SignalFilterBankSpectralSubtraction: 'AddFilterBankSpectralSubtraction',
  SignalFilterBankSquareRoot: 'AddFilterBankSquareRoot',
  SignalFramer: 'AddFramer',
  SignalIrfft: 'AddIrfft',
  SignalOverlapAdd: 'AddOverlapAdd',
  SignalPCAN: 'AddPCAN',
  SignalRfft: 'AddRfft',
  SignalStacker: 'AddStacker',
  SignalWindow: 'AddWindow',
};

const OTHER: OperatorInfo = { category: 'other' };

/** What the table says about a builtin, by enum value or schema name. */
export function operatorInfo(op: BuiltinOperator | string): OperatorInfo {
  const name = typeof op === 'string' ? op : builtinOperatorName(op);
  return (OPERATORS as Record<string, OperatorInfo | undefined>)[name] ?? OTHER;
}

/** The category of an opcode as the inspector names it (`CONV_2D`, `CUSTOM:ethos-u`). */
export function opCategory(opcode: string): OpCategory {
  return opcode.startsWith('CUSTOM:') ? 'custom' : operatorInfo(opcode).category;
}

/** Builtin schema name -> TFLite Micro resolver method, for every builtin TFLM has a kernel for (derived from the table). */
export const TFLM_BUILTIN_METHODS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(OPERATORS).flatMap(([name, info]) => (info?.tflm ? [[name, info.tflm]] : [])),
);
