/**
 * The kernels of the TFLite Micro reference evaluator (src/core/quantize/tflm-kernels/), one at a time on small
 * integer models built here, against values worked out from the C++ definitions at TFLM 90b983c2 (cited per test),
 * and the kernels together on models our quantizer produces, against LiteRT. Bit-exactness with a real TFLM build is
 * checked by bench/tflm-divergence.bench.ts (TINYML_DIVERGENCE_ONLY=kernels), which needs that build.
 */
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { quantizeModel } from '../../src/core/quantize/index';
import { toTensorArray } from '../../src/core/quantize/tensor-io';
import { logisticFixed, multiplyByQuantizedMultiplier64, tanhFixed } from '../../src/core/quantize/tflm-fixed-point';
import { TflmReference, type TflmValues } from '../../src/core/quantize/tflm-reference';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { BuiltinOperator, ModelBuilder, TensorType, readModel, writeModel, type Model, type OptionsTable, type QuantParams } from '../../src/core/tflite/index';
import { sigmoidTableUint16 } from '../../src/core/quantize/tflm-kernels/sigmoid-table';
import { lutLookup } from '../../src/core/quantize/tflm-kernels/lut';
import { int16SoftmaxTables } from '../../src/core/quantize/tflm-kernels/softmax';
import { kernelModels } from '../helpers/tflm-kernel-models';

const qp = (scale: number, zeroPoint: number): QuantParams => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

/** One integer operator: input(s) of the given types and parameters, the output's, and constant inputs as given. */
function oneOp(code: BuiltinOperator, inputs: { shape: number[]; q: QuantParams; type?: TensorType; data?: Uint8Array }[], out: { shape: number[]; q: QuantParams; type?: TensorType }, options?: OptionsTable, optionsType = 'NoOptions'): Model {
  const b = new ModelBuilder();
  const refs = inputs.map((t, i) => {
    if (t.data) return b.tensor(`c${i}`, t.shape, t.type ?? TensorType.INT8, t.data, t.q);
    const r = b.input(`x${i}`, t.shape, t.type ?? TensorType.INT8);
    return r;
  });
  const y = b.op(code, refs, [out.shape], options ? { type: optionsType, table: options } : undefined)[0]!;
  b.output(y);
  const model = b.build();
  const sg = model.subgraphs[0]!;
  inputs.forEach((t, i) => { if (!t.data) sg.tensors[refs[i]!.index]!.quantization = t.q; });
  sg.tensors[y.index]!.quantization = out.q;
  sg.tensors[y.index]!.type = out.type ?? TensorType.INT8;
  return model;
}

