/** Damaged files that pass the format checks: a clear error naming the tensor, never an internal error or a quiet model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { checkQuantizable, QuantizeError, quantizeModel } from '../../src/core/quantize/index';
import { BuiltinOperator, ModelBuilder, readModel } from '../../src/core/tflite/index';
import { TflmReference } from '../../src/core/quantize/tflm-reference';

function data(n: number, offset = 0): Dataset {
  return { source: 'x.npy', inputShapes: [[1, 4]], samples: Array.from({ length: n }, (_, i) => [Float32Array.from({ length: 4 }, (_, k) => offset + Math.sin(i + k))]) };
}

/** The bytes of operator `op`'s weights, to damage in place. */
function weightBytes(model: ReturnType<ModelBuilder['build']>, op: number): DataView {
  const sg = model.subgraphs[0]!;
  const bytes = model.buffers[sg.tensors[sg.operators[op]!.inputs[1]!]!.buffer]!.data;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function twoLayers(): ReturnType<ModelBuilder['build']> {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('x', [1, 4]);
  b.output(b.fullyConnected(b.fullyConnected(x, 8, { activation: 'RELU' }), 2));
  return b.build();
}

test('a declared shape that disagrees with what its operator computes is named (TFLite Micro would read past the tensor)', async () => {
  const model = twoLayers();
  const sg = model.subgraphs[0]!;
  const hidden = sg.tensors[sg.operators[0]!.outputs[0]!]!;
  hidden.shape = [5, 8]; // LiteRT recomputes it as [1, 8]; TFLite Micro trusts the file
  await assert.rejects(quantizeModel(model, data(40), { calibration: 'minmax', heldOut: data(12) }), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.kind, 'unsupported-model');
    assert.match(e.message, new RegExp(`tensor "${hidden.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is declared \\[5, 8\\] \\(40 values\\), but FULLY_CONNECTED #0 computes 8 values for it .*The file is damaged`));
    return true;
  });
});

test('a float model that overflows float32 on the calibration data is said so, naming the tensor', async () => {
  const model = twoLayers();
  // Finite, all alike (the preflight lets them pass: no outlier), but times an input of 2 or more past float32's 3.4e38.
  const view = weightBytes(model, 0);
  for (let k = 0; k < view.byteLength / 4; k++) view.setFloat32(k * 4, 3e38, true);
  await assert.rejects(quantizeModel(model, data(40, 3), { calibration: 'minmax', heldOut: data(12, 3) }), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.kind, 'bad-data');
    assert.match(e.message, /reaches \[.*Infinity.*\] on the calibration data: the float model overflows float32 there/);
    return true;
  });
});

test('a convolution whose declared output size is not the one its input, stride and padding give is named too', async () => {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('image', [1, 8, 8, 3]);
  b.output(b.conv2d(b.conv2d(x, 4, [3, 3], { stride: [2, 2], padding: 'SAME', activation: 'RELU' }), 2, [1, 1]));
  const model = b.build();
  const sg = model.subgraphs[0]!;
  const first = sg.tensors[sg.operators[0]!.outputs[0]!]!;
  assert.deepEqual(first.shape, [1, 4, 4, 4]);
  first.shape = [1, 2, 8, 4]; // the same 64 values, another height and width: LiteRT recomputes [1, 4, 4, 4]
  const images: Dataset = { source: 'img.npy', inputShapes: [[1, 8, 8, 3]], samples: Array.from({ length: 30 }, (_, i) => [Float32Array.from({ length: 192 }, (_, k) => Math.sin(i * 7 + k))]) };
  await assert.rejects(quantizeModel(model, images, { calibration: 'minmax', heldOut: { ...images, samples: images.samples.slice(0, 10) } }), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.kind, 'unsupported-model');
    assert.match(e.message, /is declared \[1, 2, 8, 4\] \(64 values\), but CONV_2D #0 computes \[1, 4, 4, 4\] for it/);
    return true;
  });
});

