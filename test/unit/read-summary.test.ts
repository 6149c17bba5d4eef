import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { failure, inspectorView, loadModelFile } from '../../src/extension/inspector/read-summary';
import { ModelBuilder, writeModel } from '../../src/core/tflite';

const helloWorld = path.resolve(__dirname, '../../../../shared/models/tflm/examples/hello_world/hello_world_int8.tflite');
const noShared = fs.existsSync(helloWorld) ? false : '../shared/models is not beside the project';

test('a real model gives its summary', { skip: noShared }, async () => {
  const bytes = fs.readFileSync(helloWorld);
  const loaded = loadModelFile(bytes, 'hello_world_int8.tflite');
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.message);
  const { summary } = inspectorView(loaded.model, loaded.warnings, bytes.length);
  assert.equal(summary.inputs.length, 1);
  assert.equal(summary.inputs[0]!.type, 'INT8');
  assert.deepEqual(summary.opHistogram, { FULLY_CONNECTED: 3 });
});

test('bytes that are not a model give a message naming the file, not an exception', async () => {
  const result = loadModelFile(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'broken.tflite');
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.title, 'This file is not a valid TFLite model');
  assert.match(result.message, /^broken\.tflite: /);
});

test('an empty file is reported as not a model', async () => {
  const result = loadModelFile(new Uint8Array(0), 'empty.tflite');
  assert.ok(!result.ok);
  assert.equal(result.title, 'This file is not a valid TFLite model');
});

test('loadModelFile: the model and its warnings, or the format error naming the file', () => {
  const bad = loadModelFile(new Uint8Array([0, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]), 'cut.tflite');
  assert.ok(!bad.ok);
  assert.equal(bad.title, 'This file is not a valid TFLite model');
  assert.match(bad.message, /^cut\.tflite: /);
  const b = new ModelBuilder();
  b.output(b.relu(b.input('x', [1, 4])));
  const good = loadModelFile(writeModel(b.build()), 'ok.tflite');
  assert.ok(good.ok);
  assert.equal(good.model.subgraphs[0]!.operators.length, 1);
  const view = inspectorView(good.model, good.warnings, 100);
  assert.equal(view.summary.fileBytes, 100);
  assert.deepEqual(view.subgraphs[0]!.operators.map((o) => o.opcode), ['RELU']);
});

test('an internal failure is reported as the inspector\'s fault, not the file\'s', () => {
  const f = failure('m.tflite', new TypeError('boom'));
  assert.equal(f.title, 'The inspector failed on this model (please report it)');
  assert.equal(f.message, 'm.tflite: boom');
});