const int32Bytes = (v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
const run = (m: Model, ...xs: TflmValues[]) => Array.from(TflmReference.create(m).run(xs)[0]!);
const all8 = () => Int8Array.from({ length: 256 }, (_, i) => i - 128);

test('int64 MultiplyByQuantizedMultiplier (16x8 kernels) matches the C++ definition: 16-bit multiplier, one rounding shift', () => {
  const big = (x: number, m: number, s: number) => {
    const reduced = m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff;
    const total = BigInt(15 - s);
    return Number(BigInt.asIntN(32, (BigInt(x) * BigInt(reduced) + (1n << (total - 1n))) >> total));
  };
  const r = rng(3);
  for (let i = 0; i < 5000; i++) {
    const x = Math.floor((r() - 0.5) * 2 ** (i % 2 ? 47 : 24));
    const m = (1 << 30) + Math.floor(r() * (2 ** 31 - 1 - (1 << 30)));
    const s = -Math.floor(r() * 31) + (i % 7 === 0 ? 7 : 0);
    assert.equal(multiplyByQuantizedMultiplier64(x, m, s), big(x, m, s), `${x}·${m}·2^${s}`);
  }
  // A worked case: 1000 · 0.75 · 2^-3 = 93.75 → the multiplier 0x60000000 reduces to 0x6000, (1000·0x6000 + 2^17) >> 18 = 94.
  assert.equal(multiplyByQuantizedMultiplier64(1000, 0x60000000, -3), 94);
  assert.equal(multiplyByQuantizedMultiplier64(-1000, 0x60000000, -3), -94);
});

test('gemmlowp logistic and tanh in fixed point: exact at 0, symmetric, and within 2^-22 of the real functions', () => {
  assert.equal(logisticFixed(0, 4), 1 << 30);
  assert.equal(tanhFixed(0, 4), 0);
  for (const x of [0.01, 0.3, 1, 2.5, 7.9]) {
    const raw = Math.round(x * 2 ** 27); // Q4.27, as the int8 kernels feed it
    const l = logisticFixed(raw, 4) / 2 ** 31, t = tanhFixed(raw, 4) / 2 ** 31;
    assert.ok(Math.abs(l - 1 / (1 + Math.exp(-raw / 2 ** 27))) < 2 ** -22, `logistic(${x}) = ${l}`);
    assert.ok(Math.abs(t - Math.tanh(raw / 2 ** 27)) < 2 ** -22, `tanh(${x}) = ${t}`);
    assert.equal(logisticFixed(-raw, 4), 2147483647 - logisticFixed(raw, 4), 'logistic(−x) = One − logistic(x), One = INT32_MAX in Q0.31');
    assert.equal(tanhFixed(-raw, 4), -tanhFixed(raw, 4));
  }
});

test('LOGISTIC int8 (logistic.h): every input within 1 step of the real sigmoid, 0 → exactly 0, saturating past the input radius', () => {
  const m = oneOp(BuiltinOperator.LOGISTIC, [{ shape: [256], q: qp(0.05, 3) }], { shape: [256], q: qp(1 / 256, -128) });
  const y = run(m, all8());
  for (let i = 0; i < 256; i++) {
    const want = Math.min(127, Math.round(256 / (1 + Math.exp(-0.05 * (i - 128 - 3)))) - 128);
    assert.ok(Math.abs(y[i]! - want) <= 1, `q=${i - 128}: ${y[i]} vs ${want}`);
    if (i) assert.ok(y[i]! >= y[i - 1]!, 'monotonic');
  }
  assert.equal(y[128 + 3], 0); // input 0: one half → 128 − 128
  // input scale 1: the radius CalculateInputRadius(4, 28) = floor(15·2^27 / 2^28) = 7 steps, beyond it ±saturation
  const s = run(oneOp(BuiltinOperator.LOGISTIC, [{ shape: [4], q: qp(1, 0) }], { shape: [4], q: qp(1 / 256, -128) }), Int8Array.from([-7, 7, -6, 6]));
  assert.deepEqual(s.slice(0, 2), [-128, 127]);
  assert.deepEqual(s.slice(2), [-127, 127]); // 256·σ(−6) = 0.63 → 1 − 128; 256·σ(6) = 255.4 → 127 after the clamp
});

test('TANH int8 (tanh.h): output scale 1/128, zero point 0, within 1 step of tanh and odd', () => {
  const m = oneOp(BuiltinOperator.TANH, [{ shape: [256], q: qp(0.03, 0) }], { shape: [256], q: qp(1 / 128, 0) });
  const y = run(m, all8());
  for (let i = 0; i < 256; i++) {
    const want = Math.max(-128, Math.min(127, Math.round(128 * Math.tanh(0.03 * (i - 128)))));
    assert.ok(Math.abs(y[i]! - want) <= 1, `q=${i - 128}: ${y[i]} vs ${want}`);
    if (i > 0 && Math.abs(y[i]!) < 127) assert.equal(y[256 - i]! + y[i]!, 0, `odd at ${i - 128}`);
  }
});

test('sigmoid_table_uint16 (common.h) derived: the entries checked here and the sum of all 256 are TFLite Micro\'s', () => {
  const t = sigmoidTableUint16();
  assert.equal(t.length, 256);
  // 4 and 28 are two of the 44 entries one above round(65536·sigmoid(i/24)) (35492.4 and 49974.0)
  assert.deepEqual([t[0], t[1], t[4], t[28], t[100], t[254], t[255]], [32768, 33451, 35493, 49975, 64536, 65534, 65535]);
  assert.equal(t.reduce((a, v) => a + v, 0), 15670629);
  for (let i = 1; i < 256; i++) assert.ok(t[i]! >= t[i - 1]!, 'monotonic');
});

const all16 = () => Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

test('LOGISTIC and TANH int16 (logistic.h, tanh.h): worked values, within 1 (logistic) and 3 (tanh) steps of the real functions over every input, symmetric, saturated', () => {
  const q16 = (scale: number) => ({ shape: [65536], q: qp(scale, 0), type: TensorType.INT16 });
  const out16 = { shape: [65536], q: qp(1 / 32768, 0), type: TensorType.INT16 };
  // a scale that is no power of two: the 15-bit multiplier path
  for (const [code, f, scale] of [
    [BuiltinOperator.LOGISTIC, (x: number) => 1 / (1 + Math.exp(-x)), 12 / 32767],
    [BuiltinOperator.TANH, Math.tanh, 6 / 32767],
    // 2^-12: multiplier 0, 3 << 0 (the power-of-two path; TANH also takes 2^-11)
    [BuiltinOperator.LOGISTIC, (x: number) => 1 / (1 + Math.exp(-x)), 2 ** -12],
    [BuiltinOperator.TANH, Math.tanh, 2 ** -11],
  ] as const) {
    const y = run(oneOp(code, [q16(scale)], out16), all16());
    let worst = 0;
    for (let i = 0; i < 65536; i++) {
      const want = Math.min(32767, Math.round(32768 * f(scale * (i - 32768))));
      worst = Math.max(worst, Math.abs(y[i]! - want));
      if (i) assert.ok(y[i]! >= y[i - 1]!, 'monotonic');
    }
    // tanh reads the table at 2x and doubles it: its error is twice the table's
    assert.ok(worst <= (code === BuiltinOperator.LOGISTIC ? 1 : 3), `${BuiltinOperator[code]} at scale ${scale}: ${worst} steps`);
    const logistic = code === BuiltinOperator.LOGISTIC;
    assert.equal(y[32768], logistic ? 16384 : 0); // input 0
    // past table index 255 (|x| ≥ 10.7, tanh 5.3): 0x7FFF << 10 mirrored, i.e. 32767 and 1 (tanh ±32767)
    if (scale * 32767 > (logistic ? 10.7 : 5.35)) assert.deepEqual([y[0], y[65535]], logistic ? [1, 32767] : [-32767, 32767]);
  }
  // x = ±1.0 at 2^-12: 4096 · 3 = 12288 = index 24 exactly; (47911 · 2^9 + 2^9) >> 10 = 23956 (32768·σ(1) = 23955.6),
  // mirrored (2^25 − 47911 · 2^9 + 2^9 − 1) >> 10 = 8812: the two sum to 32768
  const pot = oneOp(BuiltinOperator.LOGISTIC, [{ shape: [3], q: qp(2 ** -12, 0), type: TensorType.INT16 }], { shape: [3], q: qp(1 / 32768, 0), type: TensorType.INT16 });
  assert.deepEqual(run(pot, Int16Array.from([4096, -4096, 0])), [23956, 8812, 16384]);
  // TFLM refuses an int16 output scale other than 2^-15, and a zero point
  assert.match(TflmReference.unsupported(oneOp(BuiltinOperator.LOGISTIC, [q16(12 / 32767)], { ...out16, q: qp(1 / 32768 / 1.01, 0) })) ?? '', /2\^-15/);
  assert.match(TflmReference.unsupported(oneOp(BuiltinOperator.TANH, [{ ...q16(12 / 32767), q: qp(12 / 32767, 1) }], out16)) ?? '', /zero point/);
});

test('SOFTMAX int16 (SoftmaxInt16, LUTPopulate<int16_t>): the tables\' ends, rows within 10 steps (3e-4) of the real softmax, refusals', () => {
  // exp over [-10, 0] and 1 / (1 + x) over [0, 1], each 513 entries in steps of 2/65535 (Q0.15 after the zero point)
  const { exp, oneOverOnePlusX: inv } = int16SoftmaxTables();
  assert.equal(exp.length, 513);
  assert.ok(Math.abs(exp[0]! - 32768 * Math.exp(-10)) <= 1 && exp[512] === 32767, `${exp[0]} ${exp[512]}`); // 32768 · e^-10 = 1.49; e^0 saturates
  assert.deepEqual([inv[0], inv[256], inv[512]], [32767, 21845, 16384]); // 1, 2/3, 1/2
  // a lookup interpolates between the entry of its top 9 bits and the next: the largest input reads 127/128 of the way
  assert.equal(lutLookup(32767, exp), exp[511]! + (((exp[512]! - exp[511]!) * 127 + 64) >> 7));
  assert.equal(lutLookup(-32768, inv), inv[0]);
  for (let i = 1; i < 513; i++) assert.ok(exp[i]! >= exp[i - 1]! && inv[i]! <= inv[i - 1]!, 'monotonic');
  // rows of 5 logits at scale 1/2048 (±8), beta 1: every output within 10 steps of 32768 · softmax (the tables'
  // interpolation; bit-exactness with TFLite Micro is the bench's check, fc-softmax in tflm-kernel-models.ts)
  const scale = 1 / 2048;
  const r = rng(21);
  const rows = 400;
  const x = Int16Array.from({ length: rows * 5 }, () => Math.round((r() * 2 - 1) * 8 / scale));
  const m = oneOp(BuiltinOperator.SOFTMAX, [{ shape: [rows, 5], q: qp(scale, 0), type: TensorType.INT16 }], { shape: [rows, 5], q: qp(1 / 32768, 0), type: TensorType.INT16 }, { beta: 1 }, 'SoftmaxOptions');
  const y = run(m, x);
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    const row = Array.from(x.subarray(i * 5, i * 5 + 5), (v) => v * scale);
    const top = Math.max(...row);
    const e = row.map((v) => Math.exp(v - top));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, c) => { worst = Math.max(worst, Math.abs(y[i * 5 + c]! - Math.min(32767, 32768 * v / sum))); });
  }
  assert.ok(worst <= 10, `${worst} steps`);
  // a worked row: logits 1…5 at scale 1/2048 (0.0005 apart), as TFLM's reference_ops::SoftmaxInt16 compiled from
  // 90b983c2 computes it (32768 · softmax would give 6547.7 … 6560.8)
  const row = oneOp(BuiltinOperator.SOFTMAX, [{ shape: [1, 5], q: qp(scale, 0), type: TensorType.INT16 }], { shape: [1, 5], q: qp(1 / 32768, 0), type: TensorType.INT16 }, { beta: 1 }, 'SoftmaxOptions');
  assert.deepEqual(run(row, Int16Array.from([1, 2, 3, 4, 5])), [6547, 6550, 6554, 6557, 6560]);
  // TFLM refuses an int16 output scale other than 1/32768, and zero points
  assert.match(TflmReference.unsupported(oneOp(BuiltinOperator.SOFTMAX, [{ shape: [1, 5], q: qp(scale, 0), type: TensorType.INT16 }], { shape: [1, 5], q: qp(1 / 16384, 0), type: TensorType.INT16 }, { beta: 1 }, 'SoftmaxOptions')) ?? '', /1\/32768/);
  assert.match(TflmReference.unsupported(oneOp(BuiltinOperator.SOFTMAX, [{ shape: [1, 5], q: qp(scale, 3), type: TensorType.INT16 }], { shape: [1, 5], q: qp(1 / 32768, 0), type: TensorType.INT16 }, { beta: 1 }, 'SoftmaxOptions')) ?? '', /zero points/);
});

