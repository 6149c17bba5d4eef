import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultOutputPath } from '../../src/cli/commands/quantize';
import { reportFileNames } from '../../src/core/quantize';
import type { DatasetErrorKind } from '../../src/core/data/index';
import type { QuantizationReport } from '../../src/core/quantize/index';
import { headlineWarning, loud, LOUD } from '../../src/core/quantize/loud-warnings';
import {
  confirmationText, datasetFix, datasetItems, defaultChoices, defaultOutputFile, ioChoices, METHOD_CHOICES, MODE_CHOICES, needsCalibration, PIXEL_CHOICES, pixelChoices, resultSummary, runsOnTflm,
  retargetOffer, splitHeldOutItem, targetChoices, validateTarget, type FolderCandidate,
} from '../../src/extension/quantize/quantize-ui';

test('mode pick: int8 first and default; float16 and dynamic say TFLite Micro cannot run them; only integer modes need data', () => {
  assert.deepEqual(MODE_CHOICES.map((c) => c.value), ['int8', 'int16x8', 'float16', 'dynamic']);
  assert.match(MODE_CHOICES[0]!.description, /default/);
  for (const c of MODE_CHOICES) {
    const notForMcu = c.value === 'float16' || c.value === 'dynamic';
    assert.equal(/TFLite Micro cannot run it/.test(c.description), notForMcu, c.value);
    assert.equal(runsOnTflm(c.value), !notForMcu);
    assert.equal(needsCalibration(c.value), !notForMcu);
    assert.ok(c.detail.length > 20, `${c.value} has a detail line`);
  }
  assert.match(MODE_CHOICES.find((c) => c.value === 'float16')!.detail, /No data needed/);
});

test('I/O pick: the integer type first (int16 in int16x8 mode), float second; recipe: Recommended (automatic) first', () => {
  assert.deepEqual(ioChoices('int8').map((c) => c.value), ['int8', 'float']);
  assert.match(ioChoices('int8')[0]!.label, /^int8 /);
  assert.match(ioChoices('int16x8')[0]!.label, /^int16 /);
  assert.deepEqual(METHOD_CHOICES.map((c) => c.value), ['auto', 'minmax', 'percentile', 'mse']);
  assert.equal(METHOD_CHOICES[0]!.label, 'Recommended (automatic)');
  assert.match(METHOD_CHOICES[0]!.description, /^default/);
  assert.match(METHOD_CHOICES[1]!.description, /TF converter/);
});

test('output file: <name>_<mode>.tflite in the model folder, any case of .tflite', () => {
  const dir = path.join('models', 'sensor');
  assert.equal(defaultOutputFile(path.join(dir, 'ae.tflite'), 'int8'), path.join(dir, 'ae_int8.tflite'));
  assert.equal(defaultOutputFile(path.join(dir, 'ae.TFLITE'), 'int16x8'), path.join(dir, 'ae_int16x8.tflite'));
  assert.equal(defaultOutputFile(path.join(dir, 'my.model.tflite'), 'float16'), path.join(dir, 'my.model_float16.tflite'));
  assert.equal(defaultOutputFile('ae.tflite', 'dynamic'), 'ae_dynamic.tflite');
});

test('output file: a float model\'s own _float/_fp32/_f32 suffix is dropped, the same name in the CLI', () => {
  const dir = path.join('models', 'hw');
  assert.equal(defaultOutputFile(path.join(dir, 'hello_world_float.tflite'), 'int8'), path.join(dir, 'hello_world_int8.tflite'));
  assert.equal(defaultOutputFile('kws_fp32.tflite', 'int16x8'), 'kws_int16x8.tflite');
  assert.equal(defaultOutputFile('net-F32.tflite', 'int8'), 'net_int8.tflite');
  assert.equal(defaultOutputFile('net_float32.tflite', 'float16'), 'net_float16.tflite');
  assert.equal(defaultOutputFile('floaty.tflite', 'int8'), 'floaty_int8.tflite', 'only a separated suffix is dropped');
  assert.equal(defaultOutputFile('_float.tflite', 'int8'), '_float_int8.tflite', 'never an empty name');
  assert.equal(defaultOutputPath(path.join(dir, 'hello_world_float.tflite'), 'int8'), defaultOutputFile(path.join(dir, 'hello_world_float.tflite'), 'int8'));
  assert.deepEqual(reportFileNames('hello_world_int8.tflite'), { json: 'hello_world_int8.report.json', markdown: 'hello_world_int8.report.md' });
});

