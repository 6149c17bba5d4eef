/** The KWS pair's spoken clips (bench/speech-clips.ts): noise mixed in at an SNR. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { mixAtSnr } from '../../bench/speech-clips';

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
