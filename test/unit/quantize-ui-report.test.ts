import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QuantizationReport } from '../../src/core/quantize/index';
import { quantizationReportMarkdown } from '../../src/extension/quantize/report-markdown';
import { escapeMarkdown } from '../../src/core/common/markdown';

const names = { source: 'models/ae.tflite', output: 'models/ae_int8.tflite' };

function int8Report(): QuantizationReport {
  return {
    mode: 'int8', io: 'int8', sizeBefore: 20480, sizeAfter: 6144, totalMs: 2500, activations: [],
    operators: [
      { index: 0, op: 'FULLY_CONNECTED', status: 'quantized', version: 4 },
      { index: 1, op: 'CUSTOM', status: 'float', version: 1 },
    ],
    calibration: { method: 'minmax', samples: 160, source: 'data/calibration.npy (calibration split, seed 1)', forwardMs: 800, batch: 32 },
    accuracy: {
      source: 'data/calibration.npy (held-out split, seed 1)', samples: 40, top1Agreement: 0.975,
      outputs: [{ name: 'scores', sqnrDb: 28.44, maxAbsError: 0.0123, meanAbsError: 0.00211 }],
      layers: [
        { tensor: 'dense|1', producer: 'FULLY_CONNECTED #0', sqnrDb: 40.1, maxAbsError: 0.02, scale: 0.01 },
        { tensor: '<b>x</b>', producer: 'CUSTOM #1', sqnrDb: 12, maxAbsError: 0.5, scale: 0.1 },
        { tensor: 'out', producer: 'SOFTMAX #2', sqnrDb: Infinity, maxAbsError: 0, scale: 1 / 256 },
      ],
    },
    tflm: { runs: false, notes: ['CUSTOM #1: no kernel for custom op "my_op"'], arena: { minArenaBytes: 1460, arenaUsedBytes: 1100, recommendedArenaBytes: 1760, marginPercent: 20, target: 'cortex-m', kernels: 'reference', exact: true } },
  };
}

test('escaping: table cells and markup in names stay text', () => {
  assert.equal(escapeMarkdown('a|b'), 'a\\|b');
  assert.equal(escapeMarkdown('<b>x</b>'), '&lt;b&gt;x&lt;/b&gt;');
  assert.equal(escapeMarkdown('conv_1/[x]*'), 'conv\\_1/\\[x\\]\\*');
});

