import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { splitForTargetSearch } from '../../src/core/data/index';
import { checkTflmCompatibility, isTflmCompatible } from '../../src/core/analysis/tflm-compat';
import { formatQuantizationReport, quantizeModel } from '../../src/core/quantize/index';
import { constantFloats } from '../../src/core/quantize/graph';
import { InputMoments, roundingLayers, roundWithMoments, type LayerMoments } from '../../src/core/quantize/weight-rounding';
import { quantizeWeights, weightScales } from '../../src/core/quantize/weights';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { elementCount, ModelBuilder, TensorType, writeModel, type Model } from '../../src/core/tflite/index';
import { smoothImages } from '../helpers/smooth-images';

/** One input read by a strided conv, a depthwise conv with multiplier 2 and (reshaped) a FULLY_CONNECTED layer. */
function threeLayers(): Model {
  const b = new ModelBuilder({ seed: 11 });
  const x = b.input('image', [1, 9, 9, 3]);
  const zeros = (n: number) => ({ values: new Float32Array(n) });
  b.output(b.conv2d(x, 4, [3, 3], { stride: [2, 2], padding: 'SAME', bias: zeros(4) }));
  b.output(b.depthwiseConv2d(x, [3, 3], { multiplier: 2, padding: 'VALID', bias: zeros(6) }));
  b.output(b.fullyConnected(b.reshape(x, [1, 243]), 5, { bias: false }));
  return b.build();
}

/** The symmetric d×d block at `off` of moment sums (upper triangle stored), applied as vᵀ S v. */
function quadratic(m: LayerMoments, off: number, v: (k: number) => number): number {
  const d = m.layer.dim;
  let s = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += v(i) * v(j) * m.sums[off + Math.min(i, j) * d + Math.max(i, j)]!;
  return s;
}

test('input moments: Σ y² of every output channel, as LiteRT computes the layer, equals wᵀ (Σ x xᵀ) w of its patches', async () => {
  const model = threeLayers();
  const sg = model.subgraphs[0]!;
  const layers = roundingLayers(model);
  assert.deepEqual(layers.map((l) => l.kind), ['conv', 'depthwise', 'fc']);
  const moments = new InputMoments(layers);
  const r = rng(5);
  const samples = Array.from({ length: 3 }, () => Float32Array.from({ length: 243 }, () => r() * 2 - 1));
  for (const x of samples) for (const t of moments.tensors) moments.observe(t, x, elementCount(sg.tensors[t]!.shape));
  const rt = await loadRuntimeModel(writeModel(model), { name: 'three layers' });
  const energy = sg.outputs.map((t) => new Float64Array(sg.tensors[t]!.shape.at(-1)!));
  try {
    for (const x of samples) {
      rt.run([x]).forEach((y, k) => { const c = energy[k]!.length; for (let i = 0; i < y.length; i++) energy[k]![i % c]! += Number(y[i]) ** 2; });
    }
  } finally {
    rt.dispose();
  }
  const byOp = moments.byOperator();
  layers.forEach((l, k) => {
    const m = byOp.get(l.op)!;
    // Small maps: every position is summed.
    assert.equal(m.count, samples.length * l.oh * l.ow);
    const wt = sg.tensors[sg.operators[l.op]!.inputs[1]!]!;
    const w = constantFloats(model, wt);
    const channels = wt.shape[l.kind === 'depthwise' ? 3 : 0]!;
    for (let c = 0; c < channels; c++) {
      const expected = l.kind === 'depthwise'
        ? quadratic(m, Math.floor(c / 2) * l.dim * l.dim, (i) => w[i * channels + c]!)
        : quadratic(m, 0, (i) => w[c * l.dim + i]!);
      const got = energy[k]![c]!;
      assert.ok(Math.abs(got - expected) <= 1e-4 * expected, `${l.kind} channel ${c}: LiteRT ${got}, moments ${expected}`);
    }
  });
});

test('GPTQ rounding: on correlated inputs the layer output error on new samples is well below nearest rounding', () => {
  const d = 32, o = 16, rank = 6;
  const r = rng(7);
  const mix = Float64Array.from({ length: d * rank }, () => r() * 2 - 1);
  const sample = () => {
    const z = Array.from({ length: rank }, () => r() * 2 - 1);
    return Float32Array.from({ length: d }, (_, i) => z.reduce((s, zk, k) => s + zk * mix[i * rank + k]!, 0) + 0.05 * (r() - 0.5));
  };
  const model = ((): Model => {
    const b = new ModelBuilder({ seed: 2 });
    b.output(b.fullyConnected(b.input('x', [1, d]), o, { bias: false }));
    return b.build();
  })();
  const [layer] = roundingLayers(model);
  const moments = new InputMoments([layer!], 256);
  for (let i = 0; i < 256; i++) moments.observe(layer!.input, sample(), d);
  const m = moments.byOperator().get(layer!.op)!;
  const wt = model.subgraphs[0]!.tensors[model.subgraphs[0]!.operators[0]!.inputs[1]!]!;
  const w = constantFloats(model, wt);
  const scales = weightScales(w, wt.shape, 0);
  const nearest = quantizeWeights(w, wt.shape, 0, scales).values;
  const gptq = roundWithMoments(w, wt.shape, scales, m)!;
  assert.ok(gptq.every((q) => q >= -127 && q <= 127));
  assert.ok(gptq.some((q, i) => q !== nearest[i]), 'GPTQ changes some roundings');
  const error = (q: Int8Array) => {
    let e = 0;
    for (let n = 0; n < 500; n++) {
      const x = sample();
      for (let c = 0; c < o; c++) {
        let y = 0;
        for (let i = 0; i < d; i++) y += (w[c * d + i]! - q[c * d + i]! * scales[c]!) * x[i]!;
        e += y * y;
      }
    }
    return e;
  };
  const [en, eg] = [error(nearest), error(gptq)];
  assert.ok(eg < 0.5 * en, `output error: GPTQ ${eg.toExponential(2)} vs nearest ${en.toExponential(2)}`);
});

