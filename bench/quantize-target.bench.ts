/**
 * Issue 11 item 2 acceptance: `--target-sqnr 20` on MediaPipe's pose_landmark_lite and hand_landmark_lite (npm
 * @mediapipe/pose, @mediapipe/hands) with real photos; also the short-range face detector (BlazeFace, npm
 * @mediapipe/face_detection), whose int8 outputs fall to a few dB, and its full-range sparse (pruned) variant. Every
 * figure is measured in this run on LiteRT. TINYML_TARGET_ONLY=NAME runs the models whose name contains NAME.
 *
 * Images: TINYML_BENCH_IMAGES, a folder of photos. None ship with the npm packages; the ones used for the closing
 * note are the .jpg/.png of Debian's opencv-doc package (`apt-get download opencv-doc && dpkg-deb -x`, then
 * usr/share/doc/opencv-doc/examples/data/, 91 files: people, objects, scenes, some charts). They are resized to
 * each model's input by the project's loader, pixel values 0..1 (the landmark models' input range; -1..1 for the face
 * detector), and split (seeded) into
 * calibration (60%) and held-out (40%), which quantizeModel splits again as the CLI does with a target
 * (data/split.ts splitForTargetSearch): the selection half the recipe and the mixed-precision search score on, and
 * the test half the report scores on, which neither saw.
 *
 * With TINYML_BENCH_TARGET_NEAREST=1 the same run also quantizes with weights rounded to nearest (the recipe and
 * target search as before GPTQ rounding): the anchor for the kept layers, float MACs and time.
 *
 * Printed per model: the worst output SQNR on the selection and on the test set against the 20 dB target, all int8
 * (the anchor) beside it, the kept layers, their cost, whether LiteRT loads and runs the model and whether the TFLite
 * Micro compatibility check passes. Skipped with the reason when the images or the models are missing.
 * With TINYML_BENCH_OUT set to a folder, each result model and its test photos (`<name>.test.npy`, float32, the
 * model's input layout) are written there, for ../shared/tflm's compare.mjs on real TFLite Micro.
 * TINYML_TARGET_IO=float quantizes with float inputs and outputs (`--io float`) instead of int8 ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadDataset, splitForTargetSearch, splitHeldOut, type DatasetOptions } from '../src/core/data/index';
import { quantizeModel } from '../src/core/quantize/index';
import { loadRuntimeModel } from '../src/core/runtime/index';
import { writeNpy } from '../src/core/data/npy';
import { concatFloats } from '../src/core/common/float-arrays';
import { toTensorArray } from '../src/core/quantize/tensor-io';
import { elementCount, loadModel, tensorTypeName } from '../src/core/tflite/index';
import { PROJECT_ROOT } from '../test/helpers/paths';
import { report } from './harness';

const TARGET_DB = 20;
/** Name, file under node_modules, and how its photos become inputs (MediaPipe's face detector takes [-1, 1]). */
const MODELS: readonly (readonly [string, string, DatasetOptions])[] = [
  ['pose_landmark_lite', '@mediapipe/pose/pose_landmark_lite.tflite', {}],
  ['hand_landmark_lite', '@mediapipe/hands/hand_landmark_lite.tflite', {}],
  ['face_detection_short_range', '@mediapipe/face_detection/face_detection_short_range.tflite', { image: { range: [-1, 1] } }],
  // pruned: its float16 weights stored sparse behind DENSIFY (46), which the quantizer expands; DEPTH_TO_SPACE upsamples
  ['face_detection_full_range_sparse', '@mediapipe/face_detection/face_detection_full_range_sparse.tflite', { image: { range: [-1, 1] } }],
];

