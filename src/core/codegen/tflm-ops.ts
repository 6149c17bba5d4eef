/**
 * Which `tflite::MicroMutableOpResolver` method registers each operator, as listed in TFLite Micro's
 * tensorflow/lite/micro/micro_mutable_op_resolver.h (checked against the main branch, August 2026). A builtin that is
 * missing here has no TFLite Micro kernel; a custom op missing here needs the user's own kernel.
 */
import { BuiltinOperator, type Model, type OperatorCode } from '../tflite/model';
import { builtinOperatorName } from '../tflite/names';

/** Builtin operator (schema name) -> resolver method. */
export const TFLM_BUILTIN_METHODS: Readonly<Record<string, string>> = {
  ABS: 'AddAbs',
  ADD: 'AddAdd',
  ADD_N: 'AddAddN',
  ARG_MAX: 'AddArgMax',
  ARG_MIN: 'AddArgMin',
  ASSIGN_VARIABLE: 'AddAssignVariable',
  AVERAGE_POOL_2D: 'AddAveragePool2D',
  BATCH_MATMUL: 'AddBatchMatMul',
  BATCH_TO_SPACE_ND: 'AddBatchToSpaceNd',
  BROADCAST_ARGS: 'AddBroadcastArgs',
  BROADCAST_TO: 'AddBroadcastTo',
  CALL_ONCE: 'AddCallOnce',
  CAST: 'AddCast',
  CEIL: 'AddCeil',
  CONCATENATION: 'AddConcatenation',
  CONV_2D: 'AddConv2D',
  COS: 'AddCos',
  CUMSUM: 'AddCumSum',
  DEPTHWISE_CONV_2D: 'AddDepthwiseConv2D',
  DEPTH_TO_SPACE: 'AddDepthToSpace',
  DEQUANTIZE: 'AddDequantize',
  DIV: 'AddDiv',
  DYNAMIC_UPDATE_SLICE: 'AddDynamicUpdateSlice',
  ELU: 'AddElu',
  EMBEDDING_LOOKUP: 'AddEmbeddingLookup',
  EQUAL: 'AddEqual',
  EXP: 'AddExp',
  EXPAND_DIMS: 'AddExpandDims',
  FILL: 'AddFill',
  FLOOR: 'AddFloor',
  FLOOR_DIV: 'AddFloorDiv',
  FLOOR_MOD: 'AddFloorMod',
  FULLY_CONNECTED: 'AddFullyConnected',
  GATHER: 'AddGather',
  GATHER_ND: 'AddGatherNd',
  GREATER: 'AddGreater',
  GREATER_EQUAL: 'AddGreaterEqual',
  HARD_SWISH: 'AddHardSwish',
  IF: 'AddIf',
  L2_NORMALIZATION: 'AddL2Normalization',
  L2_POOL_2D: 'AddL2Pool2D',
  LEAKY_RELU: 'AddLeakyRelu',
  LESS: 'AddLess',
  LESS_EQUAL: 'AddLessEqual',
  LOG: 'AddLog',
  LOGICAL_AND: 'AddLogicalAnd',
  LOGICAL_NOT: 'AddLogicalNot',
  LOGICAL_OR: 'AddLogicalOr',
  LOGISTIC: 'AddLogistic',
  LOG_SOFTMAX: 'AddLogSoftmax',
  MAXIMUM: 'AddMaximum',
  MAX_POOL_2D: 'AddMaxPool2D',
  MEAN: 'AddMean',
  MINIMUM: 'AddMinimum',
  MIRROR_PAD: 'AddMirrorPad',
  MUL: 'AddMul',
  NEG: 'AddNeg',
  NOT_EQUAL: 'AddNotEqual',
  PACK: 'AddPack',
  PAD: 'AddPad',
  PADV2: 'AddPadV2',
  PRELU: 'AddPrelu',
  QUANTIZE: 'AddQuantize',
  READ_VARIABLE: 'AddReadVariable',
  REDUCE_ALL: 'AddReduceAll',
  REDUCE_MAX: 'AddReduceMax',
  REDUCE_MIN: 'AddReduceMin',
  RELU6: 'AddRelu6',
  RELU: 'AddRelu',
  RESHAPE: 'AddReshape',
  RESIZE_BILINEAR: 'AddResizeBilinear',
  RESIZE_NEAREST_NEIGHBOR: 'AddResizeNearestNeighbor',
  REVERSE_V2: 'AddReverseV2',
  ROUND: 'AddRound',
  RSQRT: 'AddRsqrt',
  SELECT_V2: 'AddSelectV2',
  SHAPE: 'AddShape',
  SIN: 'AddSin',
  SLICE: 'AddSlice',
  SOFTMAX: 'AddSoftmax',
  SPACE_TO_BATCH_ND: 'AddSpaceToBatchNd',
  SPACE_TO_DEPTH: 'AddSpaceToDepth',
  SPLIT: 'AddSplit',
  SPLIT_V: 'AddSplitV',
  SQRT: 'AddSqrt',
  SQUARE: 'AddSquare',
  SQUARED_DIFFERENCE: 'AddSquaredDifference',
  SQUEEZE: 'AddSqueeze',
  STRIDED_SLICE: 'AddStridedSlice',
  SUB: 'AddSub',
  SUM: 'AddSum',
  SVDF: 'AddSvdf',
  TANH: 'AddTanh',
  TRANSPOSE: 'AddTranspose',
  TRANSPOSE_CONV: 'AddTransposeConv',
  UNIDIRECTIONAL_SEQUENCE_LSTM: 'AddUnidirectionalSequenceLSTM',
  UNPACK: 'AddUnpack',
  VAR_HANDLE: 'AddVarHandle',
  WHILE: 'AddWhile',
  ZEROS_LIKE: 'AddZerosLike',
};

