/** The WebAssembly SIMD dot products give the same int32 sums as the JS loops of the TFLite Micro evaluator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { SimdDot } from '../../src/core/quantize/simd-dot';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../src/core/quantize/tflm-fixed-point';

function jsDots(w: Int8Array, count: number, depth: number, x: Int16Array): Int32Array {
  const out = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    let acc = 0;
    for (let k = 0; k < depth; k++) acc = (acc + Math.imul(w[r * depth + k]!, x[k]!)) | 0;
    out[r] = acc;
  }
  return out;
}

test('SIMD int8 x int16 dot products equal the JS int32 sums for any depth, memory growth included', () => {
  const dot = SimdDot.create();
  assert.ok(dot, 'Node has WebAssembly SIMD');
  const r = rng(3);
  for (const [count, depth] of [[1, 1], [3, 7], [16, 8], [10, 27], [64, 144], [5, 1000], [300, 577], [2, 0]] as const) {
    const w = Int8Array.from({ length: count * depth }, () => Math.floor(r() * 256) - 128);
    const x = Int16Array.from({ length: depth }, () => Math.floor(r() * 511) - 255);
    const rows = dot.rows(w, count, depth);
    const { input, output } = dot.views(rows);
    input.set(x);
    dot.dot(rows);
    assert.deepEqual(Array.from(output), Array.from(jsDots(w, count, depth, x)), `${count} x ${depth}`);
  }
});

test('the extremes: -128 x -255 over a long row sums exactly, and int32 overflow wraps as the JS loop does', () => {
  const dot = SimdDot.create()!;
  for (const depth of [8, 4096, 70000]) {
    const w = new Int8Array(depth).fill(-128);
    const x = new Int16Array(depth).fill(-255);
    const rows = dot.rows(w, 1, depth);
    const { input, output } = dot.views(rows);
    input.set(x);
    dot.dot(rows);
    assert.equal(output[0], jsDots(w, 1, depth, x)[0], `depth ${depth}`);
  }
});

test('SIMD requantization gives the int8 outputs of the JS MultiplyByQuantizedMultiplier, saturation and wrap-around included', () => {
  const dot = SimdDot.create()!;
  const r = rng(11);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const depth = 9;
  const count = 4000;
  const w = Int8Array.from({ length: count * depth }, () => int(-128, 127));
  const rows = dot.rows(w, count, depth);
  // Multipliers from real scales (both shift signs), and the edges: INT32_MIN sums, shifts of ±31, zero multipliers.
  const multiplier = new Int32Array(count), shift = new Int32Array(count), bias = new Int32Array(count);
  for (let c = 0; c < count; c++) {
    const q = c % 97 === 0 ? { multiplier: 0, shift: 0 } : quantizeMultiplier(10 ** (r() * 8 - 6));
    multiplier[c] = c % 89 === 0 ? -2147483648 : q.multiplier;
    shift[c] = c % 83 === 0 ? -31 : c % 79 === 0 ? 31 : q.shift;
    bias[c] = c % 71 === 0 ? -2147483648 : c % 73 === 0 ? 2147483647 : int(-(2 ** 20), 2 ** 20);
  }
  for (const [zp, lo, hi] of [[-128, -128, 127], [5, -128, 127], [-3, 0, 100], [127, -128, 127]] as const) {
    const q = dot.requantizer(bias, multiplier, shift, zp, lo, hi);
    const { input, output, output8 } = dot.views(rows);
    for (let trial = 0; trial < 3; trial++) {
      const x = Int16Array.from({ length: depth }, () => int(-255, 255));
      input.set(x);
      dot.dotRequantized(rows, q);
      const sums = jsDots(w, count, depth, x);
      assert.deepEqual(Array.from(output), Array.from(sums));
      const expected = Array.from(sums, (s, c) => {
        const v = multiplyByQuantizedMultiplier((s + bias[c]!) | 0, multiplier[c]!, shift[c]!) + zp;
        return v < lo ? lo : v > hi ? hi : v;
      });
      assert.deepEqual(Array.from(output8), expected, `zero point ${zp}, range [${lo}, ${hi}]`);
    }
  }
});
