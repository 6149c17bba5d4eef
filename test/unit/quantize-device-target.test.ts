import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceTarget, targetMet, type MixedPrecisionReport } from '../../src/core/quantize/mixed-precision-report';
import { formatQuantizationReport, quantizeModel } from '../../src/core/quantize/index';
import { mixedPrecisionReportedText } from '../../src/core/quantize/report-text';
import { parseSavedReport, savedReportJson } from '../../src/core/quantize/saved-report';
import { quantizationReportMarkdown } from '../../src/extension/quantize/report-markdown';
import { kernelModels } from '../helpers/tflm-kernel-models';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import type { Dataset } from '../../src/core/data/dataset';

const outputs = [{ name: 'a', sqnrDb: 21 }, { name: 'b', sqnrDb: 30 }];

test('the target as TFLite Micro computes it: exact on all reported samples, estimated from a subset by the gap to LiteRT there', () => {
  // All 20 reported samples through the evaluator: its own worst output.
  const all = deviceTarget(20, 20, outputs, { samples: 20, outputs: [{ name: 'a', sqnrDb: 19.5, liteRtSqnrDb: 21 }, { name: 'b', sqnrDb: 29, liteRtSqnrDb: 30 }] })!;
  assert.deepEqual(all, { samples: 20, worstDb: 19.5, estimated: false, met: false });
  // The first 10 of 40: each output's reported SQNR moved by TFLite Micro − LiteRT on those 10.
  const sub = deviceTarget(20, 40, outputs, { samples: 10, outputs: [{ name: 'a', sqnrDb: 18.5, liteRtSqnrDb: 19 }, { name: 'b', sqnrDb: 27, liteRtSqnrDb: 28 }] })!;
  assert.equal(sub.estimated, true);
  assert.ok(Math.abs(sub.worstDb - 20.5) < 1e-9, String(sub.worstDb));
  assert.equal(sub.met, true, 'a hard subset is not the device\'s loss');
  const lost = deviceTarget(20, 40, outputs, { samples: 10, outputs: [{ name: 'a', sqnrDb: 17, liteRtSqnrDb: 19 }, { name: 'b', sqnrDb: 28, liteRtSqnrDb: 28 }] })!;
  assert.ok(Math.abs(lost.worstDb - 19) < 1e-9 && !lost.met);
  // An output exact on LiteRT's subset leaves no gap to carry over: the smaller figure stands.
  const exact = deviceTarget(20, 40, outputs, { samples: 10, outputs: [{ name: 'a', sqnrDb: 40, liteRtSqnrDb: Infinity }, { name: 'b', sqnrDb: 35, liteRtSqnrDb: 35 }] })!;
  assert.equal(exact.worstDb, 21);
  // A reference all zeros on the subset (-Infinity or NaN there) carries no difference: the reported figure stands.
  const zeros = deviceTarget(20, 40, outputs, { samples: 1, outputs: [{ name: 'a', sqnrDb: -Infinity, liteRtSqnrDb: -Infinity }, { name: 'b', sqnrDb: NaN, liteRtSqnrDb: NaN }] })!;
  assert.deepEqual(zeros, { samples: 1, worstDb: 21, estimated: true, met: true });
  assert.equal(deviceTarget(20, 40, outputs, undefined), undefined);
  assert.equal(deviceTarget(20, 40, outputs, { samples: 0, outputs: [] }), undefined);
});

