/**
 * Float models, built here, that exercise the kernels of the TFLite Micro reference evaluator
 * (src/core/quantize/tflm-kernels/): one family of operators each, in the arrangements of the models our users bring
 * (MediaPipe pose/hand landmark: PAD, RESIZE_BILINEAR, LOGISTIC, MEAN). The quantizer decides the integer form. Used
 * by the unit tests (against LiteRT and the C++ definitions) and by bench/tflm-divergence.bench.ts (against a real
 * TFLite Micro build).
 */
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { BuiltinOperator, ModelBuilder, TensorType, type Model } from '../../src/core/tflite/index';

export interface KernelCase {
  name: string; model: Model; shape: number[]; range: [number, number]; modes: ('int8' | 'int16x8')[]; targetSqnrDb?: number;
  /** Quantized from its hybrid form (`--mode dynamic`, every weight int8) rather than from the float model. */
  hybridSource?: boolean;
}

/** Float models that exercise the kernels the evaluator covers (the quantizer decides the integer form). */
export function kernelModels(): KernelCase[] {
  const cases: KernelCase[] = [];
  {
    // pose_landmark-like: PAD, RESIZE_BILINEAR, LOGISTIC, MAX_POOL, conv/depthwise, ADD
    const b = new ModelBuilder({ seed: 21 });
    const x = b.input('image', [1, 12, 12, 3]);
    const p = b.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const c = b.conv2d(p, 8, [3, 3], { activation: 'RELU6', stride: [2, 2], padding: 'VALID' });
    const d = b.depthwiseConv2d(c, [3, 3], { activation: 'RELU' });
    const s = b.add(c, d);
    const up = b.op(BuiltinOperator.RESIZE_BILINEAR, [s, b.int32Constant([10, 10])], [[1, 10, 10, 8]], { type: 'ResizeBilinearOptions', table: { align_corners: false, half_pixel_centers: true } })[0]!;
    const up2 = b.op(BuiltinOperator.RESIZE_BILINEAR, [s, b.int32Constant([9, 9])], [[1, 9, 9, 8]], { type: 'ResizeBilinearOptions', table: { align_corners: true, half_pixel_centers: false } })[0]!;
    const nn = b.op(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, [s, b.int32Constant([11, 11])], [[1, 11, 11, 8]], { type: 'ResizeNearestNeighborOptions', table: { align_corners: false, half_pixel_centers: true } })[0]!;
    const m = b.maxPool2d(up, [2, 2], { stride: [2, 2] });
    b.output(b.logistic(b.conv2d(m, 4, [1, 1])), b.conv2d(up2, 2, [1, 1]), nn);
    const model = b.build();
    cases.push({ name: 'pad-resize-logistic', model, shape: [1, 12, 12, 3], range: [0, 1], modes: ['int8'] });
    // a target the int8 model misses: layers kept in float (RESIZE_BILINEAR, LOGISTIC, ... in float32)
    cases.push({ name: 'pad-resize-logistic, --target-sqnr 40', model, shape: [1, 12, 12, 3], range: [0, 1], modes: ['int8'], targetSqnrDb: 40 });
  }
  {
    // hand_landmark-like: MEAN, FULLY_CONNECTED, LOGISTIC, TANH
    const b = new ModelBuilder({ seed: 22 });
    const x = b.input('image', [1, 8, 8, 3]);
    const c = b.conv2d(x, 16, [3, 3], { activation: 'RELU6' });
    const g = b.mean(c, [1, 2], false);
    const k = b.mean(c, [2], true);
    const f = b.fullyConnected(g, 6);
    b.output(b.logistic(f), b.tanh(b.fullyConnected(g, 5)), b.conv2d(k, 3, [1, 1]));
    cases.push({ name: 'mean-fc-logistic-tanh', model: b.build(), shape: [1, 8, 8, 3], range: [-1, 1], modes: ['int8', 'int16x8'] });
  }
  {
    // LOGISTIC and TANH in int16 over their whole table: inputs to ±12, past the saturation of both (±10.7, ±5.3)
    const b = new ModelBuilder({ seed: 27 });
    // (straight on the input: behind a convolution, its one-step double-rounding differences would be amplified up to
    // 16× by the int8 sigmoid's slope at these scales, hiding the kernels' own agreement with LiteRT)
    const x = b.input('x', [1, 16, 16, 4]);
    b.output(b.logistic(x), b.tanh(x));
    cases.push({ name: 'logistic-tanh-wide', model: b.build(), shape: [1, 16, 16, 4], range: [-12, 12], modes: ['int16x8', 'int8'] });
  }
  {
    // element-wise: MUL, SUB, MAXIMUM, MINIMUM, CONCATENATION, PRELU, HARD_SWISH, broadcasting ADD
    const b = new ModelBuilder({ seed: 23 });
    const x = b.input('image', [1, 6, 6, 4]);
    const a1 = b.conv2d(x, 8, [3, 3]);
    const a2 = b.conv2d(x, 8, [1, 1]);
    const mx = b.op(BuiltinOperator.MAXIMUM, [a1, a2], [[1, 6, 6, 8]])[0]!;
    const mn = b.op(BuiltinOperator.MINIMUM, [a1, a2], [[1, 6, 6, 8]])[0]!;
    const hs = b.op(BuiltinOperator.HARD_SWISH, [a1], [[1, 6, 6, 8]])[0]!;
    const alpha = b.constant([1, 1, 8], {}, 0.4);
    const pr = b.op(BuiltinOperator.PRELU, [a2, alpha], [[1, 6, 6, 8]])[0]!;
    const bias = b.constant([8]);
    b.output(b.mul(a1, a2), b.sub(a1, a2, 'RELU'), b.concatenate([mx, mn], 3), hs, pr, b.add(a1, bias), b.mul(a1, bias));
    cases.push({ name: 'elementwise', model: b.build(), shape: [1, 6, 6, 4], range: [-1, 1], modes: ['int8'] });
  }
  {
    // element-wise in 16x8: MUL, SUB, ADD (broadcast), MAXIMUM, MINIMUM, CONCATENATION
    const b = new ModelBuilder({ seed: 26 });
    const x = b.input('image', [1, 5, 5, 3]);
    const a1 = b.conv2d(x, 6, [3, 3]);
    const a2 = b.conv2d(x, 6, [1, 1]);
    const bias = b.constant([6]);
    const mx = b.op(BuiltinOperator.MAXIMUM, [a1, a2], [[1, 5, 5, 6]])[0]!;
    const mn = b.op(BuiltinOperator.MINIMUM, [a1, a2], [[1, 5, 5, 6]])[0]!;
    b.output(b.mul(a1, a2), b.sub(a1, a2), b.add(a1, bias), b.mul(a1, bias), b.concatenate([mx, mn], 3));
    cases.push({ name: 'elementwise-16', model: b.build(), shape: [1, 5, 5, 3], range: [-1, 1], modes: ['int16x8'] });
  }
  {
    // standalone RELU, RELU6, LEAKY_RELU (after a RESHAPE, so nothing fuses them)
    const b = new ModelBuilder({ seed: 25 });
    const x = b.input('x', [1, 4, 4, 3]);
    const r = b.reshape(b.conv2d(x, 6, [3, 3]), [1, 96]);
    b.output(b.relu(r), b.relu6(r), b.leakyRelu(r, 0.15));
    cases.push({ name: 'relu-relu6-leaky', model: b.build(), shape: [1, 4, 4, 3], range: [-3, 3], modes: ['int8', 'int16x8'] });
  }
  {
    // 16x8: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, pooling, PAD, CONCATENATION, MEAN in int16
    const b = new ModelBuilder({ seed: 24 });
    const x = b.input('image', [1, 8, 8, 3]);
    const c = b.conv2d(b.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), 8, [3, 3], { activation: 'RELU', padding: 'VALID' });
    const d = b.depthwiseConv2d(c, [3, 3], { activation: 'RELU6' });
    const s = b.add(c, b.conv2d(d, 8, [1, 1]));
    const p = b.averagePool2d(b.maxPool2d(s, [2, 2], { stride: [2, 2] }), [2, 2]);
    const cat = b.concatenate([p, b.averagePool2d(b.maxPool2d(d, [2, 2], { stride: [2, 2] }), [2, 2])], 3);
    b.output(b.fullyConnected(b.reshape(cat, [1, -1]), 5), b.mean(s, [1, 2], false));
    const model = b.build();
    cases.push({ name: 'conv-dw-fc-add', model, shape: [1, 8, 8, 3], range: [-1, 1], modes: ['int8', 'int16x8'] });
    // mixed precision: a target the int8 model misses keeps layers in int16x8, with QUANTIZE int8↔int16 between
    // (42 dB on this model), and at 44 dB layers kept in float between DEQUANTIZE and QUANTIZE
    for (const target of [42, 44]) cases.push({ name: `conv-dw-fc-add, --target-sqnr ${target}`, model, shape: [1, 8, 8, 3], range: [-1, 1], modes: ['int8'], targetSqnrDb: target });
  }
  for (const withArg of [true, false]) {
    // decoder-like: TRANSPOSE_CONV (SAME with a bias and RELU, VALID without a bias), STRIDED_SLICE (negative
    // indices, strides, masks, a shrunk axis), TRANSPOSE; int8 also ARG_MAX / ARG_MIN (int32 indices; TFLite Micro
    // has no int16 form of them)
    const b = new ModelBuilder({ seed: 27 });
    const x = b.input('image', [1, 5, 5, 3]);
    const c = b.conv2d(x, 6, [3, 3], { activation: 'RELU' });
    const deconv = (y: typeof c, filters: number, k: number, pad: 'SAME' | 'VALID', bias: boolean, act: string, outHw: number) => b.op(
      BuiltinOperator.TRANSPOSE_CONV,
      [b.int32Constant([1, outHw, outHw, filters]), b.constant([filters, k, k, y.shape[3]!], {}, 0.4), y, bias ? b.constant([filters], {}, 0.3) : null],
      [[1, outHw, outHw, filters]],
      { type: 'TransposeConvOptions', table: { padding: pad, stride_w: 2, stride_h: 2, fused_activation_function: act } },
    )[0]!;
    const up = deconv(c, 4, 5, 'SAME', true, 'RELU', 10); // padding 1: (5 − 1) · 2 + 5 − 10 = 3, halved
    const upValid = deconv(c, 3, 2, 'VALID', false, 'NONE', 10); // (5 − 1) · 2 + 2
    const slice = (y: typeof c, begin: number[], end: number[], strides: number[], shape: number[], masks: Record<string, number>) => b.op(
      BuiltinOperator.STRIDED_SLICE, [y, b.int32Constant(begin), b.int32Constant(end), b.int32Constant(strides)], [shape],
      { type: 'StridedSliceOptions', table: { begin_mask: 0, end_mask: 0, ellipsis_mask: 0, new_axis_mask: 0, shrink_axis_mask: 0, offset: false, ...masks } },
    )[0]!;
    const s1 = slice(up, [0, 1, -9, 0], [1, -1, 10, 3], [1, 2, 3, 1], [1, 4, 3, 3], {}); // rows 1,3,5,7; columns 1,4,7
    const s2 = slice(upValid, [0, 9, 0, 1], [1, 0, 0, 0], [1, -3, 1, 1], [1, 3, 10], { end_mask: 0b0100, shrink_axis_mask: 0b1000 }); // rows 9,6,3; channel 1
    const t = b.op(BuiltinOperator.TRANSPOSE, [s1, b.int32Constant([0, 3, 1, 2])], [[1, 3, 4, 3]])[0]!;
    if (!withArg) {
      b.output(t, s2);
      cases.push({ name: 'deconv-slice-transpose', model: b.build(), shape: [1, 5, 5, 3], range: [-1, 1], modes: ['int16x8'] });
      continue;
    }
    const amax = b.op(BuiltinOperator.ARG_MAX, [up, b.int32Constant([3])], [[1, 10, 10]], { type: 'ArgMaxOptions', table: { output_type: TensorType.INT32 } })[0]!;
    const amin = b.op(BuiltinOperator.ARG_MIN, [upValid, b.int32Constant([-3])], [[1, 10, 3]], { type: 'ArgMinOptions', table: { output_type: TensorType.INT32 } })[0]!;
    b.output(t, s2, amax, amin);
    const model = b.build();
    for (const r of [amax, amin]) model.subgraphs[0]!.tensors[r.index]!.type = TensorType.INT32;
    cases.push({ name: 'deconv-slice-transpose-argmax', model, shape: [1, 5, 5, 3], range: [-1, 1], modes: ['int8'] });
    // a target the int8 model misses: TRANSPOSE_CONV and the slices kept out of int8 (16x8 or float32)
    cases.push({ name: 'deconv-slice-transpose-argmax, --target-sqnr 45', model, shape: [1, 5, 5, 3], range: [-1, 1], modes: ['int8'], targetSqnrDb: 45 });
  }
  {
    // classifier heads: SOFTMAX over 10 and 7 classes (beta 1 and 0.5), int16 in int16x8 (TFLite Micro's table-based
    // SoftmaxInt16) and int8
    const b = new ModelBuilder({ seed: 33 });
    const x = b.input('features', [1, 12]);
    const h = b.fullyConnected(x, 16, { activation: 'RELU' });
    b.output(b.softmax(b.fullyConnected(h, 10), 1), b.softmax(b.fullyConnected(h, 7), 0.5));
    cases.push({ name: 'fc-softmax', model: b.build(), shape: [1, 12], range: [-6, 6], modes: ['int16x8', 'int8'] });
  }
  {
    // a hybrid source under a target: its FULLY_CONNECTED layers kept in int16x8, whose int8 weights the full-integer
    // model spreads per channel; for CMSIS-NN (per-tensor weights only in int16) the hybrid's own per-tensor ones
    // (output channels of different magnitudes, so the per-channel spread is real, and biases that are not zero)
    const r = rng(5);
    const spread = (units: number, inputs: number) => Float32Array.from({ length: units * inputs }, (_, i) => (r() * 2 - 1) * Math.sqrt(6 / (units + inputs)) / 2 ** (i % (2 * inputs) < inputs ? 0 : 1));
    const bias = (units: number) => Float32Array.from({ length: units }, () => r() - 0.5);
    const b = new ModelBuilder({ seed: 5 });
    const h = b.fullyConnected(b.input('features', [1, 12]), 24, { activation: 'RELU', weights: { values: spread(24, 12) }, bias: { values: bias(24) } });
    b.output(b.fullyConnected(h, 6, { weights: { values: spread(6, 24) }, bias: { values: bias(6) } }));
    cases.push({ name: 'fc-relu-fc hybrid, --target-sqnr 42', model: b.build(), shape: [1, 12], range: [-4, 4], modes: ['int8'], targetSqnrDb: 42, hybridSource: true });
  }
  {
    // two heads whose outputs an accuracy target writes as int16: one FULLY_CONNECTED with an outlier weight (40
    // beside values under 1), which leaves the others a level or two of its int8 grid however the activations are
    // rounded, so the search writes it in float and QUANTIZEs its output (through a RESHAPE) to int16; one plain,
    // kept in int16x8
    const r = rng(7);
    const b = new ModelBuilder({ seed: 3 });
    const x = b.input('features', [1, 12]);
    const outlier = Float32Array.from({ length: 6 * 12 }, (_, i) => (i === 0 ? 40 : r() * 2 - 1));
    b.output(b.reshape(b.fullyConnected(x, 6, { weights: { values: outlier }, name: 'outlier' }), [1, 2, 3]), b.fullyConnected(x, 5, { name: 'plain' }));
    cases.push({ name: 'outlier-weight heads, --target-sqnr 42', model: b.build(), shape: [1, 12], range: [-4, 4], modes: ['int8'], targetSqnrDb: 42 });
  }
  {
    // pixels to channels and back (MediaPipe's sparse full-range face detector upsamples with DEPTH_TO_SPACE); with a
    // target, both kept in float (TFLite Micro has no int16 form of them)
    const b = new ModelBuilder({ seed: 31 });
    const x = b.input('image', [1, 6, 6, 2]);
    const c = b.conv2d(x, 3, [3, 3], { padding: 'SAME', activation: 'RELU' });
    const toDepth = b.op(BuiltinOperator.SPACE_TO_DEPTH, [c], [[1, 3, 3, 12]], { type: 'SpaceToDepthOptions', table: { block_size: 2 } })[0]!;
    const mixed = b.conv2d(toDepth, 8, [1, 1]);
    const toSpace = b.op(BuiltinOperator.DEPTH_TO_SPACE, [mixed], [[1, 6, 6, 2]], { type: 'DepthToSpaceOptions', table: { block_size: 2 } })[0]!;
    b.output(b.add(toSpace, x));
    const model = b.build();
    cases.push({ name: 'depth-space', model, shape: [1, 6, 6, 2], range: [-1, 1], modes: ['int8'] });
    cases.push({ name: 'depth-space, --target-sqnr 45', model, shape: [1, 6, 6, 2], range: [-1, 1], modes: ['int8'], targetSqnrDb: 45 });
  }
  return cases;
}

