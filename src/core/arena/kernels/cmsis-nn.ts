/**
 * CMSIS-NN kernels (tensorflow/lite/micro/kernels/cmsis_nn/*.cc) where they allocate differently from the reference
 * kernels: bigger OpData structs, per-channel arrays only for int8/int16, CMSIS-NN scratch buffers, and LSTM
 * kernel sums. Built with KERNELS_OPTIMIZED_FOR_SPEED (TFLM's default), GCC.
 */
import { BuiltinOperator } from '../../tflite/model';
import { avgpool, convolveWrapperS16, convolveWrapperS8, depthwiseWrapperS8, fullyConnectedS8, svdfS8, transposeConvS8, type ConvGeometry, type Dims } from './cmsis-nn-buffers';
import { lstmStateBufferBytes, referenceRule, svdfScratch } from './reference';
import { dim, elements, isType, scaleCount, TensorType } from './tensor-helpers';
import { opDataBytes, type KernelQuery, type KernelRule } from './types';
import { leadingPadding } from '../../tflite/padding';

const B = BuiltinOperator;
const perChannel = (channels: number) => [4 * channels, 4 * channels];

function nhwc(t: Parameters<typeof dim>[0]): Dims {
  return { n: dim(t, 0), h: dim(t, 1), w: dim(t, 2), c: dim(t, 3) };
}

/** TFLM's ComputePaddingHeightWidth for one dimension; anything but VALID pads as SAME (the schema's default). */
const padding = (kind: unknown, stride: number, dilation: number, inSize: number, filterSize: number): number =>
  leadingPadding(kind !== 'VALID', stride, dilation, inSize, filterSize);

function geometry(q: KernelQuery, input: Dims, filterH: number, filterW: number): ConvGeometry {
  const num = (k: string, d = 1) => (typeof q.option(k) === 'number' ? (q.option(k) as number) : d);
  const strideW = num('stride_w');
  const strideH = num('stride_h');
  const dilationW = num('dilation_w_factor');
  const dilationH = num('dilation_h_factor');
  const pad = q.option('padding');
  return {
    strideW, strideH, dilationW, dilationH,
    padW: padding(pad, strideW, dilationW, input.w, filterW),
    padH: padding(pad, strideH, dilationH, input.h, filterH),
  };
}

const conv: KernelRule = (q) => {
  const input = q.input(0);
  const filter = q.input(1);
  const quantized = isType(input, TensorType.INT8, TensorType.INT16);
  const scratch: number[] = [];
  if (quantized) {
    const inDims = nhwc(input);
    const filterDims: Dims = { n: 1, h: dim(filter, 1), w: dim(filter, 2), c: dim(filter, 3) };
    const size = isType(input, TensorType.INT8)
      ? convolveWrapperS8(geometry(q, inDims, filterDims.h, filterDims.w), inDims, filterDims, nhwc(q.output(0)), q.isa)
      : convolveWrapperS16(inDims, filterDims, q.isa);
    if (size > 0) scratch.push(size);
  }
  return { init: [opDataBytes({ lp64: 80, ilp32: 60 }, q.target)], prepare: quantized ? perChannel(dim(filter, 0)) : [], scratch };
};

const depthwise: KernelRule = (q) => {
  const input = q.input(0);
  const filter = q.input(1);
  const output = q.output(0);
  const quantized = isType(input, TensorType.INT8, TensorType.INT16);
  const scratch: number[] = [];
  if (isType(input, TensorType.INT8)) {
    const inDims = nhwc(input);
    const outDims = nhwc(output);
    const filterDims: Dims = { n: 1, h: dim(filter, 1), w: dim(filter, 2), c: outDims.c };
    // The int4 variant has the same sizes as int8 on the measured paths.
    const size = depthwiseWrapperS8(geometry(q, inDims, filterDims.h, filterDims.w), inDims, filterDims, outDims, q.isa);
    if (size > 0) scratch.push(size);
  }
  return { init: [opDataBytes({ lp64: 80, ilp32: 60 }, q.target)], prepare: quantized ? perChannel(dim(filter, 3)) : [], scratch };
};