/** Custom operator code (as stored in the model) -> resolver method that TFLite Micro ships for it. */
export const TFLM_CUSTOM_METHODS: Readonly<Record<string, string>> = {
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

export type ResolverEntry =
  /** Registered by a resolver method, e.g. `AddConv2D`. */
  | { kind: 'method'; op: string; method: string }
  /** A custom op TFLite Micro does not ship: the user registers a kernel with AddCustom. */
  | { kind: 'custom'; op: string; customCode: string }
  /** A builtin with no TFLite Micro kernel. */
  | { kind: 'unsupported'; op: string };

export interface ResolverPlan {
  /** One entry per distinct operator, in order of first use. */
  entries: ResolverEntry[];
  /** The resolver capacity: every distinct operator takes one slot, including ones the user must add by hand. */
  size: number;
}

function entryFor(code: OperatorCode): ResolverEntry {
  if (code.builtinCode === BuiltinOperator.CUSTOM) {
    const customCode = code.customCode ?? '';
    const method = TFLM_CUSTOM_METHODS[customCode];
    return method ? { kind: 'method', op: customCode, method } : { kind: 'custom', op: customCode, customCode };
  }
  const op = builtinOperatorName(code.builtinCode);
  const method = TFLM_BUILTIN_METHODS[op];
  return method ? { kind: 'method', op, method } : { kind: 'unsupported', op };
}

/**
 * The distinct operators the model's operators use (all subgraphs, so WHILE/IF bodies count), each mapped to its
 * registration. Two opcodes of the same operator at different versions need one registration.
 */
export function planResolver(model: Model): ResolverPlan {
  const byKey = new Map<string, ResolverEntry>();
  for (const sg of model.subgraphs) {
    for (const op of sg.operators) {
      const code = model.operatorCodes[op.opcodeIndex];
      if (!code) continue;
      const key = code.builtinCode === BuiltinOperator.CUSTOM ? `custom:${code.customCode ?? ''}` : `builtin:${code.builtinCode}`;
      if (!byKey.has(key)) byKey.set(key, entryFor(code));
    }
  }
  const entries = [...byKey.values()];
  return { entries, size: entries.length };
}
