import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io';
import { main } from '../../src/cli/main';
import { estimateArena } from '../../src/core/arena/index';
import { seededRandom, writeNpy } from '../../src/core/data/index';
import { BuiltinOperator, ModelBuilder, readModel, TensorType, writeModel } from '../../src/core/tflite/index';
import { tempDir } from '../helpers/temp-dir';
import { sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';
import { pngBytes, write } from './data-writers';

const runQuantize = (args: string[], io: CliIo): Promise<number> => main(['quantize', ...args], io);

function workspace(): string {
  const dir = tempDir('tinyml-quantize-');
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('features', [1, 6]);
  const h = b.fullyConnected(x, 64, { activation: 'RELU' });
  b.output(b.softmax(b.fullyConnected(h, 3)));
  fs.writeFileSync(path.join(dir, 'sensor.tflite'), writeModel(b.build()));
  const r = seededRandom(8);
  fs.writeFileSync(path.join(dir, 'calib.npy'), writeNpy([150, 6], Float32Array.from({ length: 900 }, () => r() * 4 - 2)));
  fs.writeFileSync(path.join(dir, 'wrong.npy'), writeNpy([20, 5], new Float32Array(100)));
  return dir;
}

function collector() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

test('tinyml quantize writes <name>_int8.tflite next to the model, prints the report and writes it as JSON', async () => {
  const dir = workspace();
  const c = collector();
  const code = await runQuantize([path.join(dir, 'sensor.tflite'), '--data', path.join(dir, 'calib.npy'), '--report', path.join(dir, 'report.json')], c.io);
  assert.equal(code, 0, c.err.join(''));
  const out = path.join(dir, 'sensor_int8.tflite');
  const model = readModel(fs.readFileSync(out));
  const sg = model.subgraphs[0]!;
  assert.equal(sg.tensors[sg.inputs[0]!]!.type, TensorType.INT8);
  const text = c.out.join('');
  assert.match(text, /Wrote .*sensor_int8\.tflite/);
  assert.match(text, /Accuracy on 30 held-out samples/);
  // Split off --data: the report says such samples may flatter the model.
  assert.match(text, /Held out from the data given: if that is training data, inputs the model never saw may score lower/);
  assert.match(text, /SQNR \d+\.\d dB/);
  assert.match(text, /top-1 agreement/);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  assert.equal(report.mode, 'int8');
  assert.equal(report.calibration.samples, 120);
  assert.equal(report.accuracy.samples, 30);
  assert.ok(report.sizeAfter > 0);
  // No recipe option given: chosen on the held-out split, every alternative scored.
  assert.equal(report.recipe.scoredOn.samples, 30);
  assert.ok(report.recipe.candidates.length > 1 && report.recipe.candidates.every((c: { scoreDb: number }) => Number.isFinite(c.scoreDb)));
  assert.match(text, /Recipe: .* \(chosen automatically among \d+/);
  // Flags fix it.
  const fixed = collector();
  assert.equal(await runQuantize([path.join(dir, 'sensor.tflite'), '--data', path.join(dir, 'calib.npy'), '-o', path.join(dir, 'f.tflite'), '--calibration', 'mse', '--no-per-channel-fc', '--bias-correction', '--weight-rounding', 'nearest', '--json'], fixed.io), 0, fixed.err.join(''));
  assert.deepEqual(JSON.parse(fixed.out.join('')).recipe.chosen, { method: 'mse', perChannelFullyConnected: false, biasCorrection: true });
  // Separate evaluation data: nothing split off --data, no such note.
  const r = seededRandom(9);
  fs.writeFileSync(path.join(dir, 'eval.npy'), writeNpy([40, 6], Float32Array.from({ length: 240 }, () => r() * 4 - 2)));
  const evaluated = collector();
  assert.equal(await runQuantize([path.join(dir, 'sensor.tflite'), '--data', path.join(dir, 'calib.npy'), '--eval', path.join(dir, 'eval.npy'), '-o', path.join(dir, 'e.tflite')], evaluated.io), 0, evaluated.err.join(''));
  assert.match(evaluated.out.join(''), /Accuracy on 40 held-out samples/);
  assert.doesNotMatch(evaluated.out.join(''), /Held out from the data given/);

  // Never overwrites without --force.
  const again = collector();
  assert.equal(await runQuantize([path.join(dir, 'sensor.tflite'), '--data', path.join(dir, 'calib.npy')], again.io), 2);
  assert.match(again.err.join(''), /sensor_int8\.tflite: already exists; pass --force/);
  const forced = collector();
  assert.equal(await runQuantize([path.join(dir, 'sensor.tflite'), '--data', path.join(dir, 'calib.npy'), '--force', '--io', 'float', '--calibration', 'mse'], forced.io), 0, forced.err.join(''));
  const f = readModel(fs.readFileSync(out)).subgraphs[0]!;
  assert.equal(f.tensors[f.inputs[0]!]!.type, TensorType.FLOAT32);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tinyml quantize exits 2 with one line on bad input and leaves no file', async () => {
  const dir = workspace();
  const model = path.join(dir, 'sensor.tflite');
  const cases: [string[], RegExp][] = [
    [[model], /--data PATH is required for int8/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--mode', 'int4'], /--mode must be one of int8, int16x8, float16, dynamic/],
    [[model, '--data', path.join(dir, 'wrong.npy')], /wrong\.npy/],
    [[path.join(dir, 'missing.tflite'), '--data', path.join(dir, 'calib.npy')], /missing\.tflite: no such file/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--bogus'], /unknown option '--bogus'/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--bias-correction', '--no-bias-correction'], /--bias-correction and --no-bias-correction contradict/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--calibration', 'best'], /--calibration must be one of auto, minmax, percentile, mse/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--mean', '127.5'], /--mean and --std go together/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--image-range', '255,0'], /--image-range takes LO,HI with LO < HI/],
    // Values that start with a minus reach the option's own check instead of failing as options.
    [[model, '--data', path.join(dir, 'calib.npy'), '--image-range', '-1,-2'], /--image-range takes LO,HI with LO < HI.*got "-1,-2"/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--mean', '-0.5,-0.5,-0.5'], /--mean and --std go together/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--eval', '-x'], /--eval needs a value; one that starts with '-' is given as --eval=-VALUE/],
    [[model, '--data', path.join(dir, 'calib.npy'), '-o', '-x'], /-o needs a value; one that starts with '-' is given as --output=-VALUE/],
    // Contradictions and options that would be dropped without a word.
    [[model, '--data', path.join(dir, 'calib.npy'), '--image-range', '0,1', '--mean', '127.5', '--std', '127.5'], /--image-range and --mean\/--std are two ways .*give one/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--uint8-input', '--io', 'float'], /--uint8-input and --io float contradict each other/],
    [[model, '--mode', 'float16', '--calibration', 'mse', '--weight-rounding', 'gptq', '--no-bias-correction'], /^tinyml quantize: --calibration, --no-bias-correction, --weight-rounding apply to --mode int8 and int16x8/],
    [[model, '--mode', 'dynamic', '--uint8-input'], /--uint8-input applies to --mode int8 and int16x8/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--image-range', '0,255', '--bgr'], /--image-range, --mean\/--std and --bgr say how image files become inputs; .*calib\.npy holds no images: leave them out/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--target-sqnr', '0x14'], /--target-sqnr takes a number of dB .*got "0x14"/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--target-sqnr', '1e1'], /--target-sqnr takes a number of dB/],
    // Held-out data that is the calibration data (or holds it) would flatter the model.
    [[model, '--data', path.join(dir, 'calib.npy'), '--eval', path.join(dir, '.', 'calib.npy')], /calib\.npy is the calibration data \(.*calib\.npy\): held-out samples must be ones that did not calibrate the model\. Give data/],
    [[model, '--data', path.join(dir, 'calib.npy'), '--eval', dir], /holds the calibration data/],
    [[model, '--data', path.join(dir, 'loop')], /loop: too many levels of symbolic links\./],
  ];
  fs.symlinkSync('loop', path.join(dir, 'loop'));
  for (const [args, message] of cases) {
    const c = collector();
    assert.equal(await runQuantize(args, c.io), 2, args.join(' '));
    const err = c.err.join('');
    const lines = err.trim().split('\n');
    assert.match(lines[0]!, message);
    assert.ok(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('usage: tinyml quantize')), err);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'sensor_int8.tflite')));
  // float16 and dynamic need no data.
  const c = collector();
  assert.equal(await runQuantize([model, '--mode', 'float16'], c.io), 0, c.err.join(''));
  assert.ok(fs.existsSync(path.join(dir, 'sensor_float16.tflite')));
  assert.match(c.out.join(''), /no held-out samples/);
  // ... and measure the accuracy on --eval data without --data.
  const ev = collector();
  assert.equal(await runQuantize([model, '--mode', 'float16', '--eval', path.join(dir, 'calib.npy'), '-o', path.join(dir, 'f16.tflite')], ev.io), 0, ev.err.join(''));
  assert.match(ev.out.join(''), /Accuracy on 150 held-out samples \(.*calib\.npy\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tinyml quantize --image-range -1,1 reads an image folder into [-1, 1] (a negative first value is a value, not an option)', async () => {
  const dir = tempDir('tinyml-quantize-img-');
  const b = new ModelBuilder({ seed: 9 });
  b.output(b.fullyConnected(b.reshape(b.conv2d(b.input('image', [1, 4, 4, 3]), 2, [3, 3], { activation: 'RELU' }), [1, -1]), 2));
  fs.writeFileSync(path.join(dir, 'img.tflite'), writeModel(b.build()));
  const r = seededRandom(3);
  for (let i = 0; i < 20; i++) write(path.join(dir, 'images'), `im${String(i).padStart(2, '0')}.png`, pngBytes(4, 4, Uint8Array.from({ length: 64 }, (_, k) => (k % 4 === 3 ? 255 : Math.floor(r() * 256)))));
  const c = collector();
  const code = await runQuantize([path.join(dir, 'img.tflite'), '--data', path.join(dir, 'images'), '--image-range', '-1,1', '--report', path.join(dir, 'r.json')], c.io);
  assert.equal(code, 0, c.err.join(''));
  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')) as { calibration: { image?: { range?: number[] } } };
  assert.deepEqual(saved.calibration.image?.range, [-1, 1]);
  const q = readModel(fs.readFileSync(path.join(dir, 'img_int8.tflite')));
  const input = q.subgraphs[0]!.tensors[q.subgraphs[0]!.inputs[0]!]!.quantization!;
  // The input grid covers [-1, 1]: what the pixels were mapped to.
  assert.ok(Math.abs((-128 - Number(input.zeroPoint[0])) * input.scale[0]! + 1) < 0.02, `input range starts near -1 (scale ${input.scale[0]}, zero point ${input.zeroPoint[0]})`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tinyml quantize names a custom operator before it loads any data, exits 2 and writes nothing', async () => {
  const dir = tempDir('tinyml-quantize-');
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('features', [1, 6]);
  b.output(b.op(BuiltinOperator.EXP, [b.fullyConnected(x, 4)], [[1, 4]])[0]!);
  const built = b.build();
  const model = { ...built, operatorCodes: built.operatorCodes.map((c) => (c.builtinCode === BuiltinOperator.EXP ? { ...c, builtinCode: BuiltinOperator.CUSTOM, deprecatedBuiltinCode: BuiltinOperator.CUSTOM, customCode: 'Convolution2DTransposeBias' } : c)) };
  fs.writeFileSync(path.join(dir, 'seg.tflite'), writeModel(model));
  const c = collector();
  // The data path does not exist: the model's problem is what the user hears about first.
  const code = await runQuantize([path.join(dir, 'seg.tflite'), '--data', path.join(dir, 'missing-folder')], c.io);
  assert.equal(code, 2);
  assert.match(c.err.join(''), /seg\.tflite cannot be quantized: custom operator\(s\) CUSTOM:Convolution2DTransposeBias #1 .*TRANSPOSE_CONV/);
  assert.deepEqual(fs.readdirSync(dir), ['seg.tflite']);
});

test('tinyml quantize --target-sqnr: exit 3 with the model written when the target is missed, 0 when met; bad values exit 2', async () => {
  const dir = workspace();
  const model = path.join(dir, 'sensor.tflite');
  const data = path.join(dir, 'calib.npy');
  const missed = collector();
  const code = await runQuantize([model, '--data', data, '--target-sqnr', '100', '--report', path.join(dir, 'r.json')], missed.io);
  assert.equal(code, 3, missed.err.join(''));
  assert.ok(fs.existsSync(path.join(dir, 'sensor_int8.tflite')), 'the closest model found is written');
  assert.match(missed.out.join(''), /Target: worst output ≥ 100 dB on 30 samples .*MISSED/);
  assert.match(missed.out.join(''), /Warning: TARGET MISSED/);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
  assert.equal(report.mixedPrecision.met, false);
  assert.ok(report.mixedPrecision.kept.length > 0);

  const met = collector();
  assert.equal(await runQuantize([model, '--data', data, '--target-sqnr', '+5', '--force'], met.io), 0, met.err.join(''));
  assert.match(met.out.join(''), /Target: worst output ≥ 5 dB .*MET/);
  // --kernels names the firmware's kernel set, with or without a target: the report's arena is for it
  const cmsis = collector();
  assert.equal(await runQuantize([model, '--data', data, '--kernels', 'cmsis-nn', '--force', '--report', path.join(dir, 'c.json')], cmsis.io), 0, cmsis.err.join(''));
  const arena = JSON.parse(fs.readFileSync(path.join(dir, 'c.json'), 'utf8')).tflm.arena;
  assert.equal(arena.kernels, 'cmsis-nn');
  const written = readModel(new Uint8Array(fs.readFileSync(path.join(dir, 'sensor_int8.tflite'))));
  assert.equal(arena.minArenaBytes, estimateArena(written, { kernels: 'cmsis-nn' }).minArenaBytes);
  assert.notEqual(arena.minArenaBytes, estimateArena(written, {}).minArenaBytes, 'CMSIS-NN\'s scratch buffers make it differ here');
  // --target and --isa as `tinyml arena` takes them: a 64-bit host's structs, CMSIS-NN's Helium path
  const host = collector();
  assert.equal(await runQuantize([model, '--data', data, '--kernels', 'cmsis-nn', '--isa', 'mve', '--target', 'x86_64', '--force', '--report', path.join(dir, 'h.json')], host.io), 0, host.err.join(''));
  const hostArena = JSON.parse(fs.readFileSync(path.join(dir, 'h.json'), 'utf8')).tflm.arena;
  const hostModel = readModel(new Uint8Array(fs.readFileSync(path.join(dir, 'sensor_int8.tflite'))));
  const expected = estimateArena(hostModel, { kernels: 'cmsis-nn', isa: 'mve', target: 'x86_64' });
  assert.deepEqual([hostArena.target, hostArena.kernels, hostArena.isa, hostArena.minArenaBytes], ['x86_64', 'cmsis-nn', 'mve', expected.minArenaBytes]);
  assert.notEqual(expected.minArenaBytes, estimateArena(hostModel, { kernels: 'cmsis-nn' }).minArenaBytes, 'a 64-bit host\'s structs make it differ');
  assert.match(host.out.join(''), /arena \(x86_64, CMSIS-NN kernels \(mve\)\): minimum arena/);

  for (const bad of [['--target-sqnr', 'loud'], ['--target-sqnr=-5'], ['--target-sqnr', '0'], ['--target-sqnr', '101'], ['--target-sqnr', '20', '--mode', 'int16x8'], ['--kernels', 'fast'], ['--target', 'esp32'], ['--isa', 'mve'], ['--kernels', 'cmsis-nn', '--isa', 'neon']]) {
    const c = collector();
    assert.equal(await runQuantize([model, '--data', data, '--force', ...bad], c.io), 2, bad.join(' '));
    assert.match(c.err.join(''), /--target-sqnr|--kernels|--target must be one of cortex-m, arm32, x86_64|--isa/);
    if (/^-?\d+$/.test(bad.at(-1)!.replace('--target-sqnr=', ''))) assert.match(c.err.join(''), /above 0 and at most 100/, bad.join(' '));
  }
});

test('tinyml quantize --target-sqnr exits 3 when LiteRT meets the target and TFLite Micro, on every reported sample, does not', { skip: SKIP_WITHOUT_SHARED }, async () => {
  // ResNet-8 on noise images: TFLite Micro's reference kernels round its early convolutions differently enough that the
  // device's worst output is dB below LiteRT's. 40 images: 8 reported, all within the evaluator's MAC budget (exact).
  const dir = tempDir('tinyml-quantize-device-');
  const r = seededRandom(5);
  fs.writeFileSync(path.join(dir, 'noise.npy'), writeNpy([40, 32, 32, 3], Float32Array.from({ length: 40 * 32 * 32 * 3 }, () => r() * 255)));
  const run = async (target: number, report: string) => {
    const c = collector();
    const code = await runQuantize([sharedModel('mlperf-tiny/pretrainedResnet.tflite'), '--data', path.join(dir, 'noise.npy'), '--target-sqnr', String(target), '-o', path.join(dir, 'q.tflite'), '--report', path.join(dir, report), '--force'], c.io);
    return { code, c, mp: JSON.parse(fs.readFileSync(path.join(dir, report), 'utf8')).mixedPrecision };
  };
  const easy = await run(1, 'easy.json');
  assert.equal(easy.code, 0, easy.c.err.join(''));
  const device = easy.mp.reportedOn.device;
  assert.equal(device.estimated, false, 'the evaluator ran every reported sample');
  const liteRt = Math.min(easy.mp.reportedOn.worstDb, ...easy.mp.outputsAfterDb);
  assert.ok(device.worstDb < liteRt - 1, `the device's ${device.worstDb} dB is well below LiteRT's ${liteRt} dB here`);
  // Between the two: met on LiteRT with every layer int8 (the same model and samples), missed on the device.
  const between = await run(Math.round(((device.worstDb + liteRt) / 2) * 10) / 10, 'between.json');
  assert.equal(between.code, 3, between.c.err.join(''));
  assert.equal(between.mp.met, true, 'met on the search samples');
  assert.equal(between.mp.reportedOn.met, true, 'met on LiteRT on the reported samples');
  assert.equal(between.mp.reportedOn.device.met, false);
  assert.match(between.c.out.join(''), /Warning: TARGET MISSED ON TFLITE MICRO: as its reference kernels compute the outputs, the worst reaches \d+\.\d dB on the 8 held-out samples/);
  assert.ok(fs.existsSync(path.join(dir, 'q.tflite')), 'the model is written either way');
});
