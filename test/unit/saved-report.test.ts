import assert from 'node:assert/strict';
import { test } from 'node:test';
import { savedReportOverlay } from '../../src/core/inspector/graph-overlays';
import { buildInspectorView } from '../../src/core/inspector/view';
import { parseSavedReport, savedReportJson, type SavedQuantizationReport } from '../../src/core/quantize/saved-report';
import type { QuantizationReport } from '../../src/core/quantize/types';
import { branchingModel } from '../helpers/graph-models';

/** A report with every kind of non-finite figure: +∞ (exact), −∞ (an all-zero reference), NaN, and names that read like them. */
function report(): SavedQuantizationReport {
  const r = {
    mode: 'int8', io: 'int8', sizeBefore: 100, sizeAfter: 40, operators: [], totalMs: 5,
    activations: [{ tensor: 'mask', status: 'quantized', min: -Infinity, max: 3, scale: [0.1], zeroPoint: [0] }],
    accuracy: {
      source: 'data.npy', samples: 8,
      outputs: [
        { name: 'NaN', sqnrDb: -Infinity, maxAbsError: Infinity, meanAbsError: NaN, points: { reference: [1, -Infinity], quantized: [NaN, 2] } },
        { name: '-Infinity', sqnrDb: Infinity, maxAbsError: 0, meanAbsError: 0 },
      ],
      layers: [
        { tensor: 'stage0/block0/add', producer: 'ADD #2', sqnrDb: Infinity, maxAbsError: 0, scale: 0.1 },
        { tensor: 'stage0/block1/add', producer: 'ADD #5', sqnrDb: NaN, maxAbsError: 0.2, scale: 0.1 },
      ],
      belowFloor: ['NaN'],
      tflm: { samples: 4, outputs: [{ name: 'NaN', sqnrDb: -Infinity, liteRtSqnrDb: NaN, maxAbsError: 0, meanAbsError: 0 }], maxLsbVsLiteRt: 0, fractionDifferVsLiteRt: 0 },
    },
    recipe: {
      chosen: { method: 'per-tensor' }, forced: [], perChannelFcBoundDb: -Infinity,
      candidates: [{ recipe: { method: 'minmax' }, outputsDb: [Infinity, -Infinity], scoreDb: -Infinity, pairedT: Infinity, calibrationDb: 12.5, calibrationPairedT: -Infinity }],
    },
    mixedPrecision: {
      targetDb: 20, kernels: 'reference', met: false, outputsBeforeDb: [-Infinity, 12], outputsAfterDb: [Infinity, NaN], scoredOn: { source: 'data.npy', samples: 4 },
      reportedOn: { source: 'data.npy', samples: 4, worstDb: -Infinity, met: false, unseen: true, device: { samples: 4, worstDb: NaN, estimated: false, met: false } },
      kept: [{ op: 'ADD', index: 2, tensor: 'Infinity', precision: 'float', int8SqnrDb: -Infinity, addedNoise: Infinity }],
      followed: 0, candidates: 1, probes: 1, cost: { flashBytes: 0, floatMacs: 0, int16Macs: 0 }, widenedOutputs: [{ name: 'NaN', int8FloorDb: -Infinity }],
    },
  } as unknown as QuantizationReport;
  return { model: 'models/net_float.tflite', output: 'net_int8.tflite', report: r, warnings: ['a warning'] };
}

test('a saved report reads back every non-finite figure as written: exact as +∞, an all-zero reference as −∞, NaN as NaN; names stay names', () => {
  const written = report();
  const text = savedReportJson(written);
  const back = parseSavedReport(text)!;
  assert.deepEqual(back, written);
  // +∞ is null in the file, as reports always wrote it (and as older readers read it).
  assert.equal((JSON.parse(text) as { accuracy: { layers: { sqnrDb: unknown }[] } }).accuracy.layers[0]!.sqnrDb, null);
  assert.equal(back.report.accuracy!.outputs[0]!.name, 'NaN');
  assert.equal(back.report.mixedPrecision!.kept[0]!.tensor, 'Infinity');
  assert.deepEqual(back.report.accuracy!.belowFloor, ['NaN']);
});

test('a report saved before −∞ had its own spelling (null for every non-finite figure) still reads, as +∞', () => {
  const w = report();
  const old = JSON.stringify({ model: w.model, output: w.output, ...w.report, warnings: w.warnings });
  const back = parseSavedReport(old)!;
  assert.equal(back.report.accuracy!.outputs[0]!.sqnrDb, Infinity);
  assert.equal(back.report.accuracy!.layers[0]!.sqnrDb, Infinity);
});

test('the inspector page gets the report as the file\'s text: through a JSON message (what a webview message is) the figures survive, and the SQNR overlay is built in the page', () => {
  const written = report();
  // What VS Code does to a message on its way to the page.
  const crossed = JSON.parse(JSON.stringify({ type: 'model', reportJson: savedReportJson(written) })) as { reportJson: string };
  const inPage = parseSavedReport(crossed.reportJson)!;
  assert.deepEqual(inPage, written);
  // The same object sent as it is loses them: the reason the message carries text.
  const asObject = JSON.parse(JSON.stringify(written)) as SavedQuantizationReport;
  assert.equal(asObject.report.accuracy!.layers[0]!.sqnrDb, null);

  const sg = buildInspectorView(branchingModel(9)).subgraphs[0]!;
  const overlay = savedReportOverlay(sg, inPage)!;
  assert.equal(overlay.values[2], Infinity, 'an exact layer is the best end of the scale, not a missing value');
  assert.ok(Number.isNaN(overlay.values[5]));
  assert.equal(overlay.source, 'held-out SQNR of the last quantization (net_float.tflite → this file)');
  assert.equal(savedReportOverlay(sg, { ...inPage, report: { ...inPage.report, accuracy: { ...inPage.report.accuracy!, layers: [] } } }), undefined);
  const elsewhere = [{ tensor: 'not in this graph', producer: 'ADD #0', sqnrDb: 3, maxAbsError: 0, scale: 1 }];
  assert.equal(savedReportOverlay(sg, { ...inPage, report: { ...inPage.report, accuracy: { ...inPage.report.accuracy!, layers: elsewhere } } }), undefined);
});