test('int8 report: header, accuracy table, per-layer table with the worst layer flagged, calibration, TFLite Micro, operators', () => {
  const md = quantizationReportMarkdown(int8Report(), ['Only 160 calibration samples'], names);
  const lines = md.split('\n');
  assert.equal(lines[0], '# Quantization report: ae\\_int8\\.tflite');
  assert.match(md, /From \*\*ae\\\.tflite\*\* · mode \*\*int8\*\*, int8 inputs and outputs · size 20\.0 KiB → 6\.00 KiB \(30%\)/);
  assert.ok(lines.includes('| Output | SQNR (dB) | Max error | Mean error |'), md);
  assert.ok(lines.includes('| scores | 28.4 | 0.0123 | 0.00211 |'), md);
  assert.match(md, /Top-1 agreement with the float model: \*\*97\.5%\*\*/);
  assert.ok(lines.includes('| ⚠ CUSTOM \\#1 | &lt;b&gt;x&lt;/b&gt; | 12.0 | 0.500 | 5.0 |'), md);
  assert.ok(lines.includes('| FULLY\\_CONNECTED \\#0 | dense\\|1 | 40.1 | 0.0200 | 2.0 |'));
  assert.ok(lines.includes('| SOFTMAX \\#2 | out | exact | 0.00 | 0.0 |'));
  assert.match(md, /160 samples from .*ranges by \*\*minmax\*\*; 32 samples per runtime call, runtime forward passes 0\.80 s of 2\.50 s in total\./);
  assert.match(md, /\*\*TFLite Micro cannot run this model as is\.\*\*/);
  assert.match(md, /\| Minimum arena \| 1,460 bytes \(1\.43 KiB\) \|/);
  assert.match(md, /\| Used after allocation \| 1,100 bytes \(1\.07 KiB\) \|/);
  assert.match(md, /\| Recommended \| 1,760 bytes \(1\.72 KiB\) \| minimum \\\+ 20% margin/);
  assert.match(md, /1 of 2 operators quantized; kept in float: \\#1 CUSTOM\./);
  assert.match(md, /## Warnings\n\n- Only 160 calibration samples/);
  assert.ok(!md.includes('<b>'), 'no raw HTML from tensor names');
  // No split recorded: nothing said about where the held-out samples came from. Split off the data given: said.
  assert.ok(!md.includes('Held out from the data given'));
  const r = int8Report();
  r.calibration!.split = { source: 'data/calibration.npy', given: 200, calibration: 160, heldOut: 40 };
  assert.match(quantizationReportMarkdown(r, [], names), /never used for calibration\. Held out from the data given: if that is training data, inputs the model never saw may score lower/);
});

test('recipe and floor: the chosen recipe and every candidate\'s score; an output below the floor is flagged above the table', () => {
  const recipe = { method: 'mse' as const, perChannelFullyConnected: false, biasCorrection: true };
  const base = int8Report();
  const md = quantizationReportMarkdown({
    ...base,
    accuracy: { ...base.accuracy!, outputs: [{ name: 'scores', sqnrDb: 9.5, maxAbsError: 0.3, meanAbsError: 0.1 }], belowFloor: ['scores'] },
    recipe: {
      chosen: recipe, forced: [], scoredOn: { source: 'held-out', samples: 40, heldOut: true, calibrationSamples: 40 },
      candidates: [
        { recipe: { method: 'mse', perChannelFullyConnected: false, biasCorrection: false }, outputsDb: [8.1], scoreDb: 8.1, calibrationDb: 7.5 },
        { recipe, outputsDb: [9.5], scoreDb: 9.5, pairedT: 1.2, calibrationDb: 9.25, calibrationPairedT: 0.8 },
      ],
    },
  }, ['ACCURACY BELOW THE FLOOR: output "scores" 9.5 dB on held-out data'], names);
  assert.match(md, /> \*\*Accuracy below the 15 dB floor\*\* on "scores"/);
  assert.ok(md.indexOf('Accuracy below the') < md.indexOf('## Accuracy'), 'the floor warning comes first');
  assert.match(md, /\| ⚠ scores \| 9\.5 \|/);
  assert.match(md, /## Recipe\n\n\*\*mse ranges \\\+ bias correction\*\*, chosen automatically: the best worst-output SQNR of 2 candidates on 40 held-out samples\./);
  // Each candidate's held-out score, the paired t against the incumbent, and the calibration view where it was scored.
  assert.match(md, /\| Recipe \| Worst output SQNR \(dB\) \| Paired t \| First 40 calibration samples \(dB\) \|/);
  assert.match(md, /\| mse ranges \| 8\.1 \| {2}\| 7\.5 \|\n\| \*\*→\*\* mse ranges \\\+ bias correction \| 9\.5 \| 1\.20 \| 9\.3 \|/);
  assert.match(md, /bias correction stays unless the samples clearly reject it \\\(paired t ≤ \\-2\\\)/);
  // The per-tensor choice says how many tensors took each method, after the chosen recipe.
  const perTensor = { method: 'per-tensor' as const, perChannelFullyConnected: false, biasCorrection: false };
  const pt = quantizationReportMarkdown({
    ...base,
    recipe: {
      chosen: perTensor, forced: [], scoredOn: { source: 'held-out', samples: 40, heldOut: true }, perTensor: { mse: 5, minmax: 2 },
      candidates: [{ recipe: perTensor, outputsDb: [30], scoreDb: 30 }, { recipe: { ...perTensor, method: 'minmax' }, outputsDb: [29], scoreDb: 29 }],
    },
  }, [], names);
  assert.match(pt, /## Recipe\n\n\*\*per\\-tensor ranges\*\*, chosen automatically: the best worst-output SQNR of 2 candidates on 40 held-out samples\.\n\nRanges chosen per tensor, by each tensor's own quantization error over its histogram: mse 5, minmax 2\./);
  const forced = quantizationReportMarkdown({ ...base, recipe: { chosen: recipe, forced: ['method', 'perChannelFullyConnected', 'biasCorrection'], candidates: [] } }, [], names);
  assert.match(forced, /## Recipe\n\n\*\*mse ranges \\\+ bias correction\*\*, as set\./);
  assert.doesNotMatch(forced, /below the/);
});

test('dynamic-range and float16 reports say TFLite Micro cannot run them; no data means no accuracy', () => {
  const base = { io: 'float' as const, sizeBefore: 4096, sizeAfter: 1024, operators: [], activations: [], totalMs: 10 };
  const dyn = quantizationReportMarkdown({ ...base, mode: 'dynamic' }, [], { source: 'ae.tflite', output: 'ae_dynamic.tflite' });
  assert.match(dyn, /> \*\*TFLite Micro cannot run it:\*\* dynamic-range models keep float activations/);
  assert.match(dyn, /Not measured: this mode needs no data/);
  assert.doesNotMatch(dyn, /inputs and outputs/);
  const f16 = quantizationReportMarkdown({ ...base, mode: 'float16' }, [], { source: 'ae.tflite', output: 'ae_float16.tflite' });
  assert.match(f16, /> \*\*TFLite Micro cannot run it:\*\* float16 weights/);
});
