/**
 * What TFLite Micro's flatbuffer parser (`Parse*` in flatbuffer_conversions.cc) allocates in the tail for each builtin
 * operator: one `TfLite*Params` struct, `sizeof(params)` aligned to `alignof(params)`. Operators absent from the table
 * allocate nothing at parse time (PAD, QUANTIZE, LOGISTIC, TRANSPOSE, ...). Member lists follow builtin_op_data.h so
 * that the sizes come out right under each ABI (enums shrink with -fshort-enums).
 */
import { BuiltinOperator } from '../tflite/model';
import { struct, type StructDef } from './struct-layout';

// TfLiteType, TfLitePadding, TfLiteFusedActivation, ... are all C enums.
const Conv = struct('enum', 'i32', 'i32', 'enum', 'i32', 'i32', 'enum');
const DepthwiseConv = struct('enum', 'i32', 'i32', 'i32', 'enum', 'i32', 'i32');
const Pool = struct('enum', 'i32', 'i32', 'i32', 'i32', 'enum', ['i32', 4]);
const FullyConnected = struct('enum', 'enum', 'bool', 'bool', 'enum');
const ActivationOnly = struct('enum');
const ActivationPot = struct('enum', 'bool');
const Svdf = struct('i32', 'enum', 'bool');
const Concatenation = struct('i32', 'enum');
const Reshape = struct(['i32', 8], 'i32');
const Squeeze = struct(['i32', 8], 'i32');
const StridedSlice = struct('i32', 'i32', 'i32', 'i32', 'i32', 'bool');
const TransposeConv = struct('enum', 'i32', 'i32', 'enum', 'enum');
const UnidirectionalSequenceLstm = struct('enum', 'f32', 'f32', 'bool', 'bool', 'bool');
const Cast = struct('enum', 'enum');
const OneEnum = struct('enum');
const OneFloat = struct('f32');
const OneInt = struct('i32');
const TwoInts = struct('i32', 'i32');
const TwoBools = struct('bool', 'bool');
const ThreeBools = struct('bool', 'bool', 'bool');
const Reducer = struct('bool');
const VarHandle = struct('ptr', 'ptr');

const B = BuiltinOperator;

export const BUILTIN_PARAMS: ReadonlyMap<BuiltinOperator, StructDef> = new Map<BuiltinOperator, StructDef>([
  [B.ADD, ActivationPot],
  [B.SUB, ActivationPot],
  [B.MUL, ActivationOnly],
  [B.DIV, ActivationOnly],
  [B.L2_NORMALIZATION, ActivationOnly],
  [B.ARG_MAX, OneEnum],
  [B.ARG_MIN, OneEnum],
  [B.SHAPE, OneEnum],
  [B.MIRROR_PAD, OneEnum],
  [B.AVERAGE_POOL_2D, Pool],
  [B.MAX_POOL_2D, Pool],
  [B.L2_POOL_2D, Pool],
  [B.BATCH_MATMUL, ThreeBools],
  [B.CALL_ONCE, OneInt],
  [B.CAST, Cast],
  [B.CONCATENATION, Concatenation],
  [B.CONV_2D, Conv],
  [B.CUMSUM, TwoBools],
  [B.DEPTH_TO_SPACE, OneInt],
  [B.SPACE_TO_DEPTH, OneInt],
  [B.DEPTHWISE_CONV_2D, DepthwiseConv],
  [B.FULLY_CONNECTED, FullyConnected],
  [B.GATHER, TwoInts],
  [B.IF, TwoInts],
  [B.WHILE, TwoInts],
  [B.PACK, TwoInts],
  [B.UNPACK, TwoInts],
  [B.LEAKY_RELU, OneFloat],
  [B.SOFTMAX, OneFloat],
  [B.MEAN, Reducer],
  [B.SUM, Reducer],
  [B.REDUCE_MAX, Reducer],
  [B.REDUCE_MIN, Reducer],
  [B.REDUCE_ALL, Reducer],
  [B.RESHAPE, Reshape],
  [B.SQUEEZE, Squeeze],
  [B.RESIZE_BILINEAR, TwoBools],
  [B.RESIZE_NEAREST_NEIGHBOR, TwoBools],
  [B.SPLIT, OneInt],
  [B.SPLIT_V, OneInt],
  [B.STRIDED_SLICE, StridedSlice],
  [B.SVDF, Svdf],
  [B.TRANSPOSE_CONV, TransposeConv],
  [B.UNIDIRECTIONAL_SEQUENCE_LSTM, UnidirectionalSequenceLstm],
  [B.VAR_HANDLE, VarHandle],
]);
