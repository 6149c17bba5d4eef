import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { main } from '../../src/cli/main';
import { builtinCatalog } from '../../src/core/fit/board-catalog';
import { estimateFit } from '../../src/core/fit/fit';
import { CODE_SIZE } from '../../src/core/fit/tflm-code-size-data';
import { BuiltinOperator, ModelBuilder, writeModel, type Model } from '../../src/core/tflite';
import { sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';
import { tempDir } from '../helpers/temp-dir';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

const tmp = tempDir('tinyml-fit-');

/** A small int8-sized conv net (float here: the builder writes float models) and a big one that fits no small board. */
function convNet(size: number, channels: number): Model {
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('image', [1, size, size, 3]);
  let h = b.conv2d(x, channels, [3, 3], { activation: 'RELU' });
  h = b.depthwiseConv2d(h, [3, 3], { activation: 'RELU' });
  h = b.conv2d(h, channels, [1, 1], { activation: 'RELU' });
  h = b.averagePool2d(h, [2, 2]);
  b.output(b.softmax(b.fullyConnected(b.reshape(h, [1, -1]), 4)));
  return b.build();
}
const small = path.join(tmp, 'small.tflite');
fs.writeFileSync(small, writeModel(convNet(16, 8)));
const huge = path.join(tmp, 'huge.tflite');
fs.writeFileSync(huge, writeModel(convNet(64, 16)));

test('fit --json gives the documented fields and exits 0 when it fits', async () => {
  const { code, out, err } = await run('fit', small, '--board', 'nucleo_h743zi', '--json');
  assert.equal(err, '');
  assert.equal(code, 0);
  const j = JSON.parse(out);
  for (const k of ['board', 'ramBytes', 'flashBytes', 'latencyMs', 'latencyRangeMs', 'fitsRam', 'fitsFlash', 'assumptions']) assert.ok(k in j, `missing ${k}`);
  assert.equal(j.board, 'nucleo_h743zi');
  assert.equal(j.kernels, 'cmsis-nn');
  assert.equal(j.fitsRam, true);
  assert.ok(j.latencyRangeMs[0] < j.latencyMs && j.latencyMs < j.latencyRangeMs[1]);
  assert.equal(j.perOperator.length, 7);
  assert.ok(j.assumptions.length >= 3);
});

test('RAM is the exact arena plus TFLM statics, flash the model plus the interpreter plus one kernel per op', () => {
  const model = convNet(16, 8);
  const bytes = writeModel(model);
  const board = builtinCatalog().byId.get('nano33ble')!;
  const r = estimateFit(model, board, { kernels: 'reference', modelBytes: bytes.length });
  const v = CODE_SIZE.variants.find((x) => x.core === 'cortex-m4' && x.kernels === 'reference')!;
  assert.equal(r.ram.arenaBytes, r.arena.recommendedArenaBytes);
  assert.equal(r.ramBytes, r.arena.recommendedArenaBytes + v.statics.interpreterBytes + v.statics.resolverBaseBytes + 6 * v.statics.resolverPerOpBytes
    + v.interpreter.ramBytes + v.runner.ramBytes + v.cRuntime.ramBytes);
  assert.deepEqual(r.flash.kernels.map((k) => k.what), ['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
  assert.ok(r.flash.kernels.every((k) => k.measured), 'these kernels are in the measured table');
  const alone = r.flash.kernels.reduce((a, k) => a + k.bytes, 0);
  // shared support code counted once: all but the largest shared part come off the sum
  const shared = r.flash.kernels.map((k) => v.opSharedBytes[k.what]!);
  assert.equal(r.flash.sharedKernelCodeCountedOnceBytes, shared.reduce((a, b) => a + b, 0) - Math.max(...shared));
  assert.equal(r.flashBytes, bytes.length + v.interpreter.flashBytes + v.runner.flashBytes + v.cRuntime.flashBytes + alone - r.flash.sharedKernelCodeCountedOnceBytes);
});

test('exit 3 and what would help when the model does not fit', async () => {
  const { code, out } = await run('fit', huge, '--board', 'nucleo_f401re');
  assert.equal(code, 3);
  assert.match(out, /RAM .* DOES NOT FIT/);
  assert.match(out, /What would help:/);
  assert.match(out, /quantize to int8 .*float32 weights/);
  assert.match(out, /a smaller input: 64×64 → 32×32/);
  assert.match(out, /boards it fits: /);
  const j = JSON.parse((await run('fit', huge, '--board', 'nucleo_f401re', '--json')).out);
  assert.equal(j.fitsRam, false);
  assert.ok(j.suggestions.length >= 3);
});

test('exit 3 when slower than --max-latency-ms, 0 when within it', async () => {
  const fast = await run('fit', small, '--board', 'nucleo_h743zi', '--max-latency-ms', '10000', '--json');
  assert.equal(fast.code, 0);
  assert.equal(JSON.parse(fast.out).fitsLatency, true);
  const slow = await run('fit', small, '--board', 'nano33ble', '--kernels', 'reference', '--max-latency-ms', '0.001');
  assert.equal(slow.code, 3);
  assert.match(slow.out, /TOO SLOW/);
  assert.match(slow.out, /build with CMSIS-NN kernels/);
});

test('the board comes from the project when --board is absent', async () => {
  const proj = fs.mkdtempSync(path.join(tmp, 'pio-'));
  fs.writeFileSync(path.join(proj, 'platformio.ini'), '[env:teensy]\nplatform = teensy\nboard = teensy41\nframework = arduino\n');
  const { code, out } = await run('fit', small, '--project', proj, '--json');
  assert.equal(code, 0);
  const j = JSON.parse(out);
  assert.equal(j.board, 'teensy41');
  assert.deepEqual(j.detectedFrom, { kind: 'platformio', file: 'platformio.ini', raw: 'teensy41', env: 'teensy' });
  const none = await run('fit', small, '--project', fs.mkdtempSync(path.join(tmp, 'empty-')));
  assert.equal(none.code, 2);
  assert.match(none.err, /no board given and none found/);
});

test('a user boards file adds a board; bad files and unknown boards exit 2 with the file or the id named', async () => {
  const boards = path.join(tmp, 'boards.json');
  fs.writeFileSync(boards, JSON.stringify({ boards: [{ id: 'lab_board', core: 'cortex-m33', clockMhz: 100, ramBytes: '64K', flashBytes: '512K', dsp: true, fpu: 'sp' }] }));
  const ok = await run('fit', small, '--boards-file', boards, '--board', 'lab_board', '--json');
  assert.equal(JSON.parse(ok.out).board, 'lab_board');
  const listed = await run('fit', '--list-boards', '--boards-file', boards);
  assert.equal(listed.code, 0);
  assert.match(listed.out, /lab_board .* \(boards file\)/);
  const bad = path.join(tmp, 'bad.json');
  fs.writeFileSync(bad, '{"boards": [{"id": "x", "core": "z80"}]}');
  const b = await run('fit', small, '--boards-file', bad, '--board', 'x');
  assert.equal(b.code, 2);
  assert.match(b.err, /bad\.json: board "x": "core" must be one of/);
  const unknown = await run('fit', small, '--board', 'nano33');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown board 'nano33' \(did you mean nano33ble/);
  const kern = await run('fit', small, '--board', 'esp32dev', '--kernels', 'cmsis-nn');
  assert.equal(kern.code, 2);
  assert.match(kern.err, /CMSIS-NN is for Arm Cortex-M/);
  assert.equal((await run('fit', small, '--board', 'pico', '--max-latency-ms', 'soon')).code, 2);
});

test('hello_world int8 on nano33ble fits with a few KB of arena', { skip: SKIP_WITHOUT_SHARED }, async () => {
  const { code, out } = await run('fit', sharedModel('tflm/examples/hello_world/hello_world_int8.tflite'), '--board', 'nano33ble', '--json');
  assert.equal(code, 0);
  const j = JSON.parse(out);
  assert.ok(j.ramBytes < 8 * 1024, `${j.ramBytes}`);
  assert.ok(j.flashBytes > 20 * 1024 && j.flashBytes < 80 * 1024, `${j.flashBytes}`);
  assert.ok(j.latencyMs < 1);
});

test('person_detect: fits nano33ble, not an UNO R4 (32 KB RAM); latency within the ESP-NN measurement range on the ESP32-S3', { skip: SKIP_WITHOUT_SHARED }, async () => {
  const file = sharedModel('tflm/models/person_detect.tflite');
  assert.equal((await run('fit', file, '--board', 'nano33ble')).code, 0);
  const uno = await run('fit', file, '--board', 'uno_r4_minima', '--json');
  assert.equal(uno.code, 3);
  assert.equal(JSON.parse(uno.out).fitsRam, false);
  const s3 = JSON.parse((await run('fit', file, '--board', 'esp32-s3-devkitc-1', '--json')).out);
  assert.ok(s3.latencyRangeMs[0] <= 54 && 54 <= s3.latencyRangeMs[1], `measured 54 ms, predicted ${s3.latencyRangeMs}`);
});

test('an operator TFLite Micro has no kernel for is reported first among the assumptions and priced at the median kernel', () => {
  const b = new ModelBuilder({ seed: 6 });
  const x = b.input('x', [1, 8, 8, 4]);
  const [y] = b.op(BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, [x], [[1, 8, 8, 4]]);
  b.output(b.softmax(b.reshape(y!, [1, -1])));
  const model = b.build();
  const r = estimateFit(model, builtinCatalog().byId.get('nano33ble')!, { modelBytes: writeModel(model).length });
  assert.match(r.assumptions[0]!, /TFLite Micro will NOT run this model as is: operator 0 \(LOCAL_RESPONSE_NORMALIZATION\)/);
  assert.deepEqual(r.flash.kernels.filter((k) => !k.measured).map((k) => k.what), ['LOCAL_RESPONSE_NORMALIZATION']);
  assert.ok(r.assumptions.some((a) => /no measured code size for LOCAL_RESPONSE_NORMALIZATION/.test(a)));
});
