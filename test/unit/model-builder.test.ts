import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeModel } from '../../src/core/analysis';
import { buildSensorAnomalyModel } from '../../src/core/samples/sensor-anomaly-model';
import { BuiltinOperator, loadModel, ModelBuilder, operatorName, readModel, TensorType, writeModel } from '../../src/core/tflite';
import { buildAllOpsModel } from '../helpers/sample-models';
import { assertModelsEqual } from '../helpers/model-equal';

test('ModelBuilder output validates and infers NHWC shapes', () => {
  const model = buildAllOpsModel();
  const bytes = writeModel(model);
  const { model: read, warnings } = loadModel(bytes);
  assert.deepEqual(warnings, []);
  const g = read.subgraphs[0]!;
  const shapes = g.operators.map((op) => `${operatorName(read, op)}:${g.tensors[op.outputs[0]!]!.shape.join('x')}`);
  assert.deepEqual(shapes, [
    'CONV_2D:1x8x8x8', 'DEPTHWISE_CONV_2D:1x8x8x16', 'MAX_POOL_2D:1x4x4x16', 'AVERAGE_POOL_2D:1x4x4x16', 'ADD:1x4x4x16',
    'MUL:1x4x4x16', 'CONCATENATION:1x4x4x32', 'PAD:1x6x6x32', 'MEAN:1x32', 'RELU:1x32', 'LEAKY_RELU:1x32', 'LOGISTIC:1x32',
    'TANH:1x32', 'RESHAPE:1x32', 'FULLY_CONNECTED:1x10', 'SOFTMAX:1x10',
  ]);
  const conv = g.operators[0]!;
  assert.deepEqual(conv.builtinOptions, {
    type: 'Conv2DOptions',
    table: { padding: 'SAME', stride_w: 2, stride_h: 2, fused_activation_function: 'RELU6', dilation_w_factor: 1, dilation_h_factor: 1, quantized_bias_type: 'FLOAT32' },
  });
  assert.equal(g.tensors[conv.inputs[1]!]!.type, TensorType.FLOAT32);
  assert.deepEqual(g.tensors[conv.inputs[1]!]!.shape, [8, 3, 3, 3]);
});

test('built models round-trip exactly and deterministically', () => {
  const a = writeModel(buildAllOpsModel());
  const b = writeModel(buildAllOpsModel());
  assert.deepEqual(Buffer.from(a), Buffer.from(b), 'same builder calls must give the same bytes');
  const once = readModel(a);
  assertModelsEqual(readModel(writeModel(once)), once);
});

test('summary of a built model: MACs and parameters computed from shapes', () => {
  const s = summarizeModel(buildAllOpsModel());
  const macs = Object.fromEntries(s.operators.map((o) => [o.opcode, o.macs]));
  assert.equal(macs['CONV_2D'], 8 * 8 * 8 * (3 * 3 * 3));
  assert.equal(macs['DEPTHWISE_CONV_2D'], 8 * 8 * 16 * 9);
  assert.equal(macs['FULLY_CONNECTED'], 32 * 10);
  assert.equal(macs['MAX_POOL_2D'], 4 * 4 * 16 * 4);
  assert.equal(s.opHistogram['CONV_2D'], 1);
  assert.equal(s.inputs[0]!.type, 'FLOAT32');
  assert.deepEqual(s.inputs[0]!.shape, [1, 16, 16, 3]);
  // conv 8*27+8, depthwise 9*16+16, fc 32*10+10, plus int32 operands (paddings 8, axes 2, reshape 2)
  assert.equal(s.paramCount, 8 * 27 + 8 + 9 * 16 + 16 + 320 + 10 + 8 + 2 + 2);
  assert.equal(s.weightBytesByType['FLOAT32'], (8 * 27 + 8 + 9 * 16 + 16 + 320 + 10) * 4);
});

test('the bundled sample model is a 4-layer dense autoencoder', () => {
  const model = buildSensorAnomalyModel();
  const s = summarizeModel(loadModel(writeModel(model)).model);
  assert.deepEqual(s.opHistogram, { FULLY_CONNECTED: 4 });
  assert.equal(s.macs, 64 * 32 + 32 * 8 + 8 * 32 + 32 * 64);
  assert.deepEqual(s.outputs[0]!.shape, [1, 64]);
});

test('builder rejects shapes that do not fit', () => {
  const b = new ModelBuilder();
  const x = b.input('x', [1, 6]);
  assert.throws(() => b.reshape(x, [4, -1, 5]), /cannot reshape/);
  assert.throws(() => b.add(x, b.input('y', [1, 4])), /do not broadcast/);
  assert.throws(() => new ModelBuilder().build(), /output\(\)/);
  assert.equal(BuiltinOperator.CONV_2D, 3);
});
