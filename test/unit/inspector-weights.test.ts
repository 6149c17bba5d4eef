import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { decodeValues, weightStats, WeightsUnavailableError } from '../../src/core/inspector/weight-stats';
import { ModelBuilder, TensorType, elementCount, loadModel } from '../../src/core/tflite';
import { SKIP_WITHOUT_SHARED, sharedModel } from '../helpers/paths';

test('float weights: statistics and histogram of the exact values', () => {
  const b = new ModelBuilder();
  const x = b.input('x', [1, 4]);
  const w = b.constant([4], { name: 'w', values: [-1, 0, 0, 3] });
  b.output(b.add(x, w));
  const model = b.build();
  const s = weightStats(model, 0, w.index, 4);
  assert.equal(s.count, 4);
  assert.equal(s.dequantized, false);
  assert.equal(s.min, -1);
  assert.equal(s.max, 3);
  assert.equal(s.mean, 0.5);
  assert.ok(Math.abs(s.std - Math.sqrt((2.25 + 0.25 + 0.25 + 6.25) / 4)) < 1e-12);
  assert.equal(s.zeros, 2);
  assert.deepEqual(s.histogram.edges, [-1, 0, 1, 2, 3]);
  assert.deepEqual(s.histogram.counts, [1, 2, 0, 1]);
});

test('int8 weights are dequantized per channel along quantized_dimension', () => {
  const b = new ModelBuilder();
  const x = b.input('x', [1, 2]);
  // shape [2, 2], channels along dim 0: rows scale 0.5 (zp 0) and 2 (zp 1)
  const data = new Uint8Array(new Int8Array([2, -2, 1, 3]).buffer);
  const w = b.tensor('w', [2, 2], TensorType.INT8, data, { scale: [0.5, 2], zeroPoint: [0, 1], quantizedDimension: 0 });
  b.output(b.add(x, w));
  const s = weightStats(b.build(), 0, w.index, 8);
  assert.equal(s.dequantized, true);
  assert.equal(s.channels, 2);
  // reals: 1, -1, 0, 4
  assert.equal(s.min, -1);
  assert.equal(s.max, 4);
  assert.equal(s.mean, 1);
  assert.equal(s.zeros, 1);
  assert.equal(s.histogram.counts.reduce((a, c) => a + c, 0), 4);
});

test('raw decoding: float16, int4 (packed, low nibble first), int64, and an unreadable type', () => {
  assert.deepEqual([...decodeValues(TensorType.FLOAT16, new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x00]), 3)], [1, -2, 0]);
  assert.deepEqual([...decodeValues(TensorType.INT4, new Uint8Array([0xf7, 0x08]), 3)], [7, -1, -8]);
  assert.deepEqual([...decodeValues(TensorType.INT64, new Uint8Array(new BigInt64Array([-5n, 1n << 40n]).buffer), 2)], [-5, 2 ** 40]);
  assert.throws(() => decodeValues(TensorType.STRING, new Uint8Array(4), 1), WeightsUnavailableError);
  assert.throws(() => decodeValues(TensorType.FLOAT32, new Uint8Array(4), 2), /2 elements need 8/);
});

test('an activation has no values to show', () => {
  const b = new ModelBuilder();
  const x = b.input('x', [1, 2]);
  b.output(b.relu(x));
  assert.throws(() => weightStats(b.build(), 0, x.index), /activation/);
});

test('person_detect: every constant tensor summarises, counts match shapes', { skip: SKIP_WITHOUT_SHARED }, () => {
  const { model } = loadModel(fs.readFileSync(sharedModel('tflm/models/person_detect.tflite')));
  const g = model.subgraphs[0]!;
  let checked = 0;
  g.tensors.forEach((t, i) => {
    if ((model.buffers[t.buffer]?.data.length ?? 0) === 0) return;
    const s = weightStats(model, 0, i);
    assert.equal(s.count, elementCount(t.shape));
    assert.equal(s.histogram.counts.reduce((a, c) => a + c, 0), s.count);
    assert.ok(s.min <= s.mean && s.mean <= s.max);
    checked++;
  });
  assert.ok(checked > 50);
});