/** Quantizes `model` on sine images of its input shape; the error must name `tensor` and what `op` computes for it. */
async function rejectsDamaged(model: ReturnType<ModelBuilder['build']>, tensor: string, declared: string, op: string, computed: string): Promise<void> {
  const shape = model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const images: Dataset = { source: 'img.npy', inputShapes: [shape], samples: Array.from({ length: 30 }, (_, i) => [Float32Array.from({ length: size }, (_, k) => Math.sin(i * 7 + k))]) };
  await assert.rejects(quantizeModel(model, images, { calibration: 'minmax', heldOut: { ...images, samples: images.samples.slice(0, 10) } }), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.kind, 'unsupported-model');
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(e.message, new RegExp(`tensor "${esc(tensor)}" is declared ${esc(declared)} .*but ${op} #\\d+ computes ${esc(computed)} for it`));
    return true;
  });
}

test('a pooling whose declared output size is not the one its input, filter and stride give is named', async () => {
  const b = new ModelBuilder({ seed: 6 });
  const x = b.input('image', [1, 8, 8, 3]);
  b.output(b.conv2d(b.maxPool2d(b.conv2d(x, 4, [3, 3], { padding: 'SAME', activation: 'RELU' }), [2, 2], { stride: [2, 2] }), 2, [1, 1]));
  const model = b.build();
  const sg = model.subgraphs[0]!;
  const pooled = sg.tensors[sg.operators[1]!.outputs[0]!]!;
  assert.deepEqual(pooled.shape, [1, 4, 4, 4]);
  pooled.shape = [1, 8, 2, 4]; // the same 64 values; LiteRT recomputes [1, 4, 4, 4], TFLite Micro would pool past the input
  await rejectsDamaged(model, pooled.name, '[1, 8, 2, 4]', 'MAX_POOL_2D', '[1, 4, 4, 4]');
});

