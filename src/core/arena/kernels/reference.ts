/**
 * TFLite Micro's reference kernels (tensorflow/lite/micro/kernels/*.cc): what each Init and Prepare allocate.
 * OpData sizes are `sizeof` the kernel's OpData struct; where a struct holds pointers they differ between LP64 and ILP32.
 */
import { BuiltinOperator } from '../../tflite/model';
import { dim, elements, isType, scaleCount, TensorType } from './tensor-helpers';
import { opDataBytes, type KernelQuery, type KernelRule, type OpDataSize } from './types';

const B = BuiltinOperator;

/** sizeof(OpData) allocated by Init, for kernels whose Init does exactly that. */
const INIT_OPDATA: ReadonlyMap<BuiltinOperator, OpDataSize | number> = new Map<BuiltinOperator, OpDataSize | number>([
  [B.ADD, 60], [B.SUB, 52], [B.MUL, 36], [B.DIV, 28],
  [B.AVERAGE_POOL_2D, 32], [B.MAX_POOL_2D, 32],
  [B.CONCATENATION, { lp64: 40, ilp32: 24 }],
  [B.CONV_2D, { lp64: 72, ilp32: 56 }], [B.DEPTHWISE_CONV_2D, { lp64: 72, ilp32: 56 }],
  [B.FULLY_CONNECTED, { lp64: 64, ilp32: 48 }],
  [B.TRANSPOSE_CONV, { lp64: 80, ilp32: 72 }],
  [B.SOFTMAX, { lp64: 80, ilp32: 56 }],
  [B.LEAKY_RELU, 24], [B.LOGISTIC, 16], [B.TANH, 16], [B.RELU, 28], [B.RELU6, 8], [B.HARD_SWISH, 20], [B.PRELU, 28],
  [B.DEQUANTIZE, 32], [B.QUANTIZE, 32],
  [B.MEAN, 44], [B.SUM, 44], [B.REDUCE_MAX, 44], [B.REDUCE_MIN, 44],
  [B.PAD, 56], [B.PADV2, 56],
  [B.STRIDED_SLICE, 84],
  [B.SVDF, 36],
  [B.UNIDIRECTIONAL_SEQUENCE_LSTM, 688],
]);

/** Kernels registered without Init whose Prepare allocates nothing in the arena (RegisterOp(nullptr, ...)). */
const NO_ALLOCATION: ReadonlySet<BuiltinOperator> = new Set<BuiltinOperator>([
  B.CAST, B.MAXIMUM, B.MINIMUM, B.TRANSPOSE, B.SQUEEZE, B.EXPAND_DIMS, B.SHAPE, B.GATHER, B.GATHER_ND,
  B.SPLIT, B.SPLIT_V, B.PACK, B.UNPACK, B.SLICE, B.ARG_MAX, B.ARG_MIN, B.FLOOR, B.CEIL, B.ROUND, B.ZEROS_LIKE, B.FILL,
  B.DEPTH_TO_SPACE, B.SPACE_TO_DEPTH, B.BATCH_TO_SPACE_ND, B.RESIZE_BILINEAR, B.RESIZE_NEAREST_NEIGHBOR, B.REVERSE_V2,
  B.BROADCAST_TO, B.BROADCAST_ARGS, B.LOGICAL_AND, B.LOGICAL_OR, B.LOGICAL_NOT, B.EXP, B.NEG, B.SIN, B.COS, B.LOG,
  B.SQRT, B.SQUARE, B.L2_POOL_2D,
]);

const none = () => ({ init: [], prepare: [], scratch: [] });

/** Per-channel multiplier and shift arrays: two int32 arrays of `channels` entries. */
const perChannel = (channels: number) => [4 * channels, 4 * channels];