test('HARD_SWISH int8 (hard_swish.h, int16 fixed point): within 1 step of x·relu6(x+3)/6 over the whole input range', () => {
  const m = oneOp(BuiltinOperator.HARD_SWISH, [{ shape: [256], q: qp(0.05, -20) }], { shape: [256], q: qp(0.04, -40) });
  const y = run(m, all8());
  for (let i = 0; i < 256; i++) {
    const x = 0.05 * (i - 128 + 20);
    const want = Math.max(-128, Math.min(127, Math.round((x * Math.min(6, Math.max(0, x + 3))) / 6 / 0.04) - 40));
    assert.ok(Math.abs(y[i]! - want) <= 1, `q=${i - 128}: ${y[i]} vs ${want}`);
  }
});

test('RELU6 and LEAKY_RELU int8 (activations.h, leaky_relu.h): worked examples', () => {
  // RELU6 clamps to [zero point, round(6 / 0.05) + zero point] = [−10, 110], no requantization
  const r6 = oneOp(BuiltinOperator.RELU6, [{ shape: [5], q: qp(0.05, -10) }], { shape: [5], q: qp(0.05, -10) });
  assert.deepEqual(run(r6, Int8Array.from([-128, -10, 50, 110, 127])), [-10, -10, 50, 110, 110]);
  // LEAKY_RELU alpha 0.25, scales 0.1 → 0.1: −10 · 0.25 = −2.5 → −3 (ties away); −9 · 0.25: the high multiply gives
  // −4 (−4.5 truncated after the nudge), then −4 / 2 = −2
  const lr = oneOp(BuiltinOperator.LEAKY_RELU, [{ shape: [3], q: qp(0.1, 0) }], { shape: [3], q: qp(0.1, 0) }, { alpha: 0.25 }, 'LeakyReluOptions');
  assert.deepEqual(run(lr, Int8Array.from([-10, 7, -9])), [-3, 7, -2]);
});

