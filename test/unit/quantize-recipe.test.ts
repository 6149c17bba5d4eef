import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { evaluateQuantization, formatQuantizationReport, quantizeModel, SQNR_FLOOR_DB, type RecipeCandidate } from '../../src/core/quantize/index';
import { PER_CHANNEL_FC_MARGIN_DB, RANGE_METHOD_MARGIN_DB, RANGE_METHOD_MIN_T } from '../../src/core/quantize/types';
import { pairedNoiseGain } from '../../src/core/quantize/recipe';
import { HistogramObserver, mseRange, percentileRange, perTensorRange, rangeError } from '../../src/core/quantize/range-estimation';
import { INT8_ACTIVATION } from '../../src/core/quantize/quant-math';
import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite/index';

function data(shape: number[], count: number, seed: number, lo = -1, hi = 1): Dataset {
  const r = rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return { source: `U[${lo}, ${hi}] seed ${seed}`, inputShapes: [shape], samples: Array.from({ length: count }, () => [Float32Array.from({ length: n }, () => lo + (hi - lo) * r())]) };
}

/** FC layers with a heavy-tailed input (one feature 20x larger now and then): where recipes differ. */
function sensorModel(): Model {
  const b = new ModelBuilder({ seed: 21 });
  const x = b.input('features', [1, 12]);
  const h = b.fullyConnected(x, 24, { activation: 'RELU' });
  const g = b.fullyConnected(h, 16);
  b.output(b.fullyConnected(g, 3));
  return b.build();
}

function spiky(count: number, seed: number): Dataset {
  const d = data([1, 12], count, seed);
  const r = rng(seed + 100);
  for (const [s] of d.samples) if (r() < 0.02) s![Math.floor(r() * 12)] = 20 * (r() - 0.5);
  return d;
}

test('the one-pass histogram grows to later values and matches a histogram over the final range', () => {
  const r = rng(5);
  const chunks = [0.1, 1, 3, 10].map((scale) => Float32Array.from({ length: 5000 }, () => (r() + r() - 1) * scale));
  const all = Float32Array.from(chunks.flatMap((c) => [...c]));
  const grown = new HistogramObserver();
  for (const c of chunks) grown.observe(c);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.equal(grown.min, lo);
  assert.equal(grown.max, hi);
  assert.equal(grown.counts.reduce((a, c) => a + c, 0), all.length, 'no value lost while merging bins');
  const fixed = new HistogramObserver(lo, hi);
  fixed.observe(all);
  const [pg, pf] = [percentileRange(grown, 99), percentileRange(fixed, 99)];
  const tol = 4 * grown.width;
  assert.ok(Math.abs(pg.max - pf.max) <= tol && Math.abs(pg.min - pf.min) <= tol, `${JSON.stringify(pg)} vs ${JSON.stringify(pf)}`);
  const [mg, mf] = [mseRange(grown, INT8_ACTIVATION), mseRange(fixed, INT8_ACTIVATION)];
  assert.ok(Math.abs(mg.max - mf.max) <= 0.05 * (hi - lo), `${JSON.stringify(mg)} vs ${JSON.stringify(mf)}`);
  // A constant tensor stays a point.
  const c = new HistogramObserver();
  c.observe(new Float32Array(10).fill(2));
  assert.deepEqual(percentileRange(c), { min: 2, max: 2 });
});

