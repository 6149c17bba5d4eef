/** The WebAssembly SIMD dot products give the same int32 sums as the JS loops of the TFLite Micro evaluator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { SimdDot } from '../../src/core/quantize/simd-dot';

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