test('MEAN int8 (reduce.h QuantizedMeanOrSum): 1/count folded into the multiplier, worked examples', () => {
  // Scales 1 → 1: multiplier 2^30, shift 1; count 3: shift 1, (2^30 << 1) / 3 = 715827882, shift 0.
  // MultiplyByQuantizedMultiplier(7, 715827882, 0) = round(7 · 0.33333) = 2; 5 → 1.67 → 2; −5 → −2; 4 → 1.33 → 1.
  const m = oneOp(BuiltinOperator.MEAN, [{ shape: [4, 3], q: qp(1, 0) }, { shape: [1], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1]) }], { shape: [4], q: qp(1, 0) }, { keep_dims: false }, 'ReducerOptions');
  assert.deepEqual(run(m, Int8Array.from([1, 2, 4, 1, 2, 2, -1, -2, -2, 0, 0, 4])), [2, 2, -2, 1]);
  // zero points: input zp 10, output zp −5, scale 0.5 → 0.25 (×2): mean of (20, 30) − 10 = 15 → 30 − 5 = 25
  const z = oneOp(BuiltinOperator.MEAN, [{ shape: [1, 2, 1], q: qp(0.5, 10) }, { shape: [1], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([-2]) }], { shape: [1, 1, 1], q: qp(0.25, -5) }, { keep_dims: true }, 'ReducerOptions');
  assert.deepEqual(run(z, Int8Array.from([20, 30])), [25]);
});

test('RESIZE_BILINEAR int8 (ResizeBilinearInteger): 10-bit weights, ties rounded away from zero', () => {
  // 2 → 3 with align_corners: scale_10 = (1024·1 + 1) / 2 = 512; the middle output is (a·512·1024 + b·512·1024) / 2^20.
  const m = oneOp(BuiltinOperator.RESIZE_BILINEAR, [{ shape: [1, 1, 2, 2], q: qp(1, 0) }, { shape: [2], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 3]) }], { shape: [1, 1, 3, 2], q: qp(1, 0) }, { align_corners: true, half_pixel_centers: false }, 'ResizeBilinearOptions');
  assert.deepEqual(run(m, Int8Array.from([1, -1, 2, -2])), [1, -1, 2, -2, 2, -2]); // (1+2)/2 = 1.5 → 2, −1.5 → −2
  // 2 → 4, half pixel centers: scale_10 = 512; x=0: 0·512 + 256 − 512 < 0 → lower 0, upper 0; x=1: 256 → 3/4·a + 1/4·b
  const h = oneOp(BuiltinOperator.RESIZE_BILINEAR, [{ shape: [1, 1, 2, 1], q: qp(1, 0) }, { shape: [2], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 4]) }], { shape: [1, 1, 4, 1], q: qp(1, 0) }, { align_corners: false, half_pixel_centers: true }, 'ResizeBilinearOptions');
  assert.deepEqual(run(h, Int8Array.from([0, 100])), [0, 25, 75, 100]);
});