export async function main(): Promise<void> {
  const photos = process.env['TINYML_BENCH_IMAGES'];
  if (!photos || !fs.existsSync(photos)) {
    report('(g) --target-sqnr 20 on pose/hand landmark and the face detector', 'skipped', 'set TINYML_BENCH_IMAGES to a folder of photos (see the header of quantize-target.bench.ts)');
    return;
  }
  const only = process.env['TINYML_TARGET_ONLY'];
  const io = process.env['TINYML_TARGET_IO'] === 'float' ? 'float' as const : 'int8' as const;
  for (const [base, rel, dataOptions] of MODELS) {
    const name = io === 'float' ? `${base} --io float` : base;
    if (only && !base.includes(only)) continue;
    const file = path.join(PROJECT_ROOT, 'node_modules', rel);
    if (!fs.existsSync(file)) {
      report(`(g) ${name}`, 'skipped', `${file} is missing (npm install ${rel.split('/').slice(0, 2).join('/')})`);
      continue;
    }
    const bytes = new Uint8Array(fs.readFileSync(file));
    const { model } = loadModel(bytes);
    const sg = model.subgraphs[0]!;
    const inputs = sg.inputs.map((t) => ({ name: sg.tensors[t]!.name, shape: [...sg.tensors[t]!.shape], type: tensorTypeName(sg.tensors[t]!.type) }));
    const { dataset } = await loadDataset(photos, inputs, dataOptions);
    const { calibration, heldOut: rest } = splitHeldOut(dataset, 0.4, 5);
    const { search: selection, reported: test } = splitForTargetSearch(rest);
    if (process.env['TINYML_BENCH_TARGET_NEAREST'] === '1') {
      const t1 = performance.now();
      const n = await quantizeModel(model, calibration, { heldOut: rest, io, targetSqnrDb: TARGET_DB, modelName: base, weightRounding: 'nearest' });
      const nm = n.report.mixedPrecision!;
      report(`(g) ${name} anchor: weights rounded to nearest`, `${nm.kept.length} kept (${nm.kept.filter((l) => l.precision === 'int16x8').length} int16x8, ${nm.kept.filter((l) => l.precision === 'float').length} float)`,
        `all int8 ${Math.min(...nm.outputsBeforeDb).toFixed(1)} dB selection; worst output ${Math.min(...nm.outputsAfterDb).toFixed(1)} dB selection / ${nm.reportedOn!.worstDb.toFixed(1)} dB test; `
        + `float MACs ${nm.cost.floatMacs.toLocaleString('en-US')}, int16x8 MACs ${nm.cost.int16Macs.toLocaleString('en-US')}; ${((performance.now() - t1) / 1000).toFixed(0)} s`);
    }
    const t0 = performance.now();
    const q = await quantizeModel(model, calibration, { heldOut: rest, io, targetSqnrDb: TARGET_DB, modelName: base });
    const seconds = (performance.now() - t0) / 1000;
    const m = q.report.mixedPrecision!;
    // The report's accuracy is on the test half (m.reportedOn), which neither the recipe nor the target search saw.
    const onTest = q.report.accuracy!;
    const worstTest = m.reportedOn!.worstDb;
    const worstSel = Math.min(...m.outputsAfterDb);
    const rt = await loadRuntimeModel(q.bytes, { name: base });
    const qsg = q.model.subgraphs[0]!;
    rt.run(qsg.inputs.map((t) => toTensorArray(qsg.tensors[t]!, new Float32Array(elementCount(qsg.tensors[t]!.shape)))));
    rt.dispose();
    const outNames = onTest.outputs.map((o) => o.name);
    report(`(g) ${name} all int8 (anchor), worst output`, `${Math.min(...m.outputsBeforeDb).toFixed(1)} dB selection`,
      `per output on the selection: ${m.outputsBeforeDb.map((v, k) => `${outNames[k]} ${v.toFixed(1)}`).join(', ')}; recipe ${q.report.recipe ? JSON.stringify(q.report.recipe.chosen) : '?'}`);
    report(`(g) ${name} --target-sqnr ${TARGET_DB}, worst output`, `${worstSel.toFixed(1)} dB selection / ${worstTest.toFixed(1)} dB test`,
      `target ${TARGET_DB} dB: selection ${worstSel >= TARGET_DB ? 'PASS' : 'FAIL'}, test ${worstTest >= TARGET_DB ? 'PASS' : 'FAIL'}; all int8 ${Math.min(...m.outputsBeforeDb).toFixed(1)} dB; `
      + `per output on test ${onTest.outputs.map((o) => `${o.name} ${o.sqnrDb.toFixed(1)}`).join(', ')}; `
      + `${m.reportedOn?.device ? `as TFLite Micro computes it ${m.reportedOn.device.estimated ? 'about ' : ''}${m.reportedOn.device.worstDb.toFixed(1)} dB (first ${m.reportedOn.device.samples} test photos) ${m.reportedOn.device.met ? 'PASS' : 'FAIL'}; ` : ''}`
      + `${calibration.samples.length}/${selection.samples.length}/${test.samples.length} photos; ${seconds.toFixed(0)} s`);
    report(`(g) ${name} kept layers`, `${m.kept.length} (${m.kept.filter((l) => l.precision === 'int16x8').length} int16x8, ${m.kept.filter((l) => l.precision === 'float').length} float)`,
      `${m.kept.map((l) => `${l.op} ${l.precision}`).join(', ')}; cost flash +${(m.cost.flashBytes / 1024).toFixed(0)} KB, arena ${m.cost.arenaBytes === undefined ? '?' : `+${(m.cost.arenaBytes / 1024).toFixed(0)} KB`}, `
      + `float MACs ${m.cost.floatMacs.toLocaleString('en-US')}, int16x8 MACs ${m.cost.int16Macs.toLocaleString('en-US')}; ${m.probes} rewrites scored of ${m.candidates} candidates`
      + `${m.widenedOutputs?.length ? `; outputs written as int16: ${m.widenedOutputs.map((w) => `${w.name} (int8 grid ${w.int8FloorDb.toFixed(1)} dB)`).join(', ')}` : ''}`
      + `${q.report.equalization ? `; channel equalization: ${q.report.equalization.channels} channels of ${q.report.equalization.layers} layers` : ''}${m.note ? `; ${m.note}` : ''}`);
    const out = process.env['TINYML_BENCH_OUT'];
    if (out) {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, `${base}${io === 'float' ? '.io-float' : ''}.target${TARGET_DB}.tflite`), q.bytes);
      fs.writeFileSync(path.join(out, `${base}.test.npy`), writeNpy([test.samples.length, ...inputs[0]!.shape.slice(1)], concatFloats(test.samples.map((x) => x[0]!))));
    }
    report(`(g) ${name} runs`, 'LiteRT: loads and runs', `TFLite Micro compatibility check: ${q.report.tflm?.runs ? 'PASS' : `FAIL (${q.report.tflm?.notes.slice(0, 2).join('; ')})`}`);
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