/**
 * A convolution then RESIZE_BILINEAR (half-pixel, 4×4 → 8×8): TFLite has an int16 RESIZE_BILINEAR and TFLite Micro
 * does not, so `--mode int16x8` refuses it (or keeps it in float with --keep-float).
 */
export function resizeBilinearModel(): Model {
  const b = new ModelBuilder({ seed: 1 });
  const c = b.conv2d(b.input('x', [1, 4, 4, 2]), 2, [1, 1]);
  b.output(b.op(BuiltinOperator.RESIZE_BILINEAR, [c, b.int32Constant([8, 8])], [[1, 8, 8, 2]], { type: 'ResizeBilinearOptions', table: { align_corners: false, half_pixel_centers: true } })[0]!);
  return b.build();
}

/**
 * What the TF converter's 16x8 mode writes for a RESIZE_BILINEAR (int16 in and out, version 4), which LiteRT runs and
 * TFLite Micro has no kernel for; `float: true` gives the float model of the same tensors (names and shapes).
 */
export function int16ResizeBilinearModel(float = false): Model {
  const b = new ModelBuilder({ seed: 1 });
  const x = b.input('x', [1, 4, 4, 2]);
  const y = b.op(BuiltinOperator.RESIZE_BILINEAR, [x, b.int32Constant([8, 8])], [[1, 8, 8, 2]], { type: 'ResizeBilinearOptions', table: { align_corners: false, half_pixel_centers: true } }, 'y')[0]!;
  b.output(y);
  const model = b.build();
  if (float) return model;
  const sg = model.subgraphs[0]!;
  for (const t of [x, y]) Object.assign(sg.tensors[t.index]!, { type: TensorType.INT16, quantization: { scale: [1 / 4096], zeroPoint: [0], quantizedDimension: 0 } });
  model.operatorCodes[0]!.version = 4;
  return model;
}
