/** The quantize pairs bench's statistics: the SQNR-gap bootstrap over grouped test inputs, and noise mixing at an SNR. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { bootstrapGap, noiseConcentration, sqnrOf, type PerInputError } from '../../bench/sqnr-bootstrap';
import { mixAtSnr } from '../../bench/speech-clips';

function errors(signal: number[], noise: number[]): PerInputError {
  return { signal: Float64Array.from(signal), noise: Float64Array.from(noise) };
}

test('sqnrOf pools signal and noise energy over the inputs it is given', () => {
  const e = errors([1, 3], [0.01, 0.03]);
  assert.ok(Math.abs(sqnrOf(e) - 20) < 1e-9);
  assert.ok(Math.abs(sqnrOf(e, [1, 1]) - 20) < 1e-9);
  assert.ok(Math.abs(sqnrOf(errors([1, 1], [0.1, 0.001]), [1]) - 30) < 1e-9);
});

test('bootstrapGap: half the noise on every input is +3.01 dB on every resample', () => {
  const r = rng(1);
  const signal = Array.from({ length: 50 }, () => 1 + r());
  const noise = signal.map(() => 0.01 * (0.1 + r()));
  const b = errors(signal, noise);
  const a = errors(signal, noise.map((n) => n / 2));
  const g = bootstrapGap(a, b, [b], undefined, 0.05, 200);
  const db = 10 * Math.log10(2);
  for (const x of [g.gapDb, g.lo, g.hi]) assert.ok(Math.abs(x - db) < 1e-9, `${x}`);
  assert.equal(g.reachesBest, 1);
  assert.equal(g.groups, 50);
});

test('bootstrapGap: a gap carried by one input has an interval that reaches zero, and groups are resampled whole', () => {
  const signal = Array.from({ length: 40 }, () => 1);
  const noise = signal.map(() => 0.01);
  const b = errors(signal, noise);
  // a equals b except on input 0, where its noise is 20× smaller: most resamples that leave it out see no gap.
  const a = errors(signal, noise.map((n, i) => (i === 0 ? n / 20 : n)));
  const g = bootstrapGap(a, b, [b], undefined, 0.05, 1000);
  assert.ok(g.gapDb > 0.1);
  assert.ok(g.lo <= 1e-12, `lo ${g.lo}`);
  assert.ok(g.hi > g.gapDb, `hi ${g.hi}`);
  const grouped = bootstrapGap(a, b, [b], signal.map((_, i) => Math.floor(i / 4)), 0.05, 100);
  assert.equal(grouped.groups, 10);
  assert.ok(Math.abs(grouped.gapDb - g.gapDb) < 1e-12);
});

test('bootstrapGap: ours reaches the best of several only where no other option beats it', () => {
  const signal = [1, 1, 1, 1];
  const ours = errors(signal, [0.01, 0.01, 0.01, 0.01]);
  const better = errors(signal, [0.005, 0.005, 0.005, 0.005]);
  assert.equal(bootstrapGap(ours, better, [ours, better], undefined, 0.05, 100).reachesBest, 0);
  assert.equal(bootstrapGap(better, ours, [ours, better], undefined, 0.05, 100).reachesBest, 1);
});

test('noiseConcentration counts the inputs that carry half the noise', () => {
  const c = noiseConcentration(errors([1, 1, 1, 1, 1], [6, 1, 1, 1, 1]));
  assert.equal(c.half, 1);
  assert.ok(Math.abs(c.topThreeShare - 0.8) < 1e-12);
});

test('mixAtSnr adds the noise at the requested SNR, shifted circularly', () => {
  const r = rng(2);
  const clip = Float32Array.from({ length: 1600 }, (_, i) => 0.5 * Math.sin(i / 7));
  const noise = Float32Array.from({ length: 1000 }, () => r() - 0.5);
  for (const snr of [20, 10, 5]) {
    const y = mixAtSnr(clip, noise, snr, 123);
    let ps = 0, pn = 0;
    for (let i = 0; i < clip.length; i++) { ps += clip[i]! ** 2; pn += (y[i]! - clip[i]!) ** 2; }
    assert.ok(Math.abs(10 * Math.log10(ps / pn) - snr) < 0.2, `${snr} dB`);
    const gain = (y[0]! - clip[0]!) / noise[123]!;
    assert.ok(Math.abs((y[1000]! - clip[1000]!) - gain * noise[123]!) < 1e-5);
  }
});