function candidate(relativePath: string, fits: boolean | undefined, score: number, kind: FolderCandidate['kind'] = 'npy', folder = 'ws'): FolderCandidate {
  return { path: path.join('/', folder, relativePath), relativePath, kind, fits, detail: `${kind} detail`, score, folder };
}

test('dataset items: fitting first by score, then unchecked, then the ones that do not fit, each saying so', () => {
  const items = datasetItems([
    candidate('bad.npy', false, 130),
    candidate('images', undefined, 40, 'image-folder'),
    candidate('data/x.npy', true, 108),
    candidate('calib.npy', true, 128),
  ], false);
  assert.deepEqual(items.map((i) => i.label), ['$(file) calib.npy', '$(file) data/x.npy', '$(folder) images', '$(warning) bad.npy']);
  assert.deepEqual(items.map((i) => i.description), ['fits the model input', 'fits the model input', 'not checked yet', 'does not fit']);
  assert.equal(items[0]!.path, path.join('/', 'ws', 'calib.npy'));
  assert.equal(items[0]!.detail, 'npy detail');
  const multi = datasetItems([candidate('calib.npy', true, 100, 'npy', 'second')], true);
  assert.equal(multi[0]!.label, '$(file) second/calib.npy');
});

test('every kind of bad data gets a fix', () => {
  const kinds: DatasetErrorKind[] = ['unreadable', 'empty', 'format', 'dtype', 'shape', 'non-finite', 'mismatch', 'unsupported'];
  const fixes = kinds.map(datasetFix);
  for (const f of fixes) assert.ok(f.length > 20 && f.endsWith('.'), f);
  assert.equal(new Set(fixes).size, kinds.length);
  assert.match(datasetFix('non-finite'), /NaN/);
});

function report(mode: QuantizationReport['mode'], extra: Partial<QuantizationReport> = {}): QuantizationReport {
  return { mode, io: 'int8', sizeBefore: 40960, sizeAfter: 10240, operators: [], activations: [], totalMs: 1000, ...extra };
}

test('result line: sizes, worst output SQNR, and TFLite Micro status (cannot run float16/dynamic)', () => {
  const withAccuracy = report('int8', {
    accuracy: { source: 's', samples: 40, layers: [], outputs: [{ name: 'a', sqnrDb: 31.25, maxAbsError: 0.1, meanAbsError: 0.01 }, { name: 'b', sqnrDb: 24.04, maxAbsError: 0.1, meanAbsError: 0.01 }] },
    tflm: { runs: true, notes: [], arena: { minArenaBytes: 1700, arenaUsedBytes: 1000, recommendedArenaBytes: 2048, marginPercent: 20, target: 'cortex-m', kernels: 'reference', exact: true } },
  });
  assert.equal(resultSummary(path.join('m', 'ae_int8.tflite'), withAccuracy), 'Wrote ae_int8.tflite: 40.0 KiB → 10.0 KiB · output SQNR 24.0 dB on 40 held-out samples · arena: minimum arena 1,700 bytes (1.66 KiB) · used after allocation 1,000 bytes · recommended 2,048 bytes (2.00 KiB)');
  assert.match(resultSummary('ae_dynamic.tflite', report('dynamic', { tflm: { runs: false, notes: [] } })), /dynamic-range model: TFLite Micro cannot run it$/);
  assert.match(resultSummary('ae_float16.tflite', report('float16')), /float16 model: TFLite Micro cannot run it$/);
  assert.match(resultSummary('x_int8.tflite', report('int8', { tflm: { runs: false, notes: ['CUSTOM #2'] } })), /TFLite Micro cannot run it as is/);
});

test('the accuracy target pick: the setting first and marked default, None / 20 / 30 dB / custom, typed values checked', () => {
  const none = targetChoices(undefined);
  assert.deepEqual(none.map((c) => c.value), ['none', 20, 30, 'custom']);
  assert.match(none[0]!.description, /^default/);
  const twenty = targetChoices(20);
  assert.deepEqual(twenty.map((c) => c.value), [20, 'none', 30, 'custom']);
  assert.match(twenty[0]!.description, /^default · /);
  const own = targetChoices(25);
  assert.deepEqual(own.map((c) => c.value), [25, 'none', 20, 30, 'custom']);
  assert.match(own[0]!.detail, /tinyml\.quantize\.targetSqnrDb/);
  for (const good of ['25', '+20', '20 dB', '22.5dB', ' 30 ']) assert.equal(validateTarget(good), undefined, good);
  // The CLI's own rule (parseTargetSqnrDb): Number() would take hex and exponents, which no one means by a dB figure.
  for (const bad of ['', 'loud', '0', '-3', '1000', '0x14', '1e1', '20 dBm']) assert.match(validateTarget(bad) ?? '', /between 0 and 100/, bad);
});

