import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { matchLayers } from '../../src/core/inspector/compare';
import { buildInspectorView } from '../../src/core/inspector/view';
import { BuiltinOperator, ModelBuilder, TensorType, loadModel } from '../../src/core/tflite';
import { SKIP_WITHOUT_SHARED, sharedModel } from '../helpers/paths';

const side = (bytes: Uint8Array) => {
  const sg = buildInspectorView(loadModel(bytes).model, { fileBytes: bytes.length }).subgraphs[0]!;
  return { operators: sg.operators, tensors: sg.tensors, fileBytes: bytes.length };
};

test('compare hello_world float and int8: every FULLY_CONNECTED matched, the int8 file smaller', { skip: SKIP_WITHOUT_SHARED }, () => {
  const a = side(fs.readFileSync(sharedModel('tflm/examples/hello_world/hello_world_float.tflite')));
  const b = side(fs.readFileSync(sharedModel('tflm/examples/hello_world/hello_world_int8.tflite')));
  const c = matchLayers(a, b);
  const fcA = a.operators.filter((o) => o.opcode === 'FULLY_CONNECTED').map((o) => o.index);
  assert.ok(fcA.length >= 3);
  for (const op of fcA) {
    const m = c.matches.find((x) => x.a === op);
    assert.ok(m, `FULLY_CONNECTED #${op} is matched`);
    assert.equal(b.operators[m.b]!.opcode, 'FULLY_CONNECTED');
  }
  assert.ok(c.fileBytes[1] < c.fileBytes[0]);
  assert.ok(c.weightBytes[1] < c.weightBytes[0], 'int8 weights are smaller');
});

test('compare: names first, then the operator sequence; QUANTIZE/DEQUANTIZE added by quantization stay unmatched', () => {
  const build = (quantized: boolean, rename: boolean) => {
    const b = new ModelBuilder({ seed: 1 });
    let x = b.input('x', [1, 8], quantized ? TensorType.INT8 : TensorType.FLOAT32);
    if (quantized) x = b.op(BuiltinOperator.DEQUANTIZE, [x], [[1, 8]], undefined, 'x_dequant')[0]!;
    const h = b.fullyConnected(x, 8, { name: rename ? 'renamed/dense1' : 'dense1', activation: 'RELU' });
    const y = b.fullyConnected(h, 4, { name: 'dense2' });
    b.output(quantized ? b.op(BuiltinOperator.QUANTIZE, [b.softmax(y)], [[1, 4]], undefined, 'out_q')[0]! : b.softmax(y));
    const model = b.build();
    return buildInspectorView(model).subgraphs[0]!;
  };
  const fa = build(false, false);
  const fb = build(true, true);
  const c = matchLayers({ ...fa, fileBytes: 1 }, { ...fb, fileBytes: 1 });
  const pair = (opA: number) => c.matches.find((m) => m.a === opA);
  // A: 0 FC dense1, 1 FC dense2, 2 SOFTMAX. B: 0 DEQUANTIZE, 1 FC renamed/dense1, 2 FC dense2, 3 SOFTMAX, 4 QUANTIZE.
  assert.deepEqual(pair(1), { a: 1, b: 2, by: 'name' });
  assert.deepEqual(pair(0), { a: 0, b: 1, by: 'sequence' }, 'renamed: matched by sequence and shape');
  assert.equal(pair(2)?.b, 3);
  assert.deepEqual(c.onlyA, []);
  assert.deepEqual(c.onlyB, [0, 4]);
});