test('a TRANSPOSE_CONV or resize whose declared output disagrees with its output_shape or size input is named', async () => {
  for (const op of ['TRANSPOSE_CONV', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR'] as const) {
    const b = new ModelBuilder({ seed: 7 });
    const x = b.input('image', [1, 5, 5, 3]);
    const c = b.conv2d(x, 4, [3, 3], { padding: 'SAME', activation: 'RELU' });
    const up = op === 'TRANSPOSE_CONV'
      ? b.op(BuiltinOperator.TRANSPOSE_CONV, [b.int32Constant([1, 10, 10, 4]), b.constant([4, 3, 3, 4], {}, 0.4), c, b.constant([4], {}, 0.3)], [[1, 10, 10, 4]],
        { type: 'TransposeConvOptions', table: { padding: 'SAME', stride_w: 2, stride_h: 2, fused_activation_function: 'NONE' } })[0]!
      : b.op(BuiltinOperator[op], [c, b.int32Constant([10, 10])], [[1, 10, 10, 4]],
        { type: op === 'RESIZE_BILINEAR' ? 'ResizeBilinearOptions' : 'ResizeNearestNeighborOptions', table: { align_corners: false, half_pixel_centers: true } })[0]!;
    b.output(b.conv2d(up, 2, [1, 1]));
    const model = b.build();
    const sg = model.subgraphs[0]!;
    const out = sg.tensors[sg.operators[1]!.outputs[0]!]!;
    out.shape = [1, 5, 20, 4]; // the same 400 values; LiteRT sizes it [1, 10, 10, 4] from the constant input
    await rejectsDamaged(model, out.name, '[1, 5, 20, 4]', op, '[1, 10, 10, 4]');
  }
});

test('the TFLite Micro evaluator names the same damage in an int8 file from elsewhere (export runs it for golden vectors)', async () => {
  for (const op of ['MAX_POOL_2D', 'TRANSPOSE_CONV', 'RESIZE_BILINEAR'] as const) {
    const b = new ModelBuilder({ seed: 8 });
    const x = b.input('image', [1, 8, 8, 3]);
    const c = b.conv2d(x, 4, [3, 3], { padding: 'SAME', activation: 'RELU' });
    const y = op === 'MAX_POOL_2D' ? b.maxPool2d(c, [2, 2], { stride: [2, 2] })
      : op === 'TRANSPOSE_CONV'
        ? b.op(BuiltinOperator.TRANSPOSE_CONV, [b.int32Constant([1, 16, 16, 4]), b.constant([4, 3, 3, 4], {}, 0.4), c, b.constant([4], {}, 0.3)], [[1, 16, 16, 4]],
          { type: 'TransposeConvOptions', table: { padding: 'SAME', stride_w: 2, stride_h: 2, fused_activation_function: 'NONE' } })[0]!
        : b.op(BuiltinOperator.RESIZE_BILINEAR, [c, b.int32Constant([16, 16])], [[1, 16, 16, 4]], { type: 'ResizeBilinearOptions', table: { align_corners: false, half_pixel_centers: true } })[0]!;
    b.output(b.conv2d(y, 2, [1, 1]));
    const images: Dataset = { source: 'img.npy', inputShapes: [[1, 8, 8, 3]], samples: Array.from({ length: 30 }, (_, i) => [Float32Array.from({ length: 192 }, (_, k) => Math.sin(i * 7 + k))]) };
    const { bytes } = await quantizeModel(b.build(), images, { calibration: 'minmax', heldOut: { ...images, samples: images.samples.slice(0, 10) } });
    const q = readModel(bytes);
    const sg = q.subgraphs[0]!;
    const producer = sg.operators.find((o) => BuiltinOperator[q.operatorCodes[o.opcodeIndex]!.builtinCode] === op)!;
    const out = sg.tensors[producer.outputs[0]!]!;
    const good = [...out.shape];
    out.shape = op === 'MAX_POOL_2D' ? [1, 8, 2, 4] : [1, 4, 64, 4]; // the same number of values, another height and width
    assert.throws(() => TflmReference.create(q), (e: unknown) => {
      assert.ok(e instanceof QuantizeError, String(e));
      assert.match(e.message, new RegExp(`is declared \\[${out.shape.join(', ')}\\] .*but ${op} #\\d+ computes \\[${good.join(', ')}\\] for it`));
      return true;
    }, op);
  }
});

test('a weight far outside the rest of its tensor (a flipped exponent bit) is named before calibration, with the layer', async () => {
  const model = twoLayers();
  const view = weightBytes(model, 1);
  view.setUint32(4, view.getUint32(4, true) ^ (1 << 30), true); // exponent bit 7: the value times 2^128 (or 2^-128)
  if (Math.abs(view.getFloat32(4, true)) < 1) view.setUint32(4, view.getUint32(4, true) ^ (1 << 30) ^ (1 << 29), true); // then bit 6: 2^64
  await assert.rejects(quantizeModel(model, data(40), { calibration: 'minmax', heldOut: data(12) }), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, String(e));
    assert.equal(e.kind, 'unsupported-model');
    assert.match(e.message, /the weights of FULLY_CONNECTED #1 \(".*"\) reach -?\d\.\de\+\d+ where the other 15 stay below .*damaged file.*export or download the model again/);
    return true;
  });
  // float16 stores the weights as they are: no scale to span
  assert.ok((await quantizeModel(model, data(4), { mode: 'float16' })).bytes.byteLength > 0);
});

test('weights decayed to nothing beside normal ones are not damage (MLPerf Tiny VWW: half of a layer below 1e-30, the rest up to 0.5)', () => {
  const model = twoLayers();
  const view = weightBytes(model, 0);
  for (let k = 0; k < view.byteLength / 4; k += 2) view.setFloat32(k * 4, 1e-31 * (k + 1), true);
  assert.ok(checkQuantizable(model, { mode: 'int8', keepUnsupportedInFloat: false, name: 'm.tflite' }).model);
});

test('an operator with no output (a damaged file) is outside the TFLite Micro evaluator, not an internal error in it', () => {
  const b = new ModelBuilder({ seed: 9 });
  b.output(b.fullyConnected(b.relu(b.fullyConnected(b.input('x', [1, 4]), 3)), 2));
  const model = b.build();
  assert.doesNotMatch(TflmReference.unsupported(model) ?? '', /FULLY_CONNECTED #0/, 'float FULLY_CONNECTED has a kernel');
  model.subgraphs[0]!.operators[0]!.outputs = [];
  assert.equal(TflmReference.unsupported(model), 'FULLY_CONNECTED #0 (0 outputs)');
});
