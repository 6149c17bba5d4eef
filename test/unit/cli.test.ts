import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';
import { writeModel } from '../../src/core/tflite';
import { writeNpy } from '../../src/core/data/npy';
import { sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';
import { buildAllOpsModel } from '../helpers/sample-models';
import { tempDir } from '../helpers/temp-dir';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

const tmp = tempDir('tinyml-cli-');
const built = path.join(tmp, 'all_ops.tflite');
fs.writeFileSync(built, writeModel(buildAllOpsModel()));

test('inspect --json gives the documented fields', async () => {
  const { code, out } = await run('inspect', built, '--json');
  assert.equal(code, 0);
  const s = JSON.parse(out);
  for (const k of ['inputs', 'outputs', 'operators', 'opHistogram', 'tensorCount', 'paramCount', 'macs']) assert.ok(k in s, `missing ${k}`);
  assert.deepEqual(Object.keys(s.inputs[0]).filter((k) => ['name', 'shape', 'type'].includes(k)).sort(), ['name', 'shape', 'type']);
  assert.equal(s.operators[0].opcode, 'CONV_2D');
  assert.equal(s.operators[0].index, 0);
  assert.equal(s.opHistogram.CONV_2D, 1);
});

test('inspect of an int8 model reports scale and zero point of inputs and outputs', { skip: SKIP_WITHOUT_SHARED }, async () => {
  const { code, out } = await run('inspect', '--json', sharedModel('tflm/examples/hello_world/hello_world_int8.tflite'));
  assert.equal(code, 0);
  const s = JSON.parse(out);
  assert.equal(s.inputs[0].type, 'INT8');
  assert.equal(typeof s.inputs[0].scale, 'number');
  assert.equal(typeof s.outputs[0].zeroPoint, 'number');
  assert.deepEqual(s.opHistogram, { FULLY_CONNECTED: 3 });
});

test('custom operators are named CUSTOM:<code>', { skip: SKIP_WITHOUT_SHARED }, async () => {
  const { out } = await run('inspect', '--json', sharedModel('tflm/models/person_detect_vela.tflite'));
  assert.ok(JSON.parse(out).operators.some((o: { opcode: string }) => o.opcode === 'CUSTOM:ethos-u'));
});

test('inspect prints a readable summary', async () => {
  const { code, out } = await run('inspect', built);
  assert.equal(code, 0);
  assert.match(out, /Inputs:\n {2}image {2}FLOAT32\[1, 16, 16, 3\]/);
  assert.match(out, /MACs: /);
});

test('bad input exits 2 with one line naming the file', async () => {
  const corrupt = path.join(tmp, 'corrupt.tflite');
  const bytes = writeModel(buildAllOpsModel());
  fs.writeFileSync(corrupt, bytes.subarray(0, 200));
  const notModel = path.join(tmp, 'notes.tflite');
  fs.writeFileSync(notModel, 'hello, this is text');
  // What users give in place of a model, told apart by its first bytes.
  const lfs = path.join(tmp, 'lfs.tflite');
  fs.writeFileSync(lfs, 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n');
  const npy = path.join(tmp, 'calib.npy');
  fs.writeFileSync(npy, writeNpy([2, 3], new Float32Array(6)));
  for (const [args, pattern] of [
    [['inspect', lfs], /lfs\.tflite: not a TFLite model: .*; it looks like a Git LFS pointer, not the model itself: run `git lfs pull`/],
    [['inspect', npy], /calib\.npy: not a TFLite model: .*; it looks like a \.npy array: data, not a model \(quantize takes it as --data\)/],
    [['inspect', corrupt], /corrupt\.tflite: corrupt flatbuffer.*copy or export it again/],
    [['inspect', notModel], /notes\.tflite: not a TFLite model/],
    [['inspect', path.join(tmp, 'missing.tflite')], /missing\.tflite: no such file/],
    [['inspect', tmp], /is a folder/],
    [['inspect'], /no model given/],
    [['inspect', built, '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command/],
  ] as const) {
    const { code, err, out } = await run(...args);
    assert.equal(code, 2, `${args.join(' ')} -> ${code}`);
    const lines = err.trim().split('\n');
    assert.match(lines[0]!, pattern);
    // One line; a usage mistake adds the command's usage as a second.
    assert.ok(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('usage: tinyml inspect')), `one line: ${err}`);
    assert.equal(out, '');
  }
});

test('demo trains the sample, then inspects, quantizes, sizes the arena and exports C', async () => {
  const dir = path.join(tmp, 'demo');
  const { code, out, err } = await run('demo', '--out', dir);
  assert.equal(code, 0, err);
  for (const f of ['sensor_anomaly_float.tflite', 'sensor_anomaly_int8.tflite', 'sensor_calibration.npy',
    'firmware/model_data.cc', 'firmware/model_data.h', 'firmware/model_runner.cc', 'firmware/model_runner.h']) {
    assert.ok(fs.existsSync(path.join(dir, f)), `demo wrote ${f}`);
  }
  assert.match(out, /4 {2}FULLY_CONNECTED/);
  assert.match(out, /SQNR [0-9.]+ dB/);
  assert.match(out, /minimum arena .* used after allocation .* recommended /s);
  assert.match(out, /MicroMutableOpResolver<1>/);
});

test('demo never clears a folder it did not make', async () => {
  const dir = path.join(tmp, 'users-folder');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  const { code, err } = await run('demo', '--out', dir);
  assert.equal(code, 2);
  assert.match(err, /is not empty and was not made by tinyml demo/);
  assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'mine');
});

