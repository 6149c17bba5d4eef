import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { evaluateQuantization, quantizeModel } from '../../src/core/quantize/index';
import { loadModel, ModelBuilder, writeModel } from '../../src/core/tflite/index';
import { bootstrapGap, describeDrawsGap, drawsGap, noiseConcentration, sampleScorer, sqnrOn, type DrawScores, type SampleScorer, type SampleScores } from '../../bench/per-sample-scores';

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

test('bootstrap of an SQNR gap: a gap carried by one sample reaches zero, and groups are resampled whole', () => {
  const n = 40;
  const { scorer, of } = fake(n);
  const b = of(Array.from({ length: n }, () => 0.01));
  // a equals b except on sample 0, where its noise is 20× smaller: most resamples that leave it out see no gap.
  const a = of(Array.from({ length: n }, (_, i) => (i === 0 ? 0.0005 : 0.01)));
  const g = bootstrapGap(scorer, a, b, [a, b], { resamples: 1000 });
  assert.equal(g.groups, n);
  assert.ok(g.gapDb > 0.1);
  assert.ok(g.lo <= 1e-12, `lo ${g.lo}`);
  assert.ok(g.hi > g.gapDb, `hi ${g.hi}`);
  assert.equal(g.reachesBest, 1, 'a is never worse than b on any resample');
  const grouped = bootstrapGap(scorer, a, b, [], { groups: Array.from({ length: n }, (_, i) => Math.floor(i / 4)), resamples: 100 });
  assert.equal(grouped.groups, 10);
  assert.equal(grouped.reachesBest, undefined);
  assert.ok(Math.abs(grouped.gapDb - g.gapDb) < 1e-12);
  // Each resample holds whole groups: sample 0 comes with its three neighbours, so the gap takes few distinct values.
  assert.ok(grouped.lo <= 1e-12 && grouped.hi >= grouped.gapDb - 1e-12, `${grouped.lo}…${grouped.hi}`);
});

test('ours reaches the best of several only where no other option beats it', () => {
  const { scorer, of } = fake(4);
  const ours = of([0.01, 0.01, 0.01, 0.01]);
  const better = of([0.005, 0.005, 0.005, 0.005]);
  assert.equal(bootstrapGap(scorer, ours, better, [ours, better], { resamples: 100 }).reachesBest, 0);
  assert.equal(bootstrapGap(scorer, better, ours, [ours, better], { resamples: 100 }).reachesBest, 1);
});

test('noise concentration and the SQNR of a part of the test set', () => {
  const { scorer, of } = fake(5);
  const s = of([6, 1, 1, 1, 1]);
  const c = noiseConcentration(s);
  assert.equal(c.half, 1);
  assert.ok(Math.abs(c.topThreeShare - 0.8) < 1e-12);
  // Samples 1 and 2: signal 2, noise 2 → 0 dB; sample 0 alone: 10·log10(1/6).
  assert.ok(Math.abs(sqnrOn(scorer, s, [1, 2])) < 1e-12);
  assert.ok(Math.abs(sqnrOn(scorer, s, [0]) - 10 * Math.log10(1 / 6)) < 1e-12);
});

test('calibration draws: the option best on average is the anchor; a lag every draw shares is real, one that flips sign is not', () => {
  const n = 100;
  const r = rng(9);
  const base = Array.from({ length: n }, () => 0.001 + 0.01 * r());
  const { scorer, of } = fake(n);
  // Per draw: ours, option A, option B. A is 1 dB better than ours on every draw (noise ×0.794 on every sample); B is
  // best on draw 0 only, by more than A there, so a per-draw pick would name B once.
  const scaled = (k: number) => of(base.map((x) => x * k));
  const draw = (oursK: number, aK: number, bK: number): DrawScores => ({ ours: scaled(oursK), options: [{ label: 'A', s: scaled(aK) }, { label: 'B', s: scaled(bK) }] });
  const behind = [draw(1, 10 ** -0.1, 0.5), ...Array.from({ length: 4 }, () => draw(1, 10 ** -0.1, 2))];
  const g = drawsGap(scorer, behind, { resamples: 500 });
  assert.equal(g.option, 'A');
  assert.ok(Math.abs(g.meanGapDb + 1) < 1e-9, String(g.meanGapDb));
  assert.ok(g.hi! < 0, `${g.lo}…${g.hi}`);
  assert.equal(g.reachesBest, 0, 'A beats ours on every resample');
  assert.deepEqual(g.perDraw.map((d) => d.best), ['B', 'A', 'A', 'A', 'A']);
  assert.match(describeDrawsGap(g, [11, 1, 2, 3, 4]), /over 5 calibration draws \(seeds 11, 1, 2, 3, 4\): ours − A \(best on average\) mean -1\.00 dB.*real \(behind\); within 0\.05 dB of the option best on average of the resample in 0% .*B 1×, A 4×, ours within 0\.05 dB of it in 0 of 5/);
  // Ahead on half the draws by as much as behind on the others: the mean is 0 and the interval straddles it.
  const mixed = [draw(1, 0.5, 4), draw(1, 2, 4), draw(1, 0.5, 4), draw(1, 2, 4), draw(1, 0.5, 4), draw(1, 2, 4)];
  const h = drawsGap(scorer, mixed, { resamples: 500 });
  assert.ok(Math.abs(h.meanGapDb) < 1e-9);
  assert.ok(h.lo! < 0 && h.hi! > 0, `${h.lo}…${h.hi}`);
  assert.ok(h.reachesBest! > 0.1 && h.reachesBest! < 0.9, String(h.reachesBest));
  // Too few draws for a bootstrap: the point figures only.
  const few = drawsGap(scorer, behind.slice(0, 3));
  assert.equal(few.lo, undefined);
  assert.match(describeDrawsGap(few, [11, 1, 2]), /mean -1\.00 dB, no interval below 5 draws; per draw -1\.00, -1\.00, -1\.00/);
});
