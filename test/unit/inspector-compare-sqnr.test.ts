/**
 * The Compare view's per-layer SQNR (core/inspector/layer-sqnr.ts, extension/compare/compare-job.ts) on a model we
 * build and quantize with our own quantizer, run on the real LiteRT: the same figures as the quantization report's
 * per-layer SQNR on the same samples, the held-out samples recovered from the saved report, seeded inputs otherwise.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { mulberry32 } from '../../src/core/common/seeded-random';
import { holdOutForReport, loadDataset, writeNpy } from '../../src/core/data/index';
import { matchLayers } from '../../src/core/inspector/compare';
import { layerSqnr, seededInputs } from '../../src/core/inspector/layer-sqnr';
import { buildInspectorView } from '../../src/core/inspector/view';
import { parseSavedReport, quantizeModel, reportFileNames, savedReportJson } from '../../src/core/quantize/index';
import { ModelBuilder, readModel, writeModel, type Model } from '../../src/core/tflite/index';
import { compareSqnrJob, compareViewsJob, heldOutFromReport } from '../../src/extension/compare/compare-job';
import { inputSpecs } from '../../src/extension/quantize/quantize-job';
import { tempDir } from '../helpers/temp-dir';
import { pngBytes, write } from './data-writers';

function floatModel(): Model {
  const b = new ModelBuilder({ seed: 7 });
  const x = b.input('image', [1, 6, 6, 2]);
  const c = b.conv2d(x, 4, [3, 3], { activation: 'RELU', name: 'block/conv' });
  const d = b.depthwiseConv2d(c, [3, 3], { activation: 'RELU6', name: 'block/dw' });
  const f = b.fullyConnected(b.reshape(d, [1, -1]), 3, { name: 'head/fc' });
  b.output(b.softmax(f));
  return b.build();
}

const SAMPLES = 40;
const SHAPE = [1, 6, 6, 2];

/** A temporary folder with the float model, its calibration data (.npy), and the int8 model + report the quantizer writes. */
async function quantizedWorkspace(): Promise<{ dir: string; floatFile: string; intFile: string; dataFile: string; heldOutCount: number; reportLayers: Map<string, number> }> {
  const dir = tempDir('tinyml-compare-');
  const model = floatModel();
  const floatFile = path.join(dir, 'net_float.tflite');
  fs.writeFileSync(floatFile, writeModel(model));
  const r = mulberry32(5);
  const dataFile = path.join(dir, 'calib.npy');
  fs.writeFileSync(dataFile, writeNpy([SAMPLES, ...SHAPE.slice(1)], Float32Array.from({ length: SAMPLES * 72 }, () => 2 * r() - 1)));
  const loaded = await loadDataset(dataFile, inputSpecs(model), { displayRoot: dir });
  const { calibration, heldOut } = holdOutForReport(loaded.dataset);
  const q = await quantizeModel(model, calibration, { heldOut: heldOut!, modelName: 'net_float.tflite' });
  const intFile = path.join(dir, 'net_int8.tflite');
  fs.writeFileSync(intFile, q.bytes);
  fs.writeFileSync(path.join(dir, reportFileNames('net_int8.tflite').json), savedReportJson({ model: 'net_float.tflite', output: 'net_int8.tflite', report: q.report, warnings: q.warnings }));
  const reportLayers = new Map((q.report.accuracy?.layers ?? []).map((l) => [l.tensor, l.sqnrDb]));
  return { dir, floatFile, intFile, dataFile, heldOutCount: heldOut!.samples.length, reportLayers };
}