const images = smoothImages;

function convModel(): Model {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('image', [1, 8, 8, 3]);
  const c1 = b.conv2d(x, 8, [3, 3], { padding: 'SAME', activation: 'RELU' });
  const d1 = b.depthwiseConv2d(c1, [3, 3], { padding: 'SAME' });
  const c2 = b.conv2d(b.add(c1, d1), 8, [1, 1], { padding: 'SAME' });
  b.output(b.fullyConnected(b.reshape(c2, [1, 512]), 4));
  return b.build();
}

test('--weight-rounding gptq: the recipe says so, the model runs on LiteRT and passes the TFLM check; the automatic recipe scores it as a candidate with an accuracy target only', async () => {
  const model = convModel();
  const calibration = images(48, 1);
  const heldOut = images(16, 2);
  const gptq = await quantizeModel(model, calibration, { heldOut, weightRounding: 'gptq', calibration: 'minmax', perChannelFullyConnected: false, biasCorrection: false });
  assert.equal(gptq.report.recipe!.chosen.gptq, true);
  assert.ok(gptq.report.recipe!.forced.includes('weightRounding'));
  assert.match(formatQuantizationReport(gptq.report, gptq.warnings), /GPTQ weights \(set by options\)/);
  assert.ok(isTflmCompatible(checkTflmCompatibility(gptq.model)));
  const rt = await loadRuntimeModel(gptq.bytes, { name: 'gptq' });
  rt.dispose();
  const nearest = await quantizeModel(model, calibration, { heldOut, weightRounding: 'nearest', calibration: 'minmax', perChannelFullyConnected: false, biasCorrection: false });
  const int8Weights = (m: Model) => m.subgraphs[0]!.tensors.filter((t) => t.type === TensorType.INT8 && t.buffer > 0 && m.buffers[t.buffer]!.data.byteLength > 0).map((t) => m.buffers[t.buffer]!.data);
  assert.notDeepEqual(int8Weights(gptq.model), int8Weights(nearest.model));
  const auto = await quantizeModel(model, calibration, { heldOut });
  assert.ok(!auto.report.recipe!.candidates.some((c) => c.recipe.gptq), 'without a target the default does not pay for GPTQ');
  const targeted = await quantizeModel(model, calibration, { heldOut, targetSqnrDb: 1 });
  assert.ok(targeted.report.recipe!.candidates.some((c) => c.recipe.gptq), JSON.stringify(targeted.report.recipe!.candidates));
});

test('an accuracy target searches on one half of the held-out samples and reports on the other; too few to split is said', async () => {
  const parts = splitForTargetSearch(images(24, 4));
  assert.equal(parts.search.samples.length + parts.reported.samples.length, 24);
  assert.equal(parts.search.samples.length, 12);
  assert.equal(parts.warning, undefined);
  const model = convModel();
  const calibration = images(48, 1);
  const r = await quantizeModel(model, calibration, { heldOut: images(24, 2), targetSqnrDb: 30 });
  const m = r.report.mixedPrecision!;
  assert.equal(m.scoredOn.samples, 12);
  assert.equal(r.report.accuracy!.samples, 12);
  assert.equal(m.reportedOn!.samples, 12);
  assert.equal(m.reportedOn!.unseen, true);
  assert.equal(m.reportedOn!.worstDb, Math.min(...r.report.accuracy!.outputs.map((o) => o.sqnrDb)));
  assert.match(formatQuantizationReport(r.report, r.warnings), /on the other 12 held-out samples, which the search did not see/);

  const few = await quantizeModel(model, calibration, { heldOut: images(6, 3), targetSqnrDb: 30 });
  assert.equal(few.report.mixedPrecision!.reportedOn!.unseen, false);
  assert.equal(few.report.mixedPrecision!.scoredOn.samples, 6);
  assert.ok(few.warnings.some((w) => /Only 6 held-out sample\(s\).*optimistic.*10 or more/.test(w)), few.warnings.join('\n'));
});
