/** operator-shapes.ts: the shapes operators compute, and the first declared shape that disagrees (a damaged file). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BuiltinOperator, loadModel, ModelBuilder, validateModel } from '../../src/core/tflite/index';
import { broadcastShape, firstDeclaredShapeMismatch } from '../../src/core/tflite/operator-shapes';
import { checkTflmCompatibility } from '../../src/core/analysis/tflm-compat';
import { buildAllOpsModel } from '../helpers/sample-models';
import { kernelModels } from '../helpers/tflm-kernel-models';
import { listSharedModels, PROJECT_ROOT, sharedModel } from '../helpers/paths';

test('broadcastShape follows NumPy: trailing dimensions, 1 stretches, others must agree', () => {
  assert.deepEqual(broadcastShape([1, 4, 4, 16], [16]), [1, 4, 4, 16]);
  assert.deepEqual(broadcastShape([2, 1, 3], [4, 1]), [2, 4, 3]);
  assert.deepEqual(broadcastShape([], [3]), [3]);
  assert.equal(broadcastShape([2, 3], [4]), undefined);
});

test('every output of the built models agrees with what its operator computes', () => {
  const models = [buildAllOpsModel(), ...kernelModels().map((c) => c.model)];
  for (const m of models) assert.equal(firstDeclaredShapeMismatch(m), undefined);
});

test('a declared shape that disagrees is found at the first operator only, with the shape or count it computes', () => {
  const damaged = (edit: (shapes: number[][]) => void) => {
    const b = new ModelBuilder({ seed: 2 });
    const x = b.input('image', [1, 8, 8, 3]);
    const c = b.conv2d(x, 4, [3, 3], { stride: [2, 2], padding: 'SAME', activation: 'RELU' });
    const p = b.pad(b.relu(c), [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const cat = b.concatenate([p, p], 3);
    b.output(b.fullyConnected(b.reshape(b.add(cat, cat), [1, 288]), 5));
    const model = b.build();
    const sg = model.subgraphs[0]!;
    const outs = sg.operators.map((op) => sg.tensors[op.outputs[0]!]!);
    const shapes = outs.map((t) => [...t.shape]);
    edit(shapes);
    outs.forEach((t, i) => { t.shape = shapes[i]!; });
    const found = firstDeclaredShapeMismatch(model);
    return found && { op: BuiltinOperator[model.operatorCodes[sg.operators[found.op]!.opcodeIndex]!.builtinCode], computed: found.computed };
  };
  assert.equal(damaged(() => undefined), undefined);
  assert.deepEqual(damaged((s) => { s[0] = [1, 2, 8, 4]; }), { op: 'CONV_2D', computed: [1, 4, 4, 4] });
  // RELU's output: the count is what it computes; the operators after it are not blamed
  assert.deepEqual(damaged((s) => { s[1] = [1, 4, 4, 2]; s[2] = [1, 6, 6, 2]; }), { op: 'RELU', computed: 64 });
  assert.deepEqual(damaged((s) => { s[2] = [1, 5, 5, 4]; }), { op: 'PAD', computed: [1, 6, 6, 4] });
  assert.deepEqual(damaged((s) => { s[3] = [1, 6, 6, 4]; }), { op: 'CONCATENATION', computed: 288 });
  assert.deepEqual(damaged((s) => { s[4] = [2, 6, 6, 8]; }), { op: 'ADD', computed: 288 });
  assert.deepEqual(damaged((s) => { s[6] = [1, 4]; }), { op: 'FULLY_CONNECTED', computed: 5 });
  // another rank with the same count is what LiteRT resizes and TFLite Micro reads alike: not damage
  assert.equal(damaged((s) => { s[6] = [1, 1, 5]; }), undefined);
});

test('a stride below 1 computes no output', () => {
  const b = new ModelBuilder({ seed: 3 });
  b.output(b.maxPool2d(b.input('image', [1, 8, 8, 3]), [2, 2], { stride: [2, 2] }));
  const model = b.build();
  model.subgraphs[0]!.operators[0]!.builtinOptions!.table['stride_w'] = 0;
  assert.deepEqual(firstDeclaredShapeMismatch(model), { op: 0, tensor: model.subgraphs[0]!.operators[0]!.outputs[0]!, computed: 0 });
});

test('no real model is taken for damaged: the TFLite Micro repository\'s, MLPerf Tiny\'s and MediaPipe\'s files as published', () => {
  const mediapipe = path.join(PROJECT_ROOT, 'node_modules', '@mediapipe');
  const files = [
    ...listSharedModels().map(sharedModel),
    ...(fs.existsSync(mediapipe) ? fs.readdirSync(mediapipe).flatMap((d) => fs.readdirSync(path.join(mediapipe, d)).filter((f) => f.endsWith('.tflite')).map((f) => path.join(mediapipe, d, f))) : []),
  ];
  assert.ok(files.length >= 10, `${files.length} models`);
  for (const f of files) {
    const { model } = loadModel(new Uint8Array(fs.readFileSync(f)));
    const found = firstDeclaredShapeMismatch(model);
    assert.equal(found, undefined, `${path.basename(f)}: ${JSON.stringify(found)}`);
  }
});

test('a reduction over an axis the input does not have computes nothing; a valid one its remaining dimensions', () => {
  const build = (axes: number[]) => {
    const b = new ModelBuilder({ seed: 4 });
    b.output(b.mean(b.input('image', [1, 6, 6, 8]), [1, 2], false));
    const model = b.build();
    const sg = model.subgraphs[0]!;
    const axesTensor = sg.tensors[sg.operators[0]!.inputs[1]!]!;
    model.buffers[axesTensor.buffer]!.data = new Uint8Array(Int32Array.from(axes).buffer);
    return model;
  };
  assert.equal(firstDeclaredShapeMismatch(build([1, 2])), undefined);
  assert.equal(firstDeclaredShapeMismatch(build([-3, -2])), undefined);
  assert.equal(firstDeclaredShapeMismatch(build([1, 3]))?.computed, 6 * 1);
  assert.equal(firstDeclaredShapeMismatch(build([1, 0x2000001]))?.computed, 0);
});

test('loading a damaged file warns of the shape (the inspector and tinyml inspect show it), and of a signature LiteRT refuses', () => {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('x', [1, 8]);
  b.output(b.fullyConnected(b.relu(b.fullyConnected(x, 6)), 2));
  const model = b.build();
  assert.deepEqual(validateModel(model).map((w) => w.message).filter((m) => /declared|Signature/.test(m)), []);
  const sg = model.subgraphs[0]!;
  sg.tensors[sg.operators[1]!.outputs[0]!]!.shape = [1, 3];
  model.signatureDefs[0]!.inputs = [];
  const warnings = validateModel(model);
  assert.ok(warnings.some((w) => w.where === 'subgraph 0, operator 1' && /tensor "relu_1" is declared \[1, 3\] \(3 values\), but RELU computes 6 values for it from its inputs: the file is damaged/.test(w.message)), JSON.stringify(warnings));
  assert.ok(warnings.some((w) => /^signature 0/.test(w.where) && /lists 0 input\(s\) and 1 output\(s\), subgraph 0 has 1 and 1: LiteRT refuses/.test(w.message)), JSON.stringify(warnings));
  // and the TFLite Micro check (the inspector's Overview, tinyml arena, the hover) calls it an error, not "no problems"
  const problems = checkTflmCompatibility(model).filter((p) => p.severity === 'error');
  assert.deepEqual(problems.map((p) => [p.operatorIndex, p.opcode]), [[1, 'RELU']]);
  assert.match(problems[0]!.message, /declared \[1, 3\] .*TFLite Micro, which sizes and indexes its buffers by the declared shapes, reads or writes past the tensor\. The file is damaged/);
});