test('RESIZE_NEAREST_NEIGHBOR, PAD, PADV2 and CONCATENATION move values exactly as the reference loops do', () => {
  const nn = oneOp(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, [{ shape: [1, 1, 3, 1], q: qp(1, 0) }, { shape: [2], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 5]) }], { shape: [1, 1, 5, 1], q: qp(1, 0) }, { align_corners: false, half_pixel_centers: false }, 'ResizeNearestNeighborOptions');
  assert.deepEqual(run(nn, Int8Array.from([7, 8, 9])), [7, 7, 8, 8, 9]); // source index floor(x · 3/5): 0 0 1 1 2
  const pads = { shape: [2, 2], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 0, 0, 2]) };
  const pad = oneOp(BuiltinOperator.PAD, [{ shape: [1, 2], q: qp(0.1, -3) }, pads], { shape: [2, 4], q: qp(0.1, -3) });
  assert.deepEqual(run(pad, Int8Array.from([5, 6])), [-3, -3, -3, -3, 5, 6, -3, -3]); // padded with the output zero point
  const v2 = oneOp(BuiltinOperator.PADV2, [{ shape: [1, 2], q: qp(0.1, -3) }, pads, { shape: [1], q: qp(0.1, -3), data: Uint8Array.from([9]) }], { shape: [2, 4], q: qp(0.1, -3) });
  assert.deepEqual(run(v2, Int8Array.from([5, 6])), [9, 9, 9, 9, 5, 6, 9, 9]); // PADV2: its constant, as stored
  const cat = oneOp(BuiltinOperator.CONCATENATION, [{ shape: [2, 1], q: qp(0.5, 1) }, { shape: [2, 2], q: qp(0.5, 1) }], { shape: [2, 3], q: qp(0.5, 1) }, { axis: -1, fused_activation_function: 'NONE' }, 'ConcatenationOptions');
  assert.deepEqual(run(cat, Int8Array.from([1, 2]), Int8Array.from([3, 4, 5, 6])), [1, 3, 4, 2, 5, 6]);
  // int8 inputs quantized unlike the output: TFLM's Prepare refuses them, so does the evaluator
  const bad = oneOp(BuiltinOperator.CONCATENATION, [{ shape: [1], q: qp(0.5, 1) }, { shape: [1], q: qp(0.25, 1) }], { shape: [2], q: qp(0.5, 1) }, { axis: 0 }, 'ConcatenationOptions');
  assert.equal(TflmReference.unsupported(bad), 'CONCATENATION #0 (inputs quantized unlike the output)');
});

test('MUL, SUB, MAXIMUM, MINIMUM and PRELU int8 with broadcasting: worked examples from mul.h, sub.h, prelu.h', () => {
  // MUL: scales 0.5 · 0.25 / 0.125 = 1, zero points 1, 2, −1: (3 − 1)(7 − 2) = 10 → 9; broadcast over the second input
  const mul = oneOp(BuiltinOperator.MUL, [{ shape: [2, 2], q: qp(0.5, 1) }, { shape: [2], q: qp(0.25, 2) }], { shape: [2, 2], q: qp(0.125, -1) }, { fused_activation_function: 'NONE' }, 'MulOptions');
  assert.deepEqual(run(mul, Int8Array.from([3, 1, -1, 5]), Int8Array.from([7, 0])), [9, -1, -11, -9]);
  // SUB with RELU: 0.5·(a) − 0.5·(b) at output scale 0.5; negative results clamp at the zero point
  const sub = oneOp(BuiltinOperator.SUB, [{ shape: [3], q: qp(0.5, 0) }, { shape: [3], q: qp(0.5, 0) }], { shape: [3], q: qp(0.5, 0) }, { fused_activation_function: 'RELU' }, 'SubOptions');
  assert.deepEqual(run(sub, Int8Array.from([10, 3, -100]), Int8Array.from([4, 3, 20])), [6, 0, 0]);
  const max = oneOp(BuiltinOperator.MAXIMUM, [{ shape: [3], q: qp(1, 0) }, { shape: [1], q: qp(1, 0) }], { shape: [3], q: qp(1, 0) });
  assert.deepEqual(run(max, Int8Array.from([-5, 0, 5]), Int8Array.from([1])), [1, 1, 5]);
  const min = oneOp(BuiltinOperator.MINIMUM, [{ shape: [3], q: qp(1, 0) }, { shape: [1], q: qp(1, 0) }], { shape: [3], q: qp(1, 0) });
  assert.deepEqual(run(min, Int8Array.from([-5, 0, 5]), Int8Array.from([1])), [-5, 0, 1]);
  // PRELU: x ≥ 0 → x·s_in/s_out; x < 0 → x·alpha·s_in·s_alpha/s_out; alpha 64 at scale 1/128 is 0.5
  const prelu = oneOp(BuiltinOperator.PRELU, [{ shape: [1, 3], q: qp(0.1, 0) }, { shape: [3], q: qp(1 / 128, 0), data: Uint8Array.from([64, 0, 128 + 64]) }], { shape: [1, 3], q: qp(0.1, 0) });
  assert.deepEqual(run(prelu, Int8Array.from([-10, -10, -10])), [-5, 0, 5]);
  assert.deepEqual(run(prelu, Int8Array.from([7, 7, 7])), [7, 7, 7]);
});

