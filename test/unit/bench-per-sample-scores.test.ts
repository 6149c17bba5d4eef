import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { evaluateQuantization, quantizeModel } from '../../src/core/quantize/index';
import { loadModel, ModelBuilder, writeModel } from '../../src/core/tflite/index';
import { bootstrapGap, sampleScorer, type SampleScorer, type SampleScores } from '../../bench/per-sample-scores';

function images(count: number, seed: number): Dataset {
  const r = rng(seed);
  return { source: `U[0, 1] seed ${seed}`, inputShapes: [[1, 16]], samples: Array.from({ length: count }, () => [Float32Array.from({ length: 16 }, () => r())]) };
}

function classifierBytes(): Uint8Array {
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('x', [1, 16]);
  b.output(b.softmax(b.fullyConnected(b.fullyConnected(x, 12, { activation: 'RELU' }), 4)));
  return writeModel(b.build());
}

test('per-sample scores give the SQNR and top-1 agreement evaluateQuantization reports, and top-1 against labels', async () => {
  const floatBytes = classifierBytes();
  const q = await quantizeModel(loadModel(floatBytes).model, images(60, 1), { calibration: 'minmax' });
  const test = images(50, 2);
  const scorer = await sampleScorer(floatBytes, test, test.samples.map((_, i) => i % 4));
  const s = await scorer.score(q.bytes);
  const e = await evaluateQuantization(floatBytes, q.bytes, test);
  assert.ok(scorer.classifier);
  assert.ok(Math.abs(s.db - e.outputs[0]!.sqnrDb) < 1e-6, `${s.db} vs ${e.outputs[0]!.sqnrDb}`);
  assert.equal(s.top1Agreement, e.top1Agreement);
  const expected = test.samples.filter((_, i) => s.argmax[i] === i % 4).length / test.samples.length;
  assert.equal(s.top1Label, expected);
  assert.equal(scorer.reference.top1Agreement, 1);
});

/** A scorer over `n` samples of unit signal each, and scores from per-sample noise energies. */
function fake(n: number): { scorer: SampleScorer; of: (noise: number[]) => SampleScores } {
  const signal = new Float64Array(n).fill(1);
  const scorer = { signal: [signal] } as unknown as SampleScorer;
  const of = (noise: number[]): SampleScores => {
    const e = Float64Array.from(noise);
    return { db: 10 * Math.log10(n / e.reduce((a, x) => a + x, 0)), worst: 0, noise: [e], argmax: new Int32Array(n), top1Agreement: 1 };
  };
  return { scorer, of };
}

test('bootstrap of an SQNR gap: a gain every sample shares is real, the same total noise spread differently is not', () => {
  const n = 200;
  const r = rng(3);
  const base = Array.from({ length: n }, () => 0.001 + 0.01 * r());
  const { scorer, of } = fake(n);
  const half = of(base.map((x) => x / 2));
  const full = of(base);
  const g = bootstrapGap(scorer, half, full);
  assert.ok(Math.abs(g.gapDb - 10 * Math.log10(2)) < 1e-9);
  assert.ok(g.lo > 3 && g.hi < 3.02, `${g.lo}…${g.hi}`);
  // The same total noise on a few samples: the two sets' SQNR agree, the interval straddles 0 and is wide.
  const total = base.reduce((a, x) => a + x, 0);
  const few = of(base.map((_, i) => (i % 50 === 0 ? total / 4 : 0)));
  const h = bootstrapGap(scorer, few, full, [few, full]);
  assert.ok(Math.abs(h.gapDb) < 1e-9);
  assert.ok(h.lo < -1 && h.hi > 1, `${h.lo}…${h.hi}`);
  assert.ok(h.reachesBest! > 0.2 && h.reachesBest! < 0.8, String(h.reachesBest));
});