test('compare SQNR: held-out samples from the saved report give the report\'s own per-layer SQNR; without the data, seeded inputs', async () => {
  const ws = await quantizedWorkspace();
  try {
    const views = compareViewsJob({ kind: 'views', a: ws.floatFile, b: ws.intFile });
    const matches = views.comparison.matches.map((m) => ({ a: m.a, b: m.b }));
    assert.ok(matches.length >= 5, `${matches.length} layers matched`);
    const r = await compareSqnrJob({ kind: 'sqnr', a: ws.floatFile, b: ws.intFile, matches, roots: [ws.dir] });
    assert.equal(r.reference, 'a');
    assert.equal(r.inputs.kind, 'held-out', r.inputs.description);
    assert.equal(r.inputs.samples, ws.heldOutCount);
    assert.match(r.inputs.description, /held-out samples of calib\.npy/);
    // Every layer the report scored by name gets the same SQNR here: the same samples through the same runtime.
    const sa = views.a.view.subgraphs[0]!;
    let checked = 0;
    views.comparison.matches.forEach((m, k) => {
      const name = sa.tensors[sa.operators[m.a]!.outputs[0]!]!.name;
      const expected = ws.reportLayers.get(name);
      if (expected === undefined) return;
      checked++;
      const got = r.sqnrDb[k];
      assert.ok(got !== null && got !== undefined, `${name} has an SQNR`);
      assert.ok(Math.abs(got - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `${name}: ${got} vs the report's ${expected}`);
    });
    assert.ok(checked >= 4, `${checked} layers checked against the report`);

    // B against A the other way round: the float model is still the reference.
    const swapped = await compareSqnrJob({ kind: 'sqnr', a: ws.intFile, b: ws.floatFile, matches: matches.map((m) => ({ a: m.b, b: m.a })), roots: [ws.dir] });
    assert.equal(swapped.reference, 'b');
    assert.deepEqual(swapped.sqnrDb, r.sqnrDb);

    fs.rmSync(ws.dataFile);
    const seeded = await compareSqnrJob({ kind: 'sqnr', a: ws.floatFile, b: ws.intFile, matches, roots: [ws.dir] });
    assert.equal(seeded.inputs.kind, 'seeded');
    assert.match(seeded.inputs.description, /^\d+ seeded inputs \(seed 1\) across each input's range: "image" \[.*\] \(from its quantization\) \(seeded: net_int8\.report\.json names calib\.npy, which is no longer there\)$/);
    assert.ok(seeded.sqnrDb.filter((v) => v !== null).length >= checked);
  } finally {
    fs.rmSync(ws.dir, { recursive: true, force: true });
  }
});

test('compare SQNR: seeded inputs span the int8 input\'s quantization range; a model against itself is exact', async () => {
  const model = floatModel();
  const r = mulberry32(9);
  const data = { source: 'synthetic', inputShapes: [SHAPE], samples: Array.from({ length: 24 }, () => [Float32Array.from({ length: 72 }, () => 3 * r() - 1)]) };
  const q = readModel((await quantizeModel(model, data)).bytes);
  const inputs = seededInputs(model, q);
  const t = q.subgraphs[0]!.tensors[q.subgraphs[0]!.inputs[0]!]!;
  const scale = t.quantization!.scale[0]!;
  const zp = t.quantization!.zeroPoint[0]!;
  const all = inputs.samples.flatMap((s) => Array.from(s[0]!));
  assert.ok(Math.min(...all) >= (-128 - zp) * scale - 1e-6 && Math.max(...all) <= (127 - zp) * scale + 1e-6, 'within the representable range');
  assert.ok(Math.max(...all) - Math.min(...all) > 0.8 * 255 * scale, 'across most of it');
  assert.match(inputs.source, /seeded inputs \(seed 1\) across each input's range: "image" \[/);
  assert.deepEqual(seededInputs(model, q).samples, inputs.samples, 'the same inputs every time');

  const sg = buildInspectorView(model).subgraphs[0]!;
  const self = matchLayers({ ...sg, fileBytes: 1 }, { ...sg, fileBytes: 1 });
  const same = await layerSqnr(model, model, self.matches.map((m) => ({ ref: m.a, other: m.b })), inputs);
  assert.ok(same.sqnrDb.every((v) => v === Infinity), 'identical outputs: no noise');
});

test('compare SQNR: held-out images are read back with the image options the quantization used (CLI --image-range)', async () => {
  const dir = tempDir('tinyml-compare-img-');
  const b = new ModelBuilder({ seed: 9 });
  b.output(b.fullyConnected(b.reshape(b.conv2d(b.input('image', [1, 4, 4, 3]), 2, [3, 3], { activation: 'RELU' }), [1, -1]), 2));
  const model = b.build();
  const floatFile = path.join(dir, 'img_float.tflite');
  fs.writeFileSync(floatFile, writeModel(model));
  const images = path.join(dir, 'images');
  const r = mulberry32(3);
  for (let i = 0; i < 20; i++) write(images, `im${String(i).padStart(2, '0')}.png`, pngBytes(4, 4, Uint8Array.from({ length: 64 }, (_, k) => (k % 4 === 3 ? 255 : Math.floor(r() * 256)))));
  const image = { range: [-1, 1] as const };
  const loaded = await loadDataset(images, inputSpecs(model), { displayRoot: dir, image });
  assert.deepEqual(loaded.dataset.image, image, 'the dataset keeps the options it was read with');
  const { calibration, heldOut } = holdOutForReport(loaded.dataset);
  const q = await quantizeModel(model, calibration, { heldOut: heldOut!, modelName: 'img_float.tflite' });
  assert.deepEqual(q.report.calibration?.image, image, 'the report records them');
  const intFile = path.join(dir, 'img_int8.tflite');
  fs.writeFileSync(intFile, q.bytes);
  const reportFile = path.join(dir, reportFileNames('img_int8.tflite').json);
  fs.writeFileSync(reportFile, savedReportJson({ model: 'img_float.tflite', output: 'img_int8.tflite', report: q.report, warnings: q.warnings }));
  const held = await heldOutFromReport(intFile, model, [dir]);
  assert.ok('data' in held, 'reason' in held ? held.reason : '');
  assert.deepEqual(held.data.samples.map((s) => Array.from(s[0]!)), heldOut!.samples.map((s) => Array.from(s[0]!)), 'the same held-out inputs, in [-1, 1]');
  assert.ok(held.data.samples.some((s) => s[0]!.some((v) => v < 0)), 'pixels below mid-grey are negative: not the default [0, 1]');
  // A report whose image options we never write is not read as ours.
  const saved = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as { calibration: { image: unknown } };
  saved.calibration.image = { range: [0, 'x'] };
  assert.equal(parseSavedReport(JSON.stringify(saved)), undefined);
  saved.calibration.image = { std: [0] };
  assert.equal(parseSavedReport(JSON.stringify(saved)), undefined);
});
