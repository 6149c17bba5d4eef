import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';
import { writeNpy } from '../../src/core/data/npy';
import { tempDir } from '../helpers/temp-dir';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import type { Dataset } from '../../src/core/data/dataset';
import { channelScales, convConsumerTerms, EQUALIZATION_HEADROOM } from '../../src/core/quantize/channel-equalization';
import { equalizeChannels, evaluateQuantization, formatQuantizationReport, quantizeModel } from '../../src/core/quantize/index';
import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite/index';

/**
 * One channel of a ReLU6 tensor stays below 0.06 while the other reaches 6 (one int8 scale for both), and the depthwise
 * layer after it amplifies the small channel 500× — the pattern of pose_landmark_lite's first blocks.
 */
function smallChannelModel(): Model {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('x', [1, 4, 4, 2]);
  const c = b.conv2d(x, 2, [1, 1], { activation: 'RELU6', weights: { values: Float32Array.from([6, 1, 0.06, -0.02]) }, bias: { values: Float32Array.from([0, 0]) } });
  const d = b.depthwiseConv2d(c, [1, 1], { weights: { values: Float32Array.from([0.02, 500]) }, bias: { values: Float32Array.from([0, 0]) } });
  b.output(b.conv2d(d, 1, [1, 1], { weights: { values: Float32Array.from([1, 1]) }, bias: { values: Float32Array.from([0]) } }));
  return b.build();
}

function uniform(count: number, seed: number): Dataset {
  const r = rng(seed);
  return { source: `uniform seed ${seed}`, inputShapes: [[1, 4, 4, 2]], samples: Array.from({ length: count }, () => [Float32Array.from({ length: 32 }, () => r())]) };
}

test('channel equalization keeps the float function and lifts the int8 model where a small channel is amplified', async () => {
  const model = smallChannelModel();
  const calibration = uniform(64, 1);
  const held = uniform(32, 2);
  const eq = await equalizeChannels(model, calibration, 'small channel');
  // The conv → depthwise pair, and the depthwise → conv pair after it (its first channel stays near 0.1 of 30).
  assert.equal(eq.report.layers, 2);
  assert.equal(eq.report.channels, 2, 'one small channel in each');
  assert.ok(eq.report.maxScale >= 8, `${eq.report.maxScale}`);
  // Same float outputs (scales are powers of two): the float model scored against itself.
  const same = await evaluateQuantization(writeModel(model), writeModel(eq.model), held);
  assert.ok(same.outputs[0]!.sqnrDb > 100, `float vs equalized float: ${same.outputs[0]!.sqnrDb} dB`);
  const opts = { heldOut: held, calibration: 'minmax' as const, biasCorrection: false };
  const plain = await quantizeModel(model, calibration, { ...opts, equalizeChannels: false });
  const equalized = await quantizeModel(model, calibration, { ...opts, equalizeChannels: true });
  assert.equal(plain.report.equalization, undefined);
  assert.equal(equalized.report.equalization?.channels, 2);
  const before = plain.report.accuracy!.outputs[0]!.sqnrDb;
  const after = equalized.report.accuracy!.outputs[0]!.sqnrDb;
  assert.ok(after > before + 10, `int8 ${before.toFixed(1)} dB → equalized ${after.toFixed(1)} dB`);
  assert.match(formatQuantizationReport(equalized.report, equalized.warnings), /Channel equalization: 2 channel\(s\) of 2 layer\(s\)/);
});

test('tinyml quantize --[no-]equalize-channels forces channel equalization either way', async (t) => {
  const dir = tempDir('tinyml-equalize-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const modelFile = path.join(dir, 'small.tflite');
  fs.writeFileSync(modelFile, writeModel(smallChannelModel()));
  const data = uniform(80, 3);
  fs.writeFileSync(path.join(dir, 'calib.npy'), writeNpy([80, 4, 4, 2], Float32Array.from(data.samples.flatMap((s) => [...s[0]!]))));
  const run = async (...flags: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['quantize', modelFile, '--data', path.join(dir, 'calib.npy'), '-o', path.join(dir, 'q.tflite'), '--force', '--json', ...flags],
      { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) });
    return { code, out: out.join(''), err: err.join('') };
  };
  // Without a target it is off unless asked for.
  const plain = await run();
  assert.equal(plain.code, 0, plain.err);
  assert.equal(JSON.parse(plain.out).equalization, undefined);
  const on = await run('--equalize-channels');
  assert.equal(on.code, 0, on.err);
  assert.equal(JSON.parse(on.out).equalization.channels, 2);
  // With a target it is on unless turned off.
  const targetOn = await run('--target-sqnr', '10');
  assert.notEqual(targetOn.code, 2, targetOn.err);
  assert.equal(JSON.parse(targetOn.out).equalization.channels, 2);
  const targetOff = await run('--target-sqnr', '10', '--no-equalize-channels');
  assert.notEqual(targetOff.code, 2, targetOff.err);
  assert.equal(JSON.parse(targetOff.out).equalization, undefined);
  const both = await run('--equalize-channels', '--no-equalize-channels');
  assert.equal(both.code, 2);
  assert.match(both.err, /--equalize-channels and --no-equalize-channels contradict each other/);
  const otherMode = await run('--equalize-channels', '--mode', 'int16x8');
  assert.equal(otherMode.code, 2);
  assert.match(otherMode.err, /--equalize-channels works with --mode int8 .*; got --mode int16x8/);
});

test('channel scales: up towards the range with headroom, within ReLU6, never down, bounded by a CONV_2D consumer\'s weight rounding', () => {
  const max = Float64Array.from([6, 0.01, 0]);
  const power = Float64Array.from([4, 1e-4, 0]);
  const s = channelScales(max, power, 'RELU6');
  assert.deepEqual([...s].map((v, i) => (i === 1 ? v <= 6 / (EQUALIZATION_HEADROOM * 0.01) && v > 64 : v)), [1, true, 1]);
  assert.equal(Math.log2(s[1]!) % 1, 0, 'a power of two');
  // A 1×1 conv reading both channels with equal weights: scaling channel 1 makes its weights round coarser, so less.
  const terms = convConsumerTerms(Float32Array.from([1, 1]), [1, 1, 1, 2]);
  const bounded = channelScales(max, power, 'RELU6', [terms]);
  assert.ok(bounded[1]! < s[1]! && bounded[1]! >= 1, `${bounded[1]} vs ${s[1]}`);
});