test('float kernels (layers mixed precision keeps in float): DEQUANTIZE → LOGISTIC, MUL, FULLY_CONNECTED in float32 arithmetic', () => {
  const b = new ModelBuilder({ seed: 9 });
  const x = b.input('x', [1, 256], TensorType.INT8);
  const d = b.op(BuiltinOperator.DEQUANTIZE, [x], [[1, 256]])[0]!;
  const lg = b.op(BuiltinOperator.LOGISTIC, [d], [[1, 256]])[0]!;
  const sq = b.mul(d, d);
  const fc = b.fullyConnected(d, 3, { activation: 'RELU' });
  b.output(lg, sq, fc);
  const built = b.build();
  built.subgraphs[0]!.tensors[x.index]!.quantization = qp(0.0731, -3);
  const model = readModel(writeModel(built)); // scales as the file stores them (float32)
  const s = model.subgraphs[0]!.tensors[x.index]!.quantization!.scale[0]!;
  const [l, m, y] = TflmReference.create(model).run([all8()]) as Float32Array[];
  for (let i = 0; i < 256; i++) {
    const v = Math.fround((i - 128 + 3) * s); // dequantize.h: float(double scale · (q − zero point))
    assert.equal(m![i], Math.fround(v * v));
    assert.ok(Math.abs(l![i]! - 1 / (1 + Math.exp(-v))) <= 2 ** -23, `logistic(${v}) = ${l![i]}`);
  }
  assert.ok(y!.every((v) => v >= 0), 'fused RELU');
  assert.ok(l instanceof Float32Array && y!.length === 3);
});

test('the kernels together, on models our quantizer produces (int8 and int16x8): within a few steps of LiteRT', async () => {
  for (const c of kernelModels()) {
    for (const mode of c.modes) {
      if (c.targetSqnrDb) continue; // the mixed-precision search is slow for a unit test; the bench runs it on real TFLM
      const n = c.shape.reduce((a, b) => a * b, 1);
      const r = rng(3);
      const data: Dataset = { source: 'synthetic', inputShapes: [c.shape], samples: Array.from({ length: 60 }, () => [Float32Array.from({ length: n }, () => c.range[0] + (c.range[1] - c.range[0]) * r())]) };
      const q = await quantizeModel(c.model, data, { mode, calibration: 'minmax' });
      const model = readModel(q.bytes);
      assert.equal(TflmReference.unsupported(model), undefined, `${c.name} ${mode}`);
      const ref = TflmReference.create(model);
      const rt = await loadRuntimeModel(q.bytes);
      const sg = model.subgraphs[0]!;
      const outOrder = sg.outputs.map((t) => rt.outputs.findIndex((o) => o.name === sg.tensors[t]!.name));
      let maxDiff = 0, values = 0, indexValues = 0;
      try {
        for (const s of data.samples.slice(0, 10)) {
          const x = toTensorArray(sg.tensors[sg.inputs[0]!]!, s[0]!) as Int8Array | Int16Array;
          const mine = ref.run([x]);
          const theirs = rt.run([x]);
          mine.forEach((y, k) => {
            const t = theirs[outOrder[k]!]!;
            assert.equal(y.length, t.length);
            if (y instanceof Int32Array) {
              // indices (ARG_MAX / ARG_MIN): no steps to be off by; they may differ only where LiteRT's and TFLM's
              // int8 inputs to them differ, which a tie-free output of a few channels rarely shows
              let same = 0;
              for (let j = 0; j < y.length; j++) if (y[j] === Number(t[j])) same++;
              assert.ok(same >= 0.9 * y.length, `${c.name}: ${same} of ${y.length} indices agree`);
              indexValues += y.length;
              return;
            }
            for (let j = 0; j < y.length; j++) maxDiff = Math.max(maxDiff, Math.abs(y[j]! - Number(t[j])));
            values += y.length;
          });
        }
      } finally {
        rt.dispose();
      }
      // LiteRT rounds once, in float, where TFLM rounds twice in fixed point: a few steps, more in int16 (finer steps)
      assert.ok(values > 0 && maxDiff <= (mode === 'int16x8' ? 64 : 6), `${c.name} (${mode}): max |TFLM reference − LiteRT| = ${maxDiff} steps over ${values} values`);
      if (c.name.includes('argmax')) assert.ok(indexValues > 0, 'the index outputs were compared');
    }
  }
});