test('one step: the recommended defaults take data checked to fit, the last choices where they still apply', () => {
  const fits = candidate('data/a.npy', true, 5);
  const better = candidate('data/b.npy', true, 9);
  const misfit = candidate('data/c.npy', false, 99);
  assert.deepEqual(defaultChoices([fits, better, misfit], undefined), { mode: 'int8', io: 'int8', calibration: 'auto', data: better.path });
  assert.equal(defaultChoices([misfit], undefined).data, undefined, 'data that does not fit is never a default');
  const last = { mode: 'int8' as const, io: 'float' as const, calibration: 'minmax' as const, data: fits.path };
  assert.deepEqual(defaultChoices([fits, better], last), last, 'the last data, while it still fits');
  assert.equal(defaultChoices([better], last).data, better.path, 'the last data is gone: the best that fits');
  assert.deepEqual(defaultChoices([], { mode: 'dynamic', io: 'int8', calibration: 'auto' }), { mode: 'dynamic', io: 'float', calibration: 'auto' });
  // Held-out data of its own is remembered with the calibration data it went with, while it still fits.
  const withEval = { ...last, evalData: better.path };
  assert.deepEqual(defaultChoices([fits, better], withEval), withEval);
  assert.equal(defaultChoices([fits], withEval).evalData, undefined, 'the held-out data is gone: 20% of the calibration data again');
  assert.equal(defaultChoices([better], withEval).evalData, undefined, 'other calibration data: no held-out data of its own');
  assert.equal(defaultChoices([fits, { ...better, fits: false }], withEval).evalData, undefined, 'held-out data that no longer fits');
});

test('the held-out pick offers a part of the calibration data first and says when data of its own is better', () => {
  // The part the run holds out: 20%, 40% with a target (its search and its report each take half).
  assert.equal(splitHeldOutItem(false).label, '20% of the calibration data');
  assert.equal(splitHeldOutItem(true).label, '40% of the calibration data');
  assert.match(splitHeldOutItem(false).detail, /never used for calibration.*trained on, new inputs may score lower/);
  const withTarget = confirmationText({
    model: 'm.tflite', output: 'm_int8.tflite', choices: { mode: 'int8', io: 'int8', calibration: 'auto', data: 'x' }, targetSqnrDb: 20,
    data: { shown: 'data/train.npy', detail: '200 samples' }, replaces: [], reportFiles: ['m_int8.report.json', 'm_int8.report.md'],
  });
  assert.equal(withTarget.detail.split('\n')[2], 'Calibration data: data/train.npy (200 samples); 40% held out for the accuracy report');
  const t = confirmationText({
    model: 'm.tflite', output: 'm_int8.tflite', choices: { mode: 'int8', io: 'int8', calibration: 'auto', data: 'x', evalData: 'y' },
    data: { shown: 'data/train.npy', detail: 'npy [200, 1] float32: 200 samples' }, evalData: { shown: 'data/test.npy', detail: 'npy [50, 1] float32: 50 samples' },
    replaces: [], reportFiles: ['m_int8.report.json', 'm_int8.report.md'],
  });
  const lines = t.detail.split('\n');
  assert.equal(lines[2], 'Calibration data: data/train.npy (npy [200, 1] float32: 200 samples); all of it');
  assert.equal(lines[3], 'Held-out data: data/test.npy (npy [50, 1] float32: 50 samples), for the accuracy report and the recipe choice');
});

test('one step: the confirmation shows every default and what it writes and replaces', () => {
  const t = confirmationText({
    model: path.join('m', 'hello_world_float.tflite'), output: path.join('m', 'hello_world_int8.tflite'),
    choices: { mode: 'int8', io: 'int8', calibration: 'auto', data: 'x' }, data: { shown: 'data/x.npy', detail: 'npy [108, 1] float32: 108 samples' },
    replaces: [path.join('m', 'hello_world_int8.tflite')], reportFiles: ['hello_world_int8.report.json', 'hello_world_int8.report.md'],
  });
  assert.equal(t.message, 'Quantize hello_world_float.tflite → hello_world_int8.tflite?');
  assert.equal(t.detail, [
    'Mode: int8 (full integer), int8 inputs and outputs',
    'Recipe: Recommended (automatic)',
    'Calibration data: data/x.npy (npy [108, 1] float32: 108 samples); 20% held out for the accuracy report',
    'Accuracy target: none (an output below the 15 dB floor is a loud warning)',
    'Writes: hello_world_int8.tflite and its report hello_world_int8.report.json + hello_world_int8.report.md, beside the model',
    'Replaces: hello_world_int8.tflite',
  ].join('\n'));
});