test('a target met on LiteRT but missed as TFLite Micro computes it on every reported sample is missed; an estimate below it is said, not decided on', () => {
  const m: MixedPrecisionReport = {
    targetDb: 20, kernels: 'reference', met: true, outputsBeforeDb: [8], outputsAfterDb: [22], scoredOn: { source: 'data', samples: 20 },
    reportedOn: { source: 'data', samples: 40, worstDb: 21, met: true, unseen: true, device: { samples: 40, worstDb: 19, estimated: false, met: false } },
    kept: [], followed: 0, candidates: 3, probes: 2, cost: { flashBytes: 0, floatMacs: 0, int16Macs: 0 },
  };
  assert.equal(targetMet(m), false);
  assert.equal(targetMet({ ...m, reportedOn: { ...m.reportedOn!, device: { ...m.reportedOn!.device!, worstDb: 20.5, met: true } } }), true);
  const estimate = { ...m, reportedOn: { ...m.reportedOn!, device: { samples: 10, worstDb: 19.9, estimated: true, met: false } } };
  assert.equal(targetMet(estimate), true, 'an estimate from 10 of 40 samples does not decide');
  const { device: _d, ...before } = m.reportedOn!;
  assert.equal(targetMet({ ...m, reportedOn: before }), true, 'a report saved before the device check');
  assert.equal(mixedPrecisionReportedText(m.reportedOn!),
    'on the other 40 held-out samples, which the search did not see (data): worst output 21.0 dB, met; '
    + 'as TFLite Micro computes it (reference kernels, all 40 samples): worst output 19.0 dB, missed');
  assert.equal(mixedPrecisionReportedText(estimate.reportedOn).split('; ')[1],
    'as TFLite Micro computes it (reference kernels, estimated from the first 10 samples): worst output about 19.9 dB, below the target by this estimate');
  const md = quantizationReportMarkdown({ mode: 'int8', io: 'int8', sizeBefore: 1, sizeAfter: 1, operators: [], activations: [], totalMs: 1, mixedPrecision: m } as never, [], { source: 'm.tflite', output: 'q.tflite' });
  assert.match(md, /> \*\*Target of 20 dB missed\*\*: the worst output reaches 21\.0 dB on LiteRT\. As TFLite Micro computes it: 19\.0 dB\./);
  const saved = parseSavedReport(savedReportJson({ model: 'm.tflite', output: 'q.tflite', warnings: [], report: {
    mode: 'int8', io: 'int8', sizeBefore: 1, sizeAfter: 1, operators: [], activations: [], totalMs: 1,
    mixedPrecision: { ...m, reportedOn: { ...m.reportedOn!, device: { samples: 40, worstDb: Infinity, estimated: false, met: true } } },
  } as never }))!;
  assert.equal(saved.report.mixedPrecision!.reportedOn!.device!.worstDb, Infinity);
});

test('a target run states the target as TFLite Micro computes it, and the CLI text carries it', async () => {
  const c = kernelModels().find((k) => k.name.startsWith('conv-dw-fc-add, --target-sqnr 42'))!;
  const data = (n: number, seed: number): Dataset => {
    const r = rng(seed);
    return { source: `synthetic, seed ${seed}`, inputShapes: [c.shape], samples: Array.from({ length: n }, () => [Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => c.range[0] + (c.range[1] - c.range[0]) * r())]) };
  };
  const r = await quantizeModel(c.model, data(200, 3), { calibration: 'minmax', targetSqnrDb: 42, heldOut: data(40, 5) });
  const on = r.report.mixedPrecision!.reportedOn!;
  const t = r.report.accuracy!.tflm!;
  assert.ok(on.device, 'the evaluator ran on the reported samples');
  assert.equal(on.device.samples, t.samples);
  assert.equal(on.device.estimated, t.samples < on.samples);
  if (!on.device.estimated) assert.equal(on.device.worstDb, Math.min(...t.outputs.map((o) => o.sqnrDb)));
  assert.equal(on.device.met, on.device.worstDb >= 42);
  assert.match(formatQuantizationReport(r.report, r.warnings), /as TFLite Micro computes it \(reference kernels, (all \d+ samples|estimated from the first \d+ samples)\): worst output (about )?\d+\.\d dB, (MET|MISSED|below the target by this estimate)/);
  if (!on.device.met && on.met) assert.ok(r.warnings.some((w) => /^TARGET (MAY BE )?MISSED ON TFLITE MICRO/.test(w)), r.warnings.join('\n'));
});