/** Prepare-time rules; Init is the OpData above unless the rule says otherwise. */
const PREPARE: ReadonlyMap<BuiltinOperator, (q: KernelQuery) => { prepare: number[]; scratch: number[] }> = new Map([
  [B.CONV_2D, (q: KernelQuery) => {
    const filter = q.input(1);
    return { prepare: perChannel(dim(filter, 0)), scratch: isType(filter, TensorType.INT4) ? [elements(filter)] : [] };
  }],
  [B.DEPTHWISE_CONV_2D, (q: KernelQuery) => {
    const filter = q.input(1);
    return { prepare: perChannel(dim(filter, 3)), scratch: isType(filter, TensorType.INT4) ? [elements(filter)] : [] };
  }],
  [B.FULLY_CONNECTED, (q: KernelQuery) => {
    const input = q.input(0);
    const filter = q.input(1);
    const scratch = isType(filter, TensorType.INT4) ? [elements(filter)] : [];
    const channels = scaleCount(filter);
    const prepare = !isType(input, TensorType.FLOAT32) && channels > 1 ? perChannel(channels) : [];
    return { prepare, scratch };
  }],
  [B.TRANSPOSE_CONV, (q: KernelQuery) => {
    const input = q.input(2);
    const filter = q.input(1);
    const bias = q.input(3);
    const output = q.output(0);
    const scratch: number[] = [];
    if (isType(input, TensorType.INT8)) scratch.push(elements(output) * 4);
    if (isType(input, TensorType.INT16)) {
      scratch.push(elements(output) * 8);
      if (isType(bias, TensorType.INT16)) scratch.push(elements(bias) * 8);
    }
    return { prepare: perChannel(dim(filter, 0)), scratch };
  }],
  [B.SOFTMAX, (q: KernelQuery) => ({
    // Two int16 LUTs of LUTSize<int16_t>() = 513 entries, for int16 input only.
    prepare: isType(q.input(0), TensorType.INT16) ? [2 * 513, 2 * 513] : [],
    scratch: [],
  })],
  [B.MEAN, (q: KernelQuery) => reduceMeanOrSum(q)],
  [B.SUM, (q: KernelQuery) => reduceMeanOrSum(q)],
  [B.REDUCE_MAX, (q: KernelQuery) => ({ prepare: [], scratch: [4 * q.input(0)!.shape.length, 4 * elements(q.input(1))] })],
  [B.REDUCE_MIN, (q: KernelQuery) => ({ prepare: [], scratch: [4 * q.input(0)!.shape.length, 4 * elements(q.input(1))] })],
  [B.SVDF, (q: KernelQuery) => ({ prepare: [], scratch: svdfScratch(q).scratch })],
  [B.UNIDIRECTIONAL_SEQUENCE_LSTM, (q: KernelQuery) => {
    const bytes = lstmStateBufferBytes(q);
    return { prepare: [], scratch: [bytes, bytes, bytes, bytes] };
  }],
  [B.RESHAPE, (q: KernelQuery) => {
    // A -1 left in the output shape makes Prepare copy the dims into a writable TfLiteIntArray.
    const out = q.output(0);
    return { prepare: out && out.shape.includes(-1) ? [4 + 4 * out.shape.length] : [], scratch: [] };
  }],
]);

function reduceMeanOrSum(q: KernelQuery): { prepare: number[]; scratch: number[] } {
  const input = q.input(0);
  const scratch: number[] = [];
  if (isType(input, TensorType.INT8, TensorType.INT16)) scratch.push(4 * elements(q.output(0)));
  scratch.push(4 * (input?.shape.length ?? 0), 4 * elements(q.input(1)));
  return { prepare: [], scratch };
}

/** batch × state_dimension × sizeof(cell state), the size of each of the LSTM's four scratch buffers. */
/** SVDF's scratch buffers, the same for reference and CMSIS-NN kernels: the feature activations, plus for int8 the outputs per unit. */
export function svdfScratch(q: KernelQuery): { filters: number; scratch: number[] } {
  const input = q.input(0);
  const rank = Number(q.option('rank') ?? 1) || 1;
  const batch = dim(input, 0);
  const filters = dim(q.input(1), 0);
  const units = Math.trunc(filters / rank);
  return { filters, scratch: isType(input, TensorType.INT8) ? [batch * filters * 4, batch * units * 4] : [batch * filters * 4] };
}

export function lstmStateBufferBytes(q: KernelQuery): number {
  const input = q.input(0);
  const hidden = q.input(18);
  const cell = q.input(19);
  const timeMajor = q.option('time_major') === true;
  const batch = timeMajor ? dim(input, 1) : dim(input, 0);
  const state = dim(hidden, 1);
  const cellBytes = isType(cell, TensorType.FLOAT32) ? 4 : 2;
  return batch * state * cellBytes;
}

export function referenceRule(code: BuiltinOperator): KernelRule | undefined {
  if (NO_ALLOCATION.has(code)) return none;
  const opData = INIT_OPDATA.get(code);
  const prepare = PREPARE.get(code);
  if (opData === undefined && !prepare) return undefined;
  return (q) => {
    const p = prepare ? prepare(q) : { prepare: [], scratch: [] };
    return { init: opData === undefined ? [] : [opDataBytes(opData, q.target)], prepare: p.prepare, scratch: p.scratch };
  };
}
