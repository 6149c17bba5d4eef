/** The WebAssembly SIMD dot products give the same int32 sums as the JS loops of the TFLite Micro evaluator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { SimdDot, type ConvGeometry } from '../../src/core/quantize/simd-dot';
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

/** TFLite Micro's ConvPerChannel (integer_ops/conv.h), one batch item, groups 1: the loops the module must equal. */
function referenceConv(x: Int8Array, w: Int8Array, bias: Int32Array, m: Int32Array, s: Int32Array, g: ConvGeometry, oc: number, zp: number, lo: number, hi: number): Int8Array {
  const y = new Int8Array(g.oh * g.ow * oc);
  for (let oy = 0; oy < g.oh; oy++) {
    for (let ox = 0; ox < g.ow; ox++) {
      for (let o = 0; o < oc; o++) {
        let acc = 0;
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.sh - g.padH + g.dh * ky;
          if (iy < 0 || iy >= g.h) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * g.sw - g.padW + g.dw * kx;
            if (ix < 0 || ix >= g.w) continue;
            for (let ic = 0; ic < g.c; ic++) {
              acc = (acc + Math.imul(w[((o * g.kh + ky) * g.kw + kx) * g.c + ic]!, x[(iy * g.w + ix) * g.c + ic]! + g.inOff)) | 0;
            }
          }
        }
        const v = multiplyByQuantizedMultiplier((acc + bias[o]!) | 0, m[o]!, s[o]!) + zp;
        y[(oy * g.ow + ox) * oc + o] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  }
  return y;
}

test('a whole int8 CONV_2D in the module equals ConvPerChannel: strides, dilations, padding on every side, 1 to 19 channels', () => {
  const r = rng(5);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  for (let trial = 0; trial < 40; trial++) {
    const [h, w, c, kh, kw] = [int(1, 9), int(1, 9), int(1, 19), int(1, 4), int(1, 4)];
    const [sh, sw, dh, dw] = [int(1, 3), int(1, 3), int(1, 2), int(1, 2)];
    const [padH, padW] = [int(0, kh), int(0, kw)];
    const oh = Math.max(1, Math.floor((h + 2 * padH - dh * (kh - 1) - 1) / sh) + 1), ow = Math.max(1, Math.floor((w + 2 * padW - dw * (kw - 1) - 1) / sw) + 1);
    const oc = int(1, 17), inOff = int(-127, 128), zp = int(-128, 127);
    const g: ConvGeometry = { h, w, c, kh, kw, sh, sw, dh, dw, padH, padW, oh, ow, inOff };
    const weights = Int8Array.from({ length: oc * kh * kw * c }, () => int(-127, 127));
    const bias = Int32Array.from({ length: oc }, () => int(-5000, 5000));
    const m = new Int32Array(oc), s = new Int32Array(oc);
    for (let o = 0; o < oc; o++) ({ multiplier: m[o], shift: s[o] } = quantizeMultiplier(10 ** (r() * 3 - 4.5)));
    const [lo, hi] = trial % 3 === 0 ? [zp, 127] : [-128, 127];
    const dot = SimdDot.create()!;
    const rows = dot.rows(weights, oc, kh * kw * c);
    const q = dot.requantizer(bias, m, s, zp, lo, hi);
    const layer = dot.convLayer(rows, q, g);
    for (let sample = 0; sample < 2; sample++) {
      const x = Int8Array.from({ length: h * w * c }, () => int(-128, 127));
      const y = new Int8Array(oh * ow * oc);
      dot.runConv(layer, x, y);
      assert.deepEqual(Array.from(y), Array.from(referenceConv(x, weights, bias, m, s, g, oc, zp, lo, hi)), `trial ${trial}: ${JSON.stringify(g)}, ${oc} filters`);
    }
  }
});