test('with no options ranges are chosen per tensor, checked and refined by held-out accuracy, and every candidate scored is in the report', async () => {
  const heldOut = spiky(60, 2);
  const auto = await quantizeModel(sensorModel(), spiky(300, 1), { heldOut });
  const recipe = auto.report.recipe!;
  assert.deepEqual(recipe.forced, []);
  // Greedy, one part at a time: per-tensor, then per-channel FC, then bias correction, then GPTQ weight rounding, then
  // min/max with those: 5 candidates.
  const cs = recipe.candidates;
  assert.equal(cs.length, 5);
  const key = (r: RecipeCandidate['recipe']) => JSON.stringify(r);
  assert.deepEqual(cs[0]!.recipe, { method: 'per-tensor', perChannelFullyConnected: false, biasCorrection: false });
  assert.deepEqual(cs[1]!.recipe, { ...cs[0]!.recipe, perChannelFullyConnected: true });
  const afterFc = cs[1]!.scoreDb > cs[0]!.scoreDb + PER_CHANNEL_FC_MARGIN_DB ? cs[1]! : cs[0]!;
  assert.deepEqual(cs[2]!.recipe, { ...afterFc.recipe, biasCorrection: true });
  const afterBc = cs[2]!.scoreDb > afterFc.scoreDb ? cs[2]! : afterFc;
  assert.deepEqual(cs[3]!.recipe, { ...afterBc.recipe, gptq: true });
  const afterGptq = cs[3]!.scoreDb > afterBc.scoreDb ? cs[3]! : afterBc;
  assert.deepEqual(cs[4]!.recipe, { ...afterGptq.recipe, method: 'minmax' });
  // Min/max replaces per-tensor only with the margin and a gain the scoring samples share (paired t in the report).
  if (afterGptq.recipe.method === 'per-tensor') assert.equal(typeof cs[4]!.pairedT, 'number');
  const overturns = cs[4]!.scoreDb > afterGptq.scoreDb + RANGE_METHOD_MARGIN_DB && cs[4]!.pairedT! >= RANGE_METHOD_MIN_T;
  const winner = overturns ? cs[4]! : afterGptq;
  assert.equal(key(recipe.chosen), key(winner.recipe));
  assert.equal(recipe.scoredOn?.heldOut, true);
  assert.equal(recipe.scoredOn?.samples, 60);
  // The scores are what the final model gets on the same samples.
  assert.ok(Math.abs(auto.report.accuracy!.outputs[0]!.sqnrDb - winner.scoreDb) < 1e-6);
  assert.equal(auto.report.calibration?.method, recipe.chosen.method);
  const text = formatQuantizationReport(auto.report);
  assert.match(text, /Recipe: .* \(chosen automatically among 5 by worst-output SQNR on 60 held-out samples; per-channel FC must gain 0\.5 dB; a single range method must gain 0\.1 dB over per-tensor, shared by the samples \(paired t ≥ 2\)\)/);
  assert.match(text, /\n {2}\* .*\d+\.\d dB/);
  if (recipe.chosen.method === 'per-tensor') {
    // Every observed tensor counted once, under the method it took.
    const counted = Object.values(recipe.perTensor!).reduce((a, n) => a + n, 0);
    assert.ok(counted > 0);
    assert.match(text, new RegExp(`ranges per tensor, by each tensor's own quantization error over its histogram: .*\\d`));
  }
});

test('pairedNoiseGain: a gain most samples share scores high, one that a single sample carries scores low', () => {
  const a = Float64Array.from({ length: 20 }, (_, i) => 1 + 0.1 * Math.sin(i));
  // Every sample 10% less noise: the same total saving as one sample carrying it all.
  const shared = a.map((v) => v * 0.9);
  const total = a.reduce((x, v) => x + v, 0) * 0.1;
  const carried = Float64Array.from(a, (v, i) => (i === 0 ? v - total : v));
  assert.ok(pairedNoiseGain(a, shared) > 10);
  assert.ok(pairedNoiseGain(a, carried) < RANGE_METHOD_MIN_T);
  assert.ok(pairedNoiseGain(a, carried) > 0);
  // More noise is a negative gain; identical candidates none.
  assert.ok(pairedNoiseGain(shared, a) < -10);
  assert.equal(pairedNoiseGain(a, a), 0);
});

