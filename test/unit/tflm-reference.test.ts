import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/core/data/dataset';
import { evaluateQuantization, formatQuantizationReport, liteRtComparisonText, quantizeModel } from '../../src/core/quantize/index';
import { toTensorArray } from '../../src/core/quantize/tensor-io';
import {
  expOnNegativeValues, getReciprocal, multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPot, srdhm,
} from '../../src/core/quantize/tflm-fixed-point';
import { TflmReference } from '../../src/core/quantize/tflm-reference';
import { quantizationReportMarkdown } from '../../src/extension/quantize/report-markdown';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { parseSavedReport, savedReportJson } from '../../src/core/quantize/saved-report';
import { ModelBuilder, readModel, writeModel, type Model } from '../../src/core/tflite/index';
import { int16ResizeBilinearModel, resizeBilinearModel } from '../helpers/tflm-kernel-models';

/** gemmlowp's SaturatingRoundingDoublingHighMul, written with BigInt exactly as in fixedpoint.h. */
function srdhmBig(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, as C++ does
}

test('SaturatingRoundingDoublingHighMul matches the 64-bit C++ definition, edge cases included', () => {
  const r = rng(11);
  const edge = [0, 1, -1, 2147483647, -2147483648, 1 << 30, -(1 << 30), 65535, 65536, -65536, 1073741823];
  for (const a of edge) for (const b of edge) assert.equal(srdhm(a, b), srdhmBig(a, b), `${a} × ${b}`);
  for (let i = 0; i < 20000; i++) {
    const a = Math.floor((r() - 0.5) * 2 ** 32) | 0;
    const b = i % 2 ? Math.floor(r() * 2 ** 31) : Math.floor((r() - 0.5) * 2 ** 20);
    assert.equal(srdhm(a, b), srdhmBig(a, b), `${a} × ${b}`);
  }
});

test('RoundingDivideByPOT rounds half away from zero', () => {
  assert.deepEqual([5, 6, 7, -5, -6, -7].map((x) => roundingDivideByPot(x, 2)), [1, 2, 2, -1, -2, -2]);
  assert.equal(roundingDivideByPot(-2147483648, 31), -1);
});

test('the double rounding of TFLite Micro: a value just below .5 is rounded up, unlike a single rounding', () => {
  // Multiplier 0.75 · 2^-2 (= 0.1875): Q31 significand 1610612736, shift -2.
  const { multiplier, shift } = quantizeMultiplier(0.1875);
  assert.deepEqual({ multiplier, shift }, { multiplier: 1610612736, shift: -2 });
  // 13 · 0.1875 = 2.4375 rounds to 2 in one step; TFLM rounds 13 · 0.75 = 9.75 to 10 first, then 10 / 4 = 2.5 to 3.
  assert.equal(Math.round(13 * 0.1875), 2);
  assert.equal(multiplyByQuantizedMultiplier(13, multiplier, shift), 3);
  // Far from a tie both agree.
  assert.equal(multiplyByQuantizedMultiplier(100, multiplier, shift), Math.round(100 * 0.1875));
});

test('QuantizeMultiplier: frexp form, powers of two and tiny multipliers', () => {
  assert.deepEqual(quantizeMultiplier(1), { multiplier: 1073741824, shift: 1 });
  assert.deepEqual(quantizeMultiplier(0.5), { multiplier: 1073741824, shift: 0 });
  assert.deepEqual(quantizeMultiplier(0), { multiplier: 0, shift: 0 });
  assert.deepEqual(quantizeMultiplier(2 ** -40), { multiplier: 0, shift: 0 });
  const { multiplier, shift } = quantizeMultiplier(0.00123);
  assert.ok(Math.abs((multiplier / 2 ** 31) * 2 ** shift - 0.00123) < 1e-12);
});

test('gemmlowp exp and reciprocal track the real functions', () => {
  for (const x of [0, -0.1, -0.5, -1, -2.5, -7, -15]) {
    const raw = Math.round(x * 2 ** 26); // Q5.26, as softmax feeds it
    const e = expOnNegativeValues(raw, 5) / 2 ** 31;
    assert.ok(Math.abs(e - Math.exp(x)) < 1e-6, `exp(${x}) = ${e}`);
  }
  for (const x of [1, 1.5, 3.25, 100]) {
    const { reciprocal, numBitsOverUnit } = getReciprocal(Math.round(x * 2 ** 19), 12); // Q12.19
    const approx = (reciprocal / 2 ** 31) / 2 ** numBitsOverUnit;
    assert.ok(Math.abs(approx - 1 / x) < 1e-6 / x, `1/${x} = ${approx}`);
  }
});

/** conv → depthwise → add (residual) → avg pool → fc → softmax, the kernels of the MLPerf Tiny models. */
function residualModel(): Model {
  const b = new ModelBuilder({ seed: 7 });
  const x = b.input('image', [1, 8, 8, 3]);
  const c = b.conv2d(x, 8, [3, 3], { activation: 'RELU', stride: [2, 2] });
  const d = b.depthwiseConv2d(c, [3, 3], { activation: 'RELU6' });
  const s = b.add(c, b.conv2d(d, 8, [1, 1]), 'RELU');
  const p = b.averagePool2d(b.maxPool2d(s, [2, 2], { stride: [1, 1] }), [3, 3]);
  const f = b.fullyConnected(b.reshape(p, [1, -1]), 5);
  b.output(b.softmax(f));
  return b.build();
}