test('STRIDED_SLICE (strided_slice_logic.h on the shape padded to 5-D): negative indices, strides both ways, masks, a shrunk axis', () => {
  // x[i] = i over [2, 3, 4]
  const x = Int8Array.from({ length: 24 }, (_, i) => i);
  const slice = (begin: number[], end: number[], strides: number[], shape: number[], masks: OptionsTable) => run(oneOp(
    BuiltinOperator.STRIDED_SLICE,
    [{ shape: [2, 3, 4], q: qp(1, 0) }, { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes(begin) },
      { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes(end) }, { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes(strides) }],
    { shape, q: qp(1, 0) }, { begin_mask: 0, end_mask: 0, ellipsis_mask: 0, new_axis_mask: 0, shrink_axis_mask: 0, offset: false, ...masks }, 'StridedSliceOptions',
  ), x);
  // batch 1, rows 0..1, columns 3, 1 (stride −2 from −1)
  assert.deepEqual(slice([1, 0, -1], [2, 2, 0], [1, 1, -2], [1, 2, 2], {}), [15, 13, 19, 17]);
  // begin_mask on axis 0 (start 0), end_mask on axis 2 (to the end), axis 1 shrunk to row 2: x[:, 2, 1:]
  assert.deepEqual(slice([1, 2, 1], [2, 0, 0], [1, 1, 1], [2, 3], { begin_mask: 0b001, end_mask: 0b100, shrink_axis_mask: 0b010 }), [9, 10, 11, 21, 22, 23]);
  // a negative stride with end_mask runs down to index 0, an end past the axis is clamped: x[0, 2::-1, 3:9]
  assert.deepEqual(slice([0, 2, 3], [1, 0, 9], [1, -1, 1], [1, 3, 1], { end_mask: 0b010 }), [11, 7, 3]);
  // TFLite Micro ignores ellipsis_mask / new_axis_mask (strided_slice_common.cc sets them to 0): not evaluated
  const m = oneOp(BuiltinOperator.STRIDED_SLICE, [{ shape: [2, 3, 4], q: qp(1, 0) }, { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([0, 0, 0]) },
    { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 1, 1]) }, { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 1, 1]) }],
  { shape: [1, 1, 1], q: qp(1, 0) }, { ellipsis_mask: 1 }, 'StridedSliceOptions');
  assert.match(TflmReference.unsupported(m) ?? '', /ellipsis_mask/);
});

test('TRANSPOSE (transpose.cc): output dimension k is input dimension perm[k]', () => {
  const x = Int8Array.from({ length: 24 }, (_, i) => i); // [2, 3, 4]
  const y = run(oneOp(BuiltinOperator.TRANSPOSE, [{ shape: [2, 3, 4], q: qp(1, 0) }, { shape: [3], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([2, 0, 1]) }], { shape: [4, 2, 3], q: qp(1, 0) }), x);
  for (let c = 0; c < 4; c++) for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) assert.equal(y[(c * 2 + a) * 3 + b], (a * 3 + b) * 4 + c);
});

test('ARG_MAX / ARG_MIN int8 (arg_min_max.h): int32 indices along the axis, ties keep the lowest index; int64 indices are refused', () => {
  const x = Int8Array.from([3, -7, 3, 0, /* row 2 */ -128, 127, 127, -128]); // [2, 4]
  const arg = (code: BuiltinOperator, axis: number, outShape: number[], outType = TensorType.INT32) => oneOp(code,
    [{ shape: [2, 4], q: qp(0.1, 0) }, { shape: [1], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([axis]) }], { shape: outShape, q: qp(1, 0), type: outType });
  assert.deepEqual(run(arg(BuiltinOperator.ARG_MAX, 1, [2]), x), [0, 1]);
  assert.deepEqual(run(arg(BuiltinOperator.ARG_MIN, -1, [2]), x), [1, 0]);
  assert.deepEqual(run(arg(BuiltinOperator.ARG_MAX, 0, [4]), x), [0, 1, 1, 0]);
  assert.match(TflmReference.unsupported(arg(BuiltinOperator.ARG_MAX, 1, [2], TensorType.INT64)) ?? '', /int64 output/);
});