test('the per-tensor range has the smallest expected error of the three methods on that tensor', () => {
  const r = rng(9);
  // A bulk in [-1, 1] and rare outliers at ±30: min/max wastes the grid, percentile or MSE clip.
  const values = Float32Array.from({ length: 20000 }, () => (r() < 0.001 ? 30 * Math.sign(r() - 0.5) : 2 * r() - 1));
  const h = new HistogramObserver();
  h.observe(values);
  const choice = perTensorRange(h, INT8_ACTIVATION);
  const errors = {
    minmax: rangeError(h, { min: h.min, max: h.max }),
    percentile: rangeError(h, percentileRange(h)),
    mse: rangeError(h, mseRange(h, INT8_ACTIVATION)),
  };
  const chosenError = rangeError(h, choice.range);
  for (const e of Object.values(errors)) assert.ok(chosenError <= e, `${chosenError} vs ${JSON.stringify(errors)}`);
  assert.equal(chosenError, errors[choice.method]);
  assert.notEqual(choice.method, 'minmax');
  // Without outliers the choice is never worse than min/max either.
  const flat = new HistogramObserver();
  flat.observe(Float32Array.from({ length: 20000 }, () => 2 * r() - 1));
  const f = perTensorRange(flat, INT8_ACTIVATION);
  assert.ok(rangeError(flat, f.range) <= rangeError(flat, { min: flat.min, max: flat.max }));
});

test('options fix their part of the recipe; all four fixed means no search', async () => {
  const calibration = spiky(200, 3);
  const heldOut = spiky(30, 4);
  const mse = await quantizeModel(sensorModel(), calibration, { heldOut, calibration: 'mse' });
  assert.deepEqual(mse.report.recipe!.forced, ['method']);
  assert.ok(mse.report.recipe!.candidates.every((c) => c.recipe.method === 'mse'));
  const fixed = await quantizeModel(sensorModel(), calibration, { heldOut, calibration: 'minmax', perChannelFullyConnected: false, biasCorrection: false, weightRounding: 'nearest' });
  assert.deepEqual(fixed.report.recipe, { chosen: { method: 'minmax', perChannelFullyConnected: false, biasCorrection: false }, forced: ['method', 'perChannelFullyConnected', 'biasCorrection', 'weightRounding'], candidates: [] });
  assert.match(formatQuantizationReport(fixed.report), /Recipe: minmax ranges \(set by options\)/);
  // Without held-out data the calibration samples score the candidates, and the report says so.
  const inSample = await quantizeModel(sensorModel(), calibration, { calibration: 'percentile' });
  assert.equal(inSample.report.recipe!.scoredOn?.heldOut, false);
});

test(`an output below the ${SQNR_FLOOR_DB} dB floor is a loud warning in the report, not a quiet success`, async () => {
  // Calibrated on a sliver of the input range, evaluated on all of it: the outputs clip.
  const q = await quantizeModel(sensorModel(), data([1, 12], 120, 5, 0, 0.01), { heldOut: data([1, 12], 30, 6, -10, 10), calibration: 'minmax' });
  const out = q.report.accuracy!.outputs[0]!;
  assert.ok(out.sqnrDb < SQNR_FLOOR_DB, `${out.sqnrDb}`);
  assert.deepEqual(q.report.accuracy!.belowFloor, [out.name]);
  assert.match(q.warnings[0]!, new RegExp(`^ACCURACY BELOW THE FLOOR: output "${out.name}" -?\\d+\\.\\d dB .*${SQNR_FLOOR_DB} dB floor`));
  assert.match(formatQuantizationReport(q.report, q.warnings), /BELOW THE 15 dB FLOOR/);
  const fine = await quantizeModel(sensorModel(), spiky(150, 7), { heldOut: spiky(30, 8) });
  assert.equal(fine.report.accuracy!.belowFloor, undefined);
  assert.ok(!fine.warnings.some((w) => /FLOOR/.test(w)));
});

test('the evaluation reuses the outputs the recipe search scored: the same accuracy report as running both models again', async () => {
  const model = sensorModel();
  const heldOut = spiky(60, 4);
  const result = await quantizeModel(model, spiky(200, 3), { heldOut });
  assert.ok(result.report.recipe?.candidates.length, 'the recipe search ran');
  const again = await evaluateQuantization(writeModel(model), result.bytes, heldOut);
  const reused = result.report.accuracy!;
  assert.equal(reused.samples, again.samples);
  assert.deepEqual(reused.outputs, again.outputs, 'output SQNR, errors and scatter points agree');
  assert.deepEqual(reused.layers, again.layers, 'a small model compares every layer on every sample either way');
  assert.equal(reused.layerSamples, undefined);
});