const fullyConnected: KernelRule = (q) => {
  const input = q.input(0);
  const filter = q.input(1);
  const output = q.output(0);
  const channels = scaleCount(filter);
  const perChannelQuant = !isType(input, TensorType.FLOAT32) && channels > 1;
  const prepare = perChannelQuant ? perChannel(channels) : [];
  const scratch: number[] = [];
  if (isType(filter, TensorType.INT4)) scratch.push(elements(filter));
  if (isType(input, TensorType.INT8) && !isType(filter, TensorType.INT4)) {
    const accumDepth = dim(filter, -1);
    const outputDepth = dim(output, -1);
    if ((output?.shape.length ?? 0) > 2 && accumDepth % 4 === 0) {
      if (!perChannelQuant) scratch.push(outputDepth * 8);
      // arm_convolve_1x1_s8_fast_get_buffer_size: 0 with GCC on every path.
    } else {
      const size = fullyConnectedS8(outputDepth, q.isa);
      // KERNELS_OPTIMIZED_FOR_SPEED with constant weights: kernel sums become a persistent buffer.
      if (size > 0) prepare.push(size);
    }
  }
  return { init: [opDataBytes({ lp64: 96, ilp32: 72 }, q.target)], prepare, scratch };
};

const averagePool: KernelRule = (q) => {
  const input = q.input(0);
  const scratch: number[] = [];
  if (isType(input, TensorType.INT8, TensorType.INT16)) {
    const size = avgpool(dim(q.output(0), 3), q.isa);
    if (size > 0) scratch.push(size);
  }
  return { init: [36], prepare: [], scratch };
};

const softmax: KernelRule = (q) => ({
  init: [opDataBytes({ lp64: 88, ilp32: 64 }, q.target)],
  prepare: isType(q.input(0), TensorType.INT16) ? [2 * 513, 2 * 513] : [],
  scratch: [],
});

const svdf: KernelRule = (q) => {
  const { filters, scratch } = svdfScratch(q);
  const init = [opDataBytes({ lp64: 48, ilp32: 44 }, q.target)];
  if (!isType(q.input(0), TensorType.INT8)) return { init, prepare: [], scratch };
  const sums = svdfS8(filters, q.isa);
  return { init, prepare: sums > 0 ? [sums] : [], scratch };
};

const transposeConv: KernelRule = (q) => {
  const input = q.input(2);
  const filter = q.input(1);
  const bias = q.input(3);
  const output = q.output(0);
  const scratch: number[] = [];
  if (isType(input, TensorType.INT8)) {
    const num = (k: string) => (typeof q.option(k) === 'number' ? (q.option(k) as number) : 1);
    const outDims = nhwc(output);
    const inDims = nhwc(input);
    const filterDims: Dims = { n: outDims.c, h: dim(filter, 1), w: dim(filter, 2), c: inDims.c };
    scratch.push(...transposeConvS8(num('stride_w'), num('stride_h'), inDims, filterDims, outDims, q.isa));
  }
  if (isType(input, TensorType.INT16)) {
    scratch.push(elements(output) * 8);
    if (isType(bias, TensorType.INT16)) scratch.push(elements(bias) * 8);
  }
  return { init: [opDataBytes({ lp64: 88, ilp32: 76 }, q.target)], prepare: perChannel(dim(filter, 0)), scratch };
};

const lstm: KernelRule = (q) => {
  const input = q.input(0);
  const cell = q.input(19);
  const hidden = dim(q.input(18), 1);
  const bytes = lstmStateBufferBytes(q);
  // OpDataLSTM (688) + cmsis_nn_lstm_params (220 on ILP32, 320 on LP64); 912 on 32-bit ARM is what the measured
  // arenas require (908 rounded up to 8).
  const init = [opDataBytes({ lp64: 1008, ilp32: 912 }, q.target)];
  if (isType(cell, TensorType.INT16) && isType(input, TensorType.INT8, TensorType.INT16)) {
    // Eight kernel-sum arrays (input and hidden, per gate) of int32 (int8 input) or int64 (int16 input).
    const sum = hidden * (isType(input, TensorType.INT8) ? 4 : 8);
    return { init, prepare: new Array<number>(8).fill(sum), scratch: [bytes, bytes, bytes] };
  }
  return { init, prepare: [], scratch: [bytes, bytes, bytes, bytes] };
};

const RULES: ReadonlyMap<BuiltinOperator, KernelRule> = new Map<BuiltinOperator, KernelRule>([
  [B.CONV_2D, conv],
  [B.DEPTHWISE_CONV_2D, depthwise],
  [B.FULLY_CONNECTED, fullyConnected],
  [B.AVERAGE_POOL_2D, averagePool],
  [B.MAX_POOL_2D, () => ({ init: [36], prepare: [], scratch: [] })],
  [B.SOFTMAX, softmax],
  [B.SVDF, svdf],
  [B.TRANSPOSE_CONV, transposeConv],
  [B.UNIDIRECTIONAL_SEQUENCE_LSTM, lstm],
]);

export function cmsisNnRule(code: BuiltinOperator): KernelRule | undefined {
  return RULES.get(code) ?? referenceRule(code);
}