test('pixel pick: [0, 1] first by default, the remembered answer first when there is one; the confirmation says how images become inputs', () => {
  assert.deepEqual(PIXEL_CHOICES.map((c) => c.label), ['[0, 1]', '[-1, 1]', '[0, 255]', 'ImageNet mean and std']);
  assert.deepEqual(pixelChoices(undefined)[0]!.value, {});
  assert.match(pixelChoices(undefined)[0]!.description, /^default · pixel \/ 255$/);
  const signed = pixelChoices({ range: [-1, 1] });
  assert.deepEqual(signed.map((c) => c.label), ['[-1, 1]', '[0, 1]', '[0, 255]', 'ImageNet mean and std']);
  assert.match(signed[0]!.description, /^default · /);
  assert.equal(pixelChoices({ range: [-3, 3] })[0]!.label, '[0, 1]', 'options no choice offers: the plain default first');
  const t = (image?: { range?: [number, number] }) => confirmationText({
    model: 'face.tflite', output: 'face_int8.tflite', choices: { mode: 'int8', io: 'int8', calibration: 'auto', data: 'photos', ...(image ? { image } : {}) },
    data: { shown: 'photos', detail: '91 files of images, resized to 128×128×3', images: true }, replaces: [], reportFiles: ['face_int8.report.json', 'face_int8.report.md'],
  }).detail.split('\n');
  assert.ok(t({ range: [-1, 1] }).includes('Images as pixels 0..255 → [-1, 1]'), t({ range: [-1, 1] }).join('\n'));
  assert.ok(t().includes('Images as pixels 0..255 → [0, 1]'));
  const npy = confirmationText({ model: 'm.tflite', output: 'm_int8.tflite', choices: { mode: 'int8', io: 'int8', calibration: 'auto', data: 'x' }, data: { shown: 'x.npy', detail: 'npy' }, replaces: [], reportFiles: [] });
  assert.ok(!/Images as/.test(npy.detail), 'no image line for arrays');
  assert.equal(defaultChoices([], { mode: 'int8', io: 'int8', calibration: 'auto', image: { range: [-1, 1] } }).image?.range?.[0], -1, 'the last pixel answer is remembered');
});

test('the below-the-floor offer: only an int8 run without a target, with an output under the floor; the setting when it clears the floor', () => {
  assert.equal(retargetOffer('int8', undefined, ['y'], undefined), 20);
  assert.equal(retargetOffer('int8', undefined, ['y'], 25), 25);
  assert.equal(retargetOffer('int8', undefined, ['y'], 10), 20, 'a setting under the floor would not lift the output over it');
  assert.equal(retargetOffer('int8', undefined, [], undefined), undefined, 'nothing under the floor');
  assert.equal(retargetOffer('int8', 30, ['y'], undefined), undefined, 'a run with a target has its own warning');
  assert.equal(retargetOffer('int16x8', undefined, ['y'], undefined), undefined, 'targets are int8\'s');
  assert.equal(retargetOffer('dynamic', undefined, ['y'], 25), undefined);
});

test('the warning VS Code shows instead of "done": a missed target first (LiteRT, the device, maybe the device), then the floor, then disagreeing indices', () => {
  const floor = loud(LOUD.belowFloor, ': output "y" 9.0 dB');
  const indices = loud(LOUD.indicesDisagree, ': output "idx" equals the float model\'s in 3 of 10');
  const device = loud(LOUD.deviceMissed, ': as its reference kernels compute the outputs, the worst reaches 19.0 dB');
  const maybe = loud(LOUD.deviceMayMiss, ': about 19.9 dB');
  assert.equal(headlineWarning(['Only 40 samples', indices, floor]), floor);
  assert.equal(headlineWarning(['Only 40 samples', indices]), indices);
  assert.equal(headlineWarning([floor, device]), device);
  assert.equal(headlineWarning([floor, maybe]), maybe);
  assert.equal(headlineWarning([loud(LOUD.targetMissed, ': the worst output reaches 12.0 dB')])?.startsWith('TARGET MISSED: '), true);
  assert.equal(headlineWarning(['tensor "x" has a dynamic dimension']), undefined);
  assert.ok(device.startsWith('TARGET MISSED ON TFLITE MICRO: '), 'the CLI\'s and the report\'s wording, unchanged');
});