test('TRANSPOSE_CONV int8 and 16x8 (integer_ops/transpose_conv.h): the scatter sum plus bias, requantized per channel; SAME padding from the output size', () => {
  // input [1, 2, 2, 1], stride 2, SAME → output [1, 4, 4, 2]. Padding is ComputePaddingHeightWidth on the output's 4:
  // a 3×3 filter gives (1·2 + 3 − 4) / 2 = 0, a 5×5 filter (1·2 + 5 − 4) / 2 = 1 (the scatter starts one row up).
  const xs = [5, -3, 2, 7], zpIn = 2, sIn = 0.5, sOut = 0.25, ws = [0.02, 0.05];
  const bias = [40, -25];
  const expected = (k: number, pad: number, w: number[], int16: boolean) => {
    const acc = new Array<number>(32).fill(0);
    for (let iy = 0; iy < 2; iy++) for (let ix = 0; ix < 2; ix++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const oy = iy * 2 - pad + ky, ox = ix * 2 - pad + kx;
      if (oy < 0 || ox < 0 || oy >= 4 || ox >= 4) continue;
      for (let oc = 0; oc < 2; oc++) acc[(oy * 4 + ox) * 2 + oc] += (xs[iy * 2 + ix]! - (int16 ? 0 : zpIn)) * w[(oc * k + ky) * k + kx]!;
    }
    // the real value of each output over its scale, rounded: within a step of the fixed point
    return acc.map((a, i) => Math.round(((a + bias[i % 2]!) * sIn * ws[i % 2]!) / sOut) + (int16 ? 0 : -1));
  };
  const model = (k: number, w: number[], int16: boolean, biasType: TensorType) => oneOp(BuiltinOperator.TRANSPOSE_CONV, [
    { shape: [4], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1, 4, 4, 2]) },
    { shape: [2, k, k, 1], q: { scale: ws, zeroPoint: [0, 0], quantizedDimension: 0 }, type: TensorType.INT8, data: new Uint8Array(Int8Array.from(w).buffer) },
    { shape: [1, 2, 2, 1], q: qp(sIn, int16 ? 0 : zpIn), type: int16 ? TensorType.INT16 : TensorType.INT8 },
    {
      shape: [2], q: { scale: [sIn * ws[0]!, sIn * ws[1]!], zeroPoint: [0, 0], quantizedDimension: 0 }, type: biasType,
      data: biasType === TensorType.INT64 ? new Uint8Array(BigInt64Array.from(bias.map(BigInt)).buffer)
        : biasType === TensorType.INT16 ? new Uint8Array(Int16Array.from(bias).buffer) : int32Bytes(bias),
    },
  ], { shape: [1, 4, 4, 2], q: qp(sOut, int16 ? 0 : -1), type: int16 ? TensorType.INT16 : TensorType.INT8 }, { padding: 'SAME', stride_w: 2, stride_h: 2, fused_activation_function: 'NONE' }, 'TransposeConvOptions');
  for (const k of [3, 5]) {
    const w = Array.from({ length: 2 * k * k }, (_, i) => ((i * 37) % 17) - 8);
    const want = (int16: boolean) => expected(k, k === 3 ? 0 : 1, w, int16);
    // 16x8 reads its bias as int64; an int16 bias is widened (transpose_conv.cc), so both give the same outputs
    for (const [int16, biasType] of [[false, TensorType.INT32], [true, TensorType.INT64], [true, TensorType.INT16]] as const) {
      const m = model(k, w, int16, biasType);
      assert.equal(TflmReference.unsupported(m), undefined);
      const y = run(m, int16 ? Int16Array.from(xs) : Int8Array.from(xs));
      const ref = want(int16);
      const [lo, hi] = int16 ? [-32768, 32767] : [-128, 127];
      for (let i = 0; i < 32; i++) assert.ok(Math.abs(y[i]! - Math.max(lo, Math.min(hi, ref[i]!))) <= 1, `${k}×${k} ${int16 ? '16x8' : 'int8'} output ${i}: ${y[i]} vs ${ref[i]}`);
      assert.ok(y.some((v, i) => v !== y[(i + 2) % 32]), 'not a constant output');
    }
    // an int32 bias in 16x8 would be read as int64 by TFLite Micro: not evaluated
    assert.match(TflmReference.unsupported(model(k, w, true, TensorType.INT32)) ?? '', /int32 bias/);
  }
});

test('QUANTIZE between int32 and int8/int16 (quantize_common.cc Requantize): the s_in/s_out multiplier, zero points, saturation', () => {
  // int32 (scale 0.001) → int16 (scale 0.01): v / 10, rounded; int16 → int32 (scale 0.5 → 0.125): v · 4
  const down = oneOp(BuiltinOperator.QUANTIZE, [{ shape: [5], q: qp(0.001, 0), type: TensorType.INT32 }], { shape: [5], q: qp(0.01, 0), type: TensorType.INT16 });
  assert.deepEqual(run(down, Int32Array.from([0, 14, 16, -25, 10_000_000])), [0, 1, 2, -3, 32767]);
  const up = oneOp(BuiltinOperator.QUANTIZE, [{ shape: [3], q: qp(0.5, 0), type: TensorType.INT16 }], { shape: [3], q: qp(0.125, 7), type: TensorType.INT32 });
  assert.deepEqual(run(up, Int16Array.from([0, -32768, 100])), [7, -131065, 407]);
  const toInt8 = oneOp(BuiltinOperator.QUANTIZE, [{ shape: [3], q: qp(0.25, 0), type: TensorType.INT32 }], { shape: [3], q: qp(1, -5), type: TensorType.INT8 });
  assert.deepEqual(run(toInt8, Int32Array.from([6, -1000, 1000])), [-3, -128, 127]);
});

test('ARG_MAX float (arg_min_max.cc with comparisons.h GreaterFn): a NaN never wins and a NaN first is never replaced', () => {
  const m = oneOp(BuiltinOperator.ARG_MAX, [{ shape: [2, 4], q: qp(1, 0), type: TensorType.FLOAT32 }, { shape: [1], q: qp(1, 0), type: TensorType.INT32, data: int32Bytes([1]) }], { shape: [2], q: qp(1, 0), type: TensorType.INT32 });
  assert.deepEqual(run(m, Float32Array.from([NaN, 1, 5, 2, 1, NaN, 3, 3])), [0, 2]);
});
