import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { evaluateQuantization, quantizeModel } from '../../src/core/quantize/index';
import { quantizeWeights, weightRoundingBiasShift, weightScales } from '../../src/core/quantize/weights';
import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite/index';

test('weight-rounding bias shift: Σ (w − q·s)·E[x] per output channel, for conv, depthwise (with multiplier) and per-tensor FC layouts', () => {
  // CONV_2D [O=2, 1, 1, I=3], per channel on axis 0.
  const w = Float32Array.from([1.0, 0.337, -0.5, 2.0, -0.013, 0.71]);
  const shape = [2, 1, 1, 3];
  const q = quantizeWeights(w, shape, 0, weightScales(w, shape, 0));
  const means = [0.5, 2, -1];
  const shift = weightRoundingBiasShift(w, q, shape, 0, means)!;
  for (let o = 0; o < 2; o++) {
    let expect = 0;
    for (let i = 0; i < 3; i++) expect += (w[o * 3 + i]! - q.values[o * 3 + i]! * q.scales[o]!) * means[i]!;
    assert.ok(Math.abs(shift[o]! - expect) < 1e-12, `channel ${o}: ${shift[o]} vs ${expect}`);
  }
  // DEPTHWISE_CONV_2D [1, 1, 2, I·M = 4] with multiplier 2: output channel c reads input channel ⌊c/2⌋.
  const dw = Float32Array.from([0.3, -0.77, 1.1, 0.05, 0.9, 0.21, -0.4, 0.333]);
  const dshape = [1, 1, 2, 4];
  const dq = quantizeWeights(dw, dshape, 3, weightScales(dw, dshape, 3));
  const dshift = weightRoundingBiasShift(dw, dq, dshape, 3, [3, -2])!;
  for (let c = 0; c < 4; c++) {
    let expect = 0;
    for (let k = 0; k < 2; k++) expect += (dw[k * 4 + c]! - dq.values[k * 4 + c]! * dq.scales[c]!) * [3, -2][Math.floor(c / 2)]!;
    assert.ok(Math.abs(dshift[c]! - expect) < 1e-12, `depthwise channel ${c}`);
  }
  // FULLY_CONNECTED [O=2, I=3] with one per-tensor scale: still one shift per output channel.
  const fq = quantizeWeights(w, [2, 3], -1, weightScales(w, [2, 3], -1));
  const fshift = weightRoundingBiasShift(w, fq, [2, 3], 0, means)!;
  assert.equal(fshift.length, 2);
  assert.ok(Math.abs(fshift[1]! - [0, 1, 2].reduce((a, i) => a + (w[3 + i]! - fq.values[3 + i]! * fq.scales[0]!) * means[i]!, 0)) < 1e-12);
  // Means that do not match the layout: no shift rather than a wrong one.
  assert.equal(weightRoundingBiasShift(w, q, shape, 0, [1, 2]), undefined);
});

/**
 * What BatchNorm folding leaves in MediaPipe's landmark models: a depthwise channel with large weights that nearly
 * cancel (a high-gain filter on an input with a large mean), RELU6 fused. Rounding such weights to int8 shifts the
 * channel's pre-activation by Σ δw · E[x], several times the output's range.
 */
function highGainModel(): Model {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('image', [1, 8, 8, 1]);
  // Scale s = 300 / 127: the centre tap is exactly 127 s, each other tap −16.55 s, which rounds to −17 s: the
  // rounded channel reads 8 · 0.45 s · 0.6 ≈ 5 lower, below the RELU6 floor.
  const s = Math.fround(300 / 127);
  const weights = Float32Array.from({ length: 9 }, (_, k) => (k === 4 ? 127 * s : -16.55 * s));
  const sum = weights.reduce((a, v) => a + v, 0);
  b.output(b.depthwiseConv2d(x, [3, 3], { padding: 'VALID', activation: 'RELU6', weights: { values: weights }, bias: { values: Float32Array.from([3 - 0.6 * sum]) } }));
  return b.build();
}

function nearlyFlat(count: number, seed: number): Dataset {
  const r = rng(seed);
  return { source: `nearly flat images seed ${seed}`, inputShapes: [[1, 8, 8, 1]], samples: Array.from({ length: count }, () => [Float32Array.from({ length: 64 }, () => 0.6 + 0.002 * (r() - 0.5))]) };
}

test('bias correction removes the mean error of rounded weights at layers with a fused activation (high-gain depthwise)', async () => {
  const model = highGainModel();
  const calibration = nearlyFlat(48, 1);
  const heldOut = nearlyFlat(24, 2);
  const without = await quantizeModel(model, calibration, { calibration: 'minmax', biasCorrection: false, weightRounding: 'nearest' });
  const withBc = await quantizeModel(model, calibration, { calibration: 'minmax', biasCorrection: true, weightRounding: 'nearest' });
  const floatBytes = writeModel(model);
  // The signed mean error of the output over the report's sampled points.
  const meanError = async (bytes: Uint8Array) => {
    const p = (await evaluateQuantization(floatBytes, bytes, heldOut)).outputs[0]!.points!;
    return p.reference.reduce((a, r, i) => a + p.quantized[i]! - r, 0) / p.reference.length;
  };
  const a = await meanError(without.bytes);
  const c = await meanError(withBc.bytes);
  assert.ok(Math.abs(a) > 1, `without correction the channel is off by ${a.toFixed(3)} on average`);
  assert.ok(Math.abs(c) < Math.abs(a) / 4, `with bias correction ${c.toFixed(3)}, without ${a.toFixed(3)}`);
});

test('bias correction reaches a FULLY_CONNECTED whose input comes through a RESHAPE (not itself calibrated), with options forced', async () => {
  // The high-gain channel of the test above as one FULLY_CONNECTED unit after a flatten: 64 taps, one 127 s and 63 of
  // −16.55 s (rounded to −17 s), RELU6 fused. The flatten's output shares its input's parameters, so the calibration
  // pass did not observe it, its input means stayed empty, and the weight-rounding part was left out (the measured
  // part skips fused activations): the unit read 0 instead of 3.
  const b = new ModelBuilder({ seed: 6 });
  const x = b.input('image', [1, 8, 8, 1]);
  const s = Math.fround(300 / 127);
  const weights = Float32Array.from({ length: 64 }, (_, k) => (k === 0 ? 127 * s : -16.55 * s));
  const sum = weights.reduce((a, v) => a + v, 0);
  b.output(b.fullyConnected(b.reshape(x, [1, 64]), 1, { activation: 'RELU6', weights: { values: weights }, bias: { values: Float32Array.from([3 - 0.6 * sum]) } }));
  const model = b.build();
  const calibration = nearlyFlat(48, 3);
  const heldOut = nearlyFlat(24, 4);
  const floatBytes = writeModel(model);
  const meanError = async (bytes: Uint8Array) => {
    const p = (await evaluateQuantization(floatBytes, bytes, heldOut)).outputs[0]!.points!;
    return p.reference.reduce((a, r, i) => a + p.quantized[i]! - r, 0) / p.reference.length;
  };
  const opts = { calibration: 'minmax' as const, perChannelFullyConnected: false, weightRounding: 'nearest' as const };
  const a = await meanError((await quantizeModel(model, calibration, { ...opts, biasCorrection: false })).bytes);
  const c = await meanError((await quantizeModel(model, calibration, { ...opts, biasCorrection: true })).bytes);
  assert.ok(Math.abs(a) > 1, `without correction the unit is off by ${a.toFixed(3)} on average`);
  assert.ok(Math.abs(c) < Math.abs(a) / 4, `with bias correction ${c.toFixed(3)}, without ${a.toFixed(3)}`);
});