function images(count: number, seed: number): Dataset {
  const r = rng(seed);
  return { source: `synthetic U[0, 1], seed ${seed}`, inputShapes: [[1, 8, 8, 3]], samples: Array.from({ length: count }, () => [Float32Array.from({ length: 192 }, () => r())]) };
}

test('the reference evaluator stays within a few steps of LiteRT on a quantized model, and the report states both accuracies', async () => {
  const float = residualModel();
  const q = await quantizeModel(float, images(64, 1), { calibration: 'minmax', perChannelFullyConnected: false, biasCorrection: false, weightRounding: 'nearest' });
  const model = readModel(q.bytes);
  assert.equal(TflmReference.unsupported(model), undefined);
  const ref = TflmReference.create(model);
  const rt = await loadRuntimeModel(q.bytes);
  const sg = model.subgraphs[0]!;
  let maxDiff = 0;
  try {
    for (const s of images(30, 2).samples) {
      const x = toTensorArray(sg.tensors[sg.inputs[0]!]!, s[0]!) as Int8Array;
      const mine = ref.run([x])[0]!;
      const theirs = rt.run([x])[0]!;
      for (let k = 0; k < mine.length; k++) maxDiff = Math.max(maxDiff, Math.abs(mine[k]! - Number(theirs[k])));
    }
  } finally {
    rt.dispose();
  }
  // Not bit-exact by design (LiteRT rounds once, in float; TFLM twice, in fixed point), but close: a few steps after softmax.
  assert.ok(maxDiff <= 8, `max |TFLM reference − LiteRT| = ${maxDiff} steps`);

  const acc = await evaluateQuantization(writeModel(float), q.bytes, images(30, 3));
  const t = acc.tflm!;
  assert.equal(t.notComputed, undefined);
  assert.equal(t.samples, 30);
  assert.ok(Math.abs(t.outputs[0]!.sqnrDb - acc.outputs[0]!.sqnrDb) < 3, `TFLM ${t.outputs[0]!.sqnrDb} dB vs LiteRT ${acc.outputs[0]!.sqnrDb} dB`);
  assert.ok(t.maxLsbVsLiteRt <= 8 && t.fractionDifferVsLiteRt < 0.5);
  const text = formatQuantizationReport({ ...q.report, accuracy: acc });
  assert.match(text, /As TFLite Micro computes it \(reference kernels, bit-exact; first 30 samples\): \S+ SQNR -?\d+\.\d dB/);
  const md = quantizationReportMarkdown({ ...q.report, accuracy: acc }, [], { source: 'residual.tflite', output: 'residual_int8.tflite' });
  const section = md.slice(md.indexOf('### As TFLite Micro computes it'));
  assert.match(section, /on the first \*\*30\*\* held-out samples/);
  assert.match(section, new RegExp(`\\| [^|]+ \\| ${t.outputs[0]!.sqnrDb.toFixed(1).replace('-', '\\-')} \\|`));
  // On all samples LiteRT's same-sample figure is the report's own, and the line does not repeat it.
  assert.ok(Math.abs(t.outputs[0]!.liteRtSqnrDb! - acc.outputs[0]!.sqnrDb) < 1e-9, `${t.outputs[0]!.liteRtSqnrDb} vs ${acc.outputs[0]!.sqnrDb}`);
  assert.doesNotMatch(text, /on these samples/);

  // On the first 7 of 30: LiteRT's figure on those same 7 stands beside TFLite Micro's, in the text and the markdown.
  const sub = await evaluateQuantization(writeModel(float), q.bytes, images(30, 3), {}, { tflmSamples: 7 });
  const first7 = await evaluateQuantization(writeModel(float), q.bytes, { ...images(30, 3), samples: images(30, 3).samples.slice(0, 7) }, {}, { tflmSamples: 7 });
  const s = sub.tflm!.outputs[0]!;
  assert.equal(sub.tflm!.samples, 7);
  assert.ok(Math.abs(s.liteRtSqnrDb! - first7.outputs[0]!.sqnrDb) < 1e-9, `LiteRT on the first 7: ${s.liteRtSqnrDb} vs ${first7.outputs[0]!.sqnrDb}`);
  assert.ok(Math.abs(s.sqnrDb - first7.tflm!.outputs[0]!.sqnrDb) < 1e-9);
  assert.notEqual(s.liteRtSqnrDb!.toFixed(3), sub.outputs[0]!.sqnrDb.toFixed(3), 'the subset scores differently from all 30');
  const subText = formatQuantizationReport({ ...q.report, accuracy: sub });
  assert.ok(subText.includes(`first 7 samples): ${s.name} SQNR ${s.sqnrDb.toFixed(1)} dB (LiteRT ${s.liteRtSqnrDb!.toFixed(1)} dB on these samples)`), subText);
  const subMd = quantizationReportMarkdown({ ...q.report, accuracy: sub }, [], { source: 'residual.tflite', output: 'residual_int8.tflite' });
  assert.match(subMd, /\| Output \| SQNR \(dB\) \| LiteRT, same samples \(dB\) \|/);
  assert.equal(sub.tflm!.liteRtTop1Agreement, first7.top1Agreement, 'LiteRT\'s top-1 on the same 7');
  assert.ok(subMd.includes(`on TFLite Micro: **${(100 * sub.tflm!.top1Agreement!).toFixed(1)}%** (LiteRT on the same samples: ${(100 * first7.top1Agreement!).toFixed(1)}%)`), subMd);
  // Saved and read back, the new figure survives (and an exact one, written as null, is Infinity again).
  const saved = parseSavedReport(savedReportJson({ model: 'm.tflite', output: 'q.tflite', report: { ...q.report, accuracy: sub }, warnings: [] }))!;
  assert.equal(saved.report.accuracy!.tflm!.outputs[0]!.liteRtSqnrDb, s.liteRtSqnrDb);
  const exact = parseSavedReport(savedReportJson({ model: 'm.tflite', output: 'q.tflite', warnings: [],
    report: { ...q.report, accuracy: { ...sub, tflm: { ...sub.tflm!, outputs: [{ ...s, sqnrDb: Infinity, liteRtSqnrDb: Infinity }] } } } }))!;
  assert.equal(exact.report.accuracy!.tflm!.outputs[0]!.sqnrDb, Infinity);
  assert.equal(exact.report.accuracy!.tflm!.outputs[0]!.liteRtSqnrDb, Infinity);
});

