/**
 * The operators TFLite Micro has kernels for, as registered by `MicroMutableOpResolver` (micro_mutable_op_resolver.h,
 * TFLM commit 90b983c2): every `AddBuiltin(BuiltinOperator_X, ...)` and every `AddCustom("name", ...)`.
 * Written down from reading that header; update it when moving to a newer TFLM.
 */
export const TFLM_BUILTIN_OPS: ReadonlySet<string> = new Set([
  'ABS', 'ADD', 'ADD_N', 'ARG_MAX', 'ARG_MIN', 'ASSIGN_VARIABLE', 'AVERAGE_POOL_2D', 'BATCH_MATMUL', 'BATCH_TO_SPACE_ND',
  'BROADCAST_ARGS', 'BROADCAST_TO', 'CALL_ONCE', 'CAST', 'CEIL', 'CONCATENATION', 'CONV_2D', 'COS', 'CUMSUM',
  'DEPTHWISE_CONV_2D', 'DEPTH_TO_SPACE', 'DEQUANTIZE', 'DIV', 'DYNAMIC_UPDATE_SLICE', 'ELU', 'EMBEDDING_LOOKUP', 'EQUAL',
  'EXP', 'EXPAND_DIMS', 'FILL', 'FLOOR', 'FLOOR_DIV', 'FLOOR_MOD', 'FULLY_CONNECTED', 'GATHER', 'GATHER_ND', 'GREATER',
  'GREATER_EQUAL', 'HARD_SWISH', 'IF', 'L2_NORMALIZATION', 'L2_POOL_2D', 'LEAKY_RELU', 'LESS', 'LESS_EQUAL', 'LOG',
  'LOGICAL_AND', 'LOGICAL_NOT', 'LOGICAL_OR', 'LOGISTIC', 'LOG_SOFTMAX', 'MAXIMUM', 'MAX_POOL_2D', 'MEAN', 'MINIMUM',
  'MIRROR_PAD', 'MUL', 'NEG', 'NOT_EQUAL', 'PACK', 'PAD', 'PADV2', 'PRELU', 'QUANTIZE', 'READ_VARIABLE', 'REDUCE_ALL',
  'REDUCE_MAX', 'REDUCE_MIN', 'RELU', 'RELU6', 'RESHAPE', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'REVERSE_V2',
  'ROUND', 'RSQRT', 'SELECT_V2', 'SHAPE', 'SIN', 'SLICE', 'SOFTMAX', 'SPACE_TO_BATCH_ND', 'SPACE_TO_DEPTH', 'SPLIT',
  'SPLIT_V', 'SQRT', 'SQUARE', 'SQUARED_DIFFERENCE', 'SQUEEZE', 'STRIDED_SLICE', 'SUB', 'SUM', 'SVDF', 'TANH', 'TRANSPOSE',
  'TRANSPOSE_CONV', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'UNPACK', 'VAR_HANDLE', 'WHILE', 'ZEROS_LIKE',
]);

/** Custom operators TFLM ships, with the MicroMutableOpResolver call that registers each. */
export const TFLM_CUSTOM_OPS: ReadonlyMap<string, string> = new Map([
  ['ethos-u', 'AddEthosU()'],
  ['CIRCULAR_BUFFER', 'AddCircularBuffer()'],
  ['TFLM_DECODE', 'AddDecode()'],
  ['TFLite_Detection_PostProcess', 'AddDetectionPostprocess()'],
  ['SignalDelay', 'AddDelay()'],
  ['SignalEnergy', 'AddEnergy()'],
  ['SignalFftAutoScale', 'AddFftAutoScale()'],
  ['SignalFilterBank', 'AddFilterBank()'],
  ['SignalFilterBankLog', 'AddFilterBankLog()'],
  ['SignalFilterBankSquareRoot', 'AddFilterBankSquareRoot()'],
  ['SignalFilterBankSpectralSubtraction', 'AddFilterBankSpectralSubtraction()'],
  ['SignalFramer', 'AddFramer()'],
  ['SignalIrfft', 'AddIrfft()'],
  ['SignalOverlapAdd', 'AddOverlapAdd()'],
  ['SignalPCAN', 'AddPCAN()'],
  ['SignalRfft', 'AddRfft()'],
  ['SignalStacker', 'AddStacker()'],
  ['SignalWindow', 'AddWindow()'],
]);