test('with float outputs (--io float) the report compares TFLite Micro\'s float values with LiteRT\'s and claims nothing of integer outputs it does not have', async () => {
  const float = residualModel();
  const q = await quantizeModel(float, images(64, 1), { io: 'float', calibration: 'minmax', perChannelFullyConnected: false, biasCorrection: false, weightRounding: 'nearest' });
  const acc = await evaluateQuantization(writeModel(float), q.bytes, images(20, 3));
  const t = acc.tflm!;
  assert.equal(t.integerValues, 0);
  assert.equal(t.floatValues, 20 * 5);
  // The evaluator computes the float DEQUANTIZE of the int8 softmax exactly as LiteRT does when their int8 values agree.
  assert.ok(t.floatDifferVsLiteRt! >= 0 && t.floatDifferVsLiteRt! < 0.5, String(t.floatDifferVsLiteRt));
  const text = formatQuantizationReport({ ...q.report, accuracy: acc });
  const line = text.split('\n').find((l) => l.includes('As TFLite Micro computes it'))!;
  assert.doesNotMatch(line, /integer outputs/);
  assert.match(line, t.floatDifferVsLiteRt === 0 ? /same float outputs as LiteRT/ : /float outputs differ from LiteRT's in \d+\.\d% of values/);
  const md = quantizationReportMarkdown({ ...q.report, accuracy: acc }, [], { source: 'residual.tflite', output: 'residual_int8.tflite' });
  assert.doesNotMatch(md.slice(md.indexOf('### As TFLite Micro computes it')), /integer outputs/);
  // A report saved before integer values were counted (int8 outputs) reads as before.
  const { integerValues: _n, floatValues: _f, floatDifferVsLiteRt: _d, ...old } = t;
  assert.equal(liteRtComparisonText({ ...old, maxLsbVsLiteRt: 0 }), 'same integer outputs as LiteRT');
  assert.equal(liteRtComparisonText({ ...old, maxLsbVsLiteRt: 2, fractionDifferVsLiteRt: 0.25 }), 'integer outputs differ from LiteRT\'s by up to 2 steps (25.0% of values)');
});

test('a model with an operator the evaluator does not cover says which, and the report says it was not computed', async () => {
  // TFLite Micro has no int16 RESIZE_BILINEAR, so the evaluator has none either (the TF converter's 16x8 mode writes one)
  const r = rng(4);
  const data: Dataset = { source: 'synthetic', inputShapes: [[1, 4, 4, 2]], samples: Array.from({ length: 20 }, () => [Float32Array.from({ length: 32 }, () => r() - 0.5)]) };
  const int16 = int16ResizeBilinearModel();
  const why = TflmReference.unsupported(int16);
  assert.match(why ?? '', /^RESIZE_BILINEAR #0 \(int16/);
  const acc = await evaluateQuantization(writeModel(int16ResizeBilinearModel(true)), writeModel(int16), data);
  assert.equal(acc.tflm!.notComputed, why);
  assert.ok(acc.outputs[0]!.sqnrDb > 40, JSON.stringify(acc.outputs)); // LiteRT runs it
  const q = await quantizeModel(resizeBilinearModel(), data, { heldOut: data });
  const text = formatQuantizationReport({ ...q.report, accuracy: acc });
  assert.ok(text.includes(`As TFLite Micro computes it: not computed (${why} has no reference evaluation here)`), text);
});
