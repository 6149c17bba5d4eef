/**
 * `TinyML: Quantize Model` in a real VS Code. The float sensor autoencoder (built with ModelBuilder) and its
 * calibration .npy are written into the temporary workspace at run time; the command runs with its test arguments
 * (the answers of the QuickPicks and of the "file exists" question), and the test checks the disk, the tabs and the
 * inspector's own render report. Each test writes what it needs (any order, any subset); the host-stall figure is
 * printed, its budget judged by bench/.
 */
import { buildSlowCalibrationConvModel } from '../../helpers/sample-models';
import { waitFor } from './wait-for';
import { screenshot } from './screenshot';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { seededRandom, writeNpy } from '../../../src/core/data';
import { buildSensorAnomalyModel, SENSOR_BINS } from '../../../src/core/samples/sensor-anomaly-model';
import { BuiltinOperator, loadModel, ModelBuilder, TensorType, writeModel } from '../../../src/core/tflite';
import type { QuantizeCommandArgs, QuantizeCommandResult } from '../../../src/extension/quantize/quantize-command';
import type { TestCase } from './runner';
import { activated, EXTENSION_ID } from './tinyml-api';
import { pngBytes } from '../../unit/data-writers';

const INSPECTOR = 'tinyml.modelInspector';
const FOLDER = 'quantize';

function inFolder(...parts: string[]): string {
  const ws = vscode.workspace.workspaceFolders?.[0];
  assert.ok(ws, 'the test run opens a workspace folder');
  return path.join(ws.uri.fsPath, FOLDER, ...parts);
}

function spectra(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * SENSOR_BINS }, (_, i) => Math.exp(-((i % SENSOR_BINS) / 16)) * (0.5 + r()));
}

/** The sample float model and a .npy of 200 spectra next to it (data/calibration.npy). */
function writeSample(name: string): { model: string; data: string } {
  const model = inFolder(`${name}.tflite`);
  const data = inFolder('data', 'calibration.npy');
  fs.mkdirSync(path.dirname(data), { recursive: true });
  fs.writeFileSync(model, writeModel(buildSensorAnomalyModel()));
  if (!fs.existsSync(data)) fs.writeFileSync(data, writeNpy([200, SENSOR_BINS], spectra(200, 3)));
  return { model, data };
}

async function quantize(args: QuantizeCommandArgs): Promise<QuantizeCommandResult> {
  const result = await vscode.commands.executeCommand<QuantizeCommandResult>('tinyml.quantizeModel', args);
  assert.ok(result, 'the command returns its result');
  return result;
}

const allTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs);

/** Closes every tab without unsaved changes (closing a dirty one would ask to save: a dialog in the test run). */
async function closeCleanTabs(): Promise<void> {
  await vscode.window.tabGroups.close(allTabs().filter((t) => !t.isDirty));
}

/** Every file of the folder, temporary files included (they start with a dot). */
const listing = (dir: string): string[] => fs.readdirSync(dir).sort();



export function quantizeTests(): TestCase[] {
  return [
    {
      name: 'quantize: the command is contributed to the explorer context menu of .tflite files and the palette',
      fn: async () => {
        const ext = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(ext);
        const contributes = ext.packageJSON.contributes as { menus: Record<string, { command: string; when?: string }[]> };
        const menu = contributes.menus['explorer/context']!.find((m) => m.command === 'tinyml.quantizeModel');
        assert.equal(menu?.when, 'resourceExtname == .tflite');
        assert.ok(contributes.menus['commandPalette']!.some((m) => m.command === 'tinyml.quantizeModel' && m.when === undefined));
        // Registered once the extension is active (run first, no other test has activated it yet).
        await activated();
        assert.ok((await vscode.commands.getCommands(true)).includes('tinyml.quantizeModel'));
      },
    },
    {
      name: 'quantize: int8 from a workspace .npy writes sensor_int8.tflite (INT8 input), opens it in the inspector and the report beside it',
      timeoutMs: 60_000,
      fn: async () => {
        await closeCleanTabs();
        const { model, data } = writeSample('sensor');
        const out = inFolder('sensor_int8.tflite');
        // Another test may have left an output (or its reports) here: this one is about writing new files.
        for (const f of [out, inFolder('sensor_int8.report.json'), inFolder('sensor_int8.report.md')]) fs.rmSync(f, { force: true });
        const stages = new Set<string>();
        const result = await quantize({ model: vscode.Uri.file(model), data: vscode.Uri.file(data), onProgress: (_d, _t, stage) => stages.add(stage) });
        assert.equal(result.status, 'written', result.message);
        assert.equal(result.output, out);
        const q = loadModel(fs.readFileSync(out)).model.subgraphs[0]!;
        assert.equal(q.tensors[q.inputs[0]!]!.type, TensorType.INT8, 'int8 input');
        assert.equal(q.tensors[q.outputs[0]!]!.type, TensorType.INT8, 'int8 output');
        assert.ok(stages.has('calibrating') && stages.has('evaluating'), `progress stages: ${[...stages].join(', ')}`);
        assert.match(result.summary ?? '', /^Wrote sensor_int8\.tflite: .* output SQNR [\d.]+ dB on 40 held-out samples/);

        const outUri = vscode.Uri.file(out);
        const inspectorTab = await waitFor('the inspector tab of the new model', () => allTabs().find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === out));
        assert.equal((inspectorTab.input as vscode.TabInputCustom).viewType, INSPECTOR);
        const tinyml = await activated();
        const rendered = await waitFor('the inspector to render the new model', () => tinyml.lastInspectorRender(outUri));
        assert.ok(rendered, 'the inspector webview rendered');

        // The report is saved beside the model, JSON for the inspector and Markdown to read, and nothing else is open.
        assert.ok(result.reportUri);
        const reportUri = vscode.Uri.parse(result.reportUri);
        assert.equal(reportUri.fsPath, inFolder('sensor_int8.report.md'));
        assert.ok(fs.existsSync(inFolder('sensor_int8.report.json')), 'the JSON report beside the model');
        assert.ok(!allTabs().some((t) => t.isDirty && t.label.includes('report')), 'no unsaved report document');
        const text = fs.readFileSync(reportUri.fsPath, 'utf8');
        assert.match(text, /^# Quantization report: sensor\\_int8\\\.tflite/);
        assert.match(text, /Quantized vs the float model on \*\*40 held-out samples\*\*/);
        assert.match(text, /### As TFLite Micro computes it\n\nThe quantized model's outputs as TFLite Micro's reference kernels compute them \(bit-exact evaluator\), on the first \*\*40\*\* held-out samples\./);
        assert.match(text, /### Per layer/);
        assert.match(text, /\\#0 FULLY\\_CONNECTED/);
        assert.match(text, /## TFLite Micro\n\nEvery operator has a TFLite Micro kernel\./);
        console.log(`    quantized in ${result.durationMs} ms (report shown as ${result.reportShownAs}); extension host max event-loop delay ${result.hostMaxBlockMs} ms (budget judged by bench/)`);
      },
    },
    {
      name: 'quantize: an existing output is not overwritten without the confirm, and is with it',
      timeoutMs: 60_000,
      fn: async () => {
        const { model, data } = writeSample('sensor');
        const out = inFolder('sensor_int8.tflite');
        fs.writeFileSync(out, 'an older model');
        for (const ifExists of [undefined, 'cancel'] as const) {
          const refused = await quantize({ model, data, ...(ifExists ? { ifExists } : {}) });
          assert.equal(refused.status, 'exists', `ifExists ${ifExists}: ${refused.message}`);
          assert.equal(fs.readFileSync(out, 'utf8'), 'an older model', 'the existing file is untouched');
        }
        const replaced = await quantize({ model, data, ifExists: 'overwrite' });
        assert.equal(replaced.status, 'written', replaced.message);
        const q = loadModel(fs.readFileSync(out)).model.subgraphs[0]!;
        assert.equal(q.tensors[q.inputs[0]!]!.type, TensorType.INT8);
      },
    },
    {
      name: 'quantize: the output is never the model or the data it reads, also through a link or with overwrite',
      timeoutMs: 60_000,
      fn: async () => {
        const { model, data } = writeSample('sensor');
        const link = inFolder('link_int8.tflite');
        fs.rmSync(link, { force: true });
        fs.symlinkSync(model, link);
        const modelBytes = fs.readFileSync(model);
        const dataBytes = fs.readFileSync(data);
        try {
          for (const output of [model, data, link]) {
            const result = await quantize({ model, data, output, ifExists: 'overwrite' });
            assert.equal(result.status, 'error', `${output}: ${result.status} ${result.message}`);
            assert.match(result.message ?? '', /is the model or data this run reads/);
          }
          assert.ok(fs.readFileSync(model).equals(modelBytes), 'the float model is byte-identical');
          assert.ok(fs.readFileSync(data).equals(dataBytes), 'the calibration data is byte-identical');
          assert.ok(!listing(inFolder()).some((n) => n.includes('.tinyml-')), 'no temporary file is left');
        } finally {
          fs.rmSync(link, { force: true });
        }
      },
    },
    {
      name: 'quantize: Cancel during calibration leaves nothing behind',
      timeoutMs: 60_000,
      fn: async () => {
        const model = inFolder('conv.tflite');
        const data = inFolder('images.npy');
        fs.mkdirSync(inFolder(), { recursive: true });
        fs.rmSync(inFolder('conv_int8.tflite'), { force: true });
        fs.writeFileSync(model, buildSlowCalibrationConvModel());
        const n = 400;
        const r = seededRandom(5);
        fs.writeFileSync(data, writeNpy([n, 48, 48, 3], Float32Array.from({ length: n * 48 * 48 * 3 }, () => r())));
        const before = listing(inFolder());
        const cancel = new vscode.CancellationTokenSource();
        let cancelledAt: string | undefined;
        const result = await quantize({
          model, data, cancellation: cancel.token,
          onProgress: (done, total, stage) => {
            if (stage === 'calibrating' && done > 0 && !cancelledAt) {
              cancelledAt = `${done}/${total}`;
              cancel.cancel();
            }
          },
        });
        assert.ok(cancelledAt, 'calibration reported progress before Cancel');
        assert.equal(result.status, 'cancelled', result.message);
        assert.deepEqual(listing(inFolder()), before, 'no model and no temporary file were written');
        assert.ok(!fs.existsSync(inFolder('conv_int8.tflite')));
        console.log(`    cancelled at calibration sample ${cancelledAt}, command returned after ${result.durationMs} ms`);
      },
    },
    {
      name: 'quantize: one step — the recommended run after one confirmation that shows it, the Quantization tab in the inspector, the choices remembered',
      timeoutMs: 90_000,
      fn: async () => {
        await closeCleanTabs();
        const { model } = writeSample('sensor_one_float');
        const out = inFolder('sensor_one_int8.tflite');
        for (const f of [out, inFolder('sensor_one_int8.report.json'), inFolder('sensor_one_int8.report.md')]) fs.rmSync(f, { force: true });
        // No data given: the one step finds the workspace data that fits (data/calibration.npy) before asking anything.
        // As on a first run: another test's choices (a dynamic-range run) would be this one's defaults otherwise.
        const first = await quantize({ model: vscode.Uri.file(model), confirm: 'accept', forgetChoices: true });
        assert.equal(first.status, 'written', first.message);
        assert.equal(first.output, out, 'the _float suffix is dropped');
        const shown = first.confirmation ?? '';
        assert.match(shown, /^Mode: int8 \(full integer\), int8 inputs and outputs$/m);
        assert.match(shown, /^Recipe: Recommended \(automatic\)$/m);
        // tinyml.quantize.targetSqnrDb is unset: no target, the floor warning only.
        assert.match(shown, /^Accuracy target: none \(an output below the 15 dB floor is a loud warning\)$/m);
        assert.match(shown, /^Calibration data: quantize\/data\/calibration\.npy \(.*200 samples.*\); 20% held out/m);
        assert.match(shown, /^Writes: sensor_one_int8\.tflite and its report sensor_one_int8\.report\.json \+ sensor_one_int8\.report\.md, beside the model$/m);
        assert.doesNotMatch(shown, /Replaces/);
        const saved = JSON.parse(fs.readFileSync(inFolder('sensor_one_int8.report.json'), 'utf8')) as { calibration: { split: { given: number } } };
        assert.equal(saved.calibration.split.given, 200);

        // The inspector of the new model has the Quantization tab, drawn from the saved report.
        const tinyml = await activated();
        const outUri = vscode.Uri.file(out);
        await waitFor('the inspector to render the new model', () => tinyml.lastInspectorRender(outUri));
        const tab = await tinyml.revealInInspector(outUri, { view: 'quantization' });
        assert.equal(tab.view, 'quantization');
        const q = tab.quantization;
        assert.ok(q, 'the Quantization tab is drawn');
        assert.ok(q.layerBars >= 3, `per-layer SQNR bars: ${q.layerBars}`);
        assert.ok(q.scatterPoints > 0 && q.scatterPoints <= 400, `scatter points: ${q.scatterPoints}`);
        assert.ok(q.recipeRows > 1, `recipe candidates: ${q.recipeRows}`);
        assert.match(q.text, /200 samples: 160 for calibration, 40 held out/);
        assert.match(q.text, /Minimum arena[\d,]+ bytes/);
        // What the device computes, in the tab too (not only in the markdown report).
        assert.match(q.text, /As TFLite Micro computes it \(reference kernels, bit-exact; first 40 samples\): \S+ SQNR -?\d+\.\d dB/);
        assert.deepEqual(tab.actions, ['Export to C…', 'Compare with…'], 'an int8 model offers Export, not Quantize');
        await screenshot('quantization-tab');
        // The same saved report colours the Graph tab by per-layer SQNR.
        const graph = await tinyml.revealInInspector(outUri, { view: 'graph', overlay: 'sqnr' });
        assert.equal(graph.graph?.overlay, 'sqnr');
        assert.match(graph.graph?.legend ?? '', /SQNR per layer/);
        // Figures JSON cannot hold reach the page intact (its messages are JSON): an exact layer (+∞, null in the
        // file) and an output whose reference is all zeros (−∞, "-Infinity"), in a report edited by hand.
        const exactModel = inFolder('sensor_one_exact_int8.tflite');
        fs.copyFileSync(out, exactModel);
        const edited = JSON.parse(fs.readFileSync(inFolder('sensor_one_int8.report.json'), 'utf8')) as { accuracy: { layers: { producer: string; tensor: string; sqnrDb: unknown }[]; outputs: { sqnrDb: unknown }[] } };
        edited.accuracy.layers[0]!.sqnrDb = null;
        edited.accuracy.outputs[0]!.sqnrDb = '-Infinity';
        fs.writeFileSync(inFolder('sensor_one_exact_int8.report.json'), JSON.stringify(edited));
        const exactUri = vscode.Uri.file(exactModel);
        await vscode.commands.executeCommand('vscode.openWith', exactUri, INSPECTOR);
        await waitFor('the inspector to render the edited copy', () => tinyml.lastInspectorRender(exactUri));
        const exactTab = await tinyml.revealInInspector(exactUri, { view: 'quantization' });
        assert.equal(exactTab.quantization?.layerBars, q.layerBars, 'every layer is drawn');
        const exactLayer = edited.accuracy.layers[0]!;
        assert.ok(exactTab.quantization.text.includes(`${exactLayer.producer} → ${exactLayer.tensor}: exact`), exactTab.quantization.text.slice(0, 600));
        assert.match(exactTab.quantization.text, /worst output SQNR −∞ dB/);
        await screenshot('quantization-tab-exact');
        const exactGraph = await tinyml.revealInInspector(exactUri, { view: 'graph', overlay: 'sqnr' });
        assert.equal(exactGraph.graph?.overlay, 'sqnr');

        // Again: the last choices are the defaults, and the confirmation says what it replaces.
        const again = await quantize({ model: vscode.Uri.file(model), confirm: 'dismiss' });
        assert.equal(again.status, 'dismissed');
        assert.match(again.confirmation ?? '', /^Replaces: sensor_one_int8\.tflite, sensor_one_int8\.report\.json, sensor_one_int8\.report\.md$/m);
        // "Change…" goes on to the full choices (here the test's answers): float I/O this time.
        const changed = await quantize({ model, confirm: 'change', io: 'float', calibration: 'minmax', data: inFolder('data', 'calibration.npy'), output: inFolder('sensor_one_float_io.tflite'), ifExists: 'overwrite' });
        assert.equal(changed.status, 'written', changed.message);
        const fq = loadModel(fs.readFileSync(inFolder('sensor_one_float_io.tflite'))).model.subgraphs[0]!;
        assert.equal(fq.tensors[fq.inputs[0]!]!.type, TensorType.FLOAT32);
        const remembered = await quantize({ model, confirm: 'dismiss' });
        assert.match(remembered.confirmation ?? '', /^Mode: int8 \(full integer\), float32 inputs and outputs$/m);
        assert.match(remembered.confirmation ?? '', /^Recipe: min\/max$/m);
        await closeCleanTabs();
      },
    },
    {
      name: 'quantize: an accuracy target from the setting tinyml.quantize.targetSqnrDb keeps layers in higher precision; one out of reach is reported as missed; the arena is for tinyml.arena.kernels',
      timeoutMs: 120_000,
      fn: async () => {
        const { model, data } = writeSample('sensor_target');
        const config = vscode.workspace.getConfiguration('tinyml');
        await config.update('quantize.targetSqnrDb', 90, vscode.ConfigurationTarget.Workspace);
        // The firmware's kernel set (the hover's setting): the int16x8 kernels there are, and the report's arena.
        await config.update('arena.kernels', 'cmsis-nn', vscode.ConfigurationTarget.Workspace);
        try {
          const result = await quantize({ model, data, ifExists: 'overwrite' });
          assert.equal(result.status, 'written', result.message);
          assert.equal(result.target?.db, 90, 'the target came from the setting');
          assert.equal(result.target.met, false);
          assert.ok(result.target.kept.length > 0, 'layers were kept in higher precision');
          assert.match(result.target.kept[0]!, /^[A-Z_0-9]+ #\d+ (int16x8|float)$/);
          assert.match(result.summary ?? '', /target 90 dB MISSED/);
          const text = (await vscode.workspace.openTextDocument(vscode.Uri.parse(result.reportUri!))).getText();
          assert.match(text, /> \*\*Target of 90 dB missed\*\*/);
          assert.match(text, /## Mixed precision\n\nTarget: worst output ≥ 90 dB on \d+ samples \(.*\): \*\*missed\*\*, [\d.]+ dB all int8 → [\d.]+ dB\.\n/);
          assert.match(text, /Cost against all int8: flash \+/);
          assert.match(text, /Tensor arena \(cortex-m, CMSIS-NN kernels \(dsp\)/);
          // The inspector, where the editor opens after the run, shows the kept layers and their cost too.
          const tinyml = await activated();
          const outUri = vscode.Uri.file(result.output!);
          await waitFor('the inspector to render the new model', () => tinyml.lastInspectorRender(outUri));
          const tab = await tinyml.revealInInspector(outUri, { view: 'quantization' });
          assert.equal(tab.quantization?.keptRows, result.target.kept.length, 'one row per kept layer');
          assert.match(tab.quantization.text, /Mixed precisionTarget: worst output ≥ 90 dB on \d+ samples \(.*\): missed, [\d.]+ dB all int8 → [\d.]+ dB\./);
          assert.match(tab.quantization.text, /Cost against all int8: flash [+-][\d.]+ [KMG]?i?B, arena [+-][\d.]+ [KMG]?i?B \(cortex-m, CMSIS-NN kernels \(dsp\)\), float MACs [\d,]+, int16x8 MACs [\d,]+\./);
          await screenshot('quantization-tab-target');
          // An explicit answer wins over the setting: a target already met keeps every layer int8.
          const easy = await quantize({ model, data, ifExists: 'overwrite', targetSqnrDb: 1 });
          assert.equal(easy.status, 'written', easy.message);
          assert.deepEqual(easy.target, { db: 1, met: true, kept: [] });
        } finally {
          await config.update('quantize.targetSqnrDb', undefined, vscode.ConfigurationTarget.Workspace);
          await config.update('arena.kernels', undefined, vscode.ConfigurationTarget.Workspace);
          await closeCleanTabs();
        }
      },
    },
    {
      name: 'quantize: an output below the 15 dB floor is a warning in the result and a banner with ⚠ in the report, never a quiet success',
      timeoutMs: 60_000,
      fn: async () => {
        // y = x0 - x1 with x0 ≈ x1 ≈ 100: int8 steps of the inputs (≈ 0.1) swamp the 0.01-sized difference.
        const b = new ModelBuilder({ seed: 1 });
        b.output(b.fullyConnected(b.input('pair', [1, 2]), 1, { weights: { values: [1, -1] }, bias: false }));
        const model = inFolder('cancel.tflite');
        fs.mkdirSync(path.dirname(model), { recursive: true });
        fs.writeFileSync(model, writeModel(b.build()));
        const r = seededRandom(4);
        const data = inFolder('data', 'pairs.npy');
        fs.mkdirSync(path.dirname(data), { recursive: true });
        fs.writeFileSync(data, writeNpy([200, 2], Float32Array.from({ length: 400 }, (_, i) => 100 + (i % 2 ? 0.01 * r() : 0) + Math.floor(i / 2) % 7)));
        // The warning offers the way out, an accuracy target; the test clicks it (belowFloor: 'retarget').
        const result = await quantize({ model, data, ifExists: 'overwrite', targetSqnrDb: null, belowFloor: 'retarget' });
        assert.equal(result.status, 'written', result.message);
        const q = loadModel(fs.readFileSync(model)).model.subgraphs[0]!;
        assert.deepEqual(result.belowFloor, [q.tensors[q.outputs[0]!]!.name], 'the one output is named as below the floor');
        assert.equal(result.target, undefined, 'the first run had no target');
        const offered = /^Quantize again with a (\d+) dB target$/.exec(result.offered ?? '');
        assert.ok(offered, `offered: ${result.offered}`);
        // The click quantizes again with that target and replaces the files the first run wrote, nothing else.
        const again = result.retargeted!;
        assert.equal(again.status, 'written', again.message);
        assert.equal(again.output, result.output);
        assert.equal(again.target?.db, Number(offered[1]));
        assert.equal(again.offered, undefined, 'a run with a target offers none');
        const text = (await vscode.workspace.openTextDocument(vscode.Uri.parse(again.reportUri!))).getText();
        assert.match(text, /> \*\*Accuracy below the 15 dB floor\*\* on "/);
        assert.match(text, /\| ⚠ /);
        assert.match(text, /## Mixed precision/, 'the report beside the model is the second run\'s');
        // A click after the files changed (a later run, a hand edit) replaces nothing, and says why.
        const md = result.reportUri ? vscode.Uri.parse(result.reportUri).fsPath : '';
        const late = await quantize({ model, data, ifExists: 'overwrite', targetSqnrDb: null, belowFloor: 'retarget', beforeRetarget: async () => {
          fs.appendFileSync(md, '\nmy notes\n');
        } });
        assert.equal(late.status, 'written', late.message);
        assert.equal(late.retargeted?.status, 'exists');
        assert.match(late.retargeted?.message ?? '', /changed since it was written; nothing was replaced/);
        assert.ok(fs.readFileSync(md, 'utf8').endsWith('\nmy notes\n'), 'the edited report is left as it is');
        assert.doesNotMatch(fs.readFileSync(md, 'utf8'), /## Mixed precision/);
        await closeCleanTabs();
      },
    },
    {
      name: 'quantize: bad calibration data is an error naming the file and the fix; nothing is written',
      timeoutMs: 60_000,
      fn: async () => {
        const { model } = writeSample('sensor_nan');
        const bad = spectra(50, 1);
        bad[77] = Number.NaN;
        const data = inFolder('data', 'nan.npy');
        fs.writeFileSync(data, writeNpy([50, SENSOR_BINS], bad));
        const result = await quantize({ model, data });
        assert.equal(result.status, 'error');
        assert.match(result.message ?? '', /quantize\/data\/nan\.npy/);
        assert.match(result.message ?? '', /Remove or replace the NaN\/Inf values/);
        assert.match(result.message ?? '', /Nothing was written\.$/);
        assert.ok(!fs.existsSync(inFolder('sensor_nan_int8.tflite')));
      },
    },
    {
      name: 'quantize: a model int8 cannot take is named before any question about data (a custom operator: before the one-step confirmation); one --keep-float fixes runs with it',
      timeoutMs: 60_000,
      fn: async () => {
        const b = new ModelBuilder({ seed: 4 });
        const x = b.input('features', [1, 6]);
        b.output(b.op(BuiltinOperator.EXP, [b.fullyConnected(x, 4)], [[1, 4]])[0]!);
        const built = b.build();
        const exp = inFolder('exp_head.tflite');
        const seg = inFolder('seg_custom.tflite');
        fs.mkdirSync(path.dirname(exp), { recursive: true });
        fs.writeFileSync(exp, writeModel(built));
        fs.writeFileSync(seg, writeModel({ ...built, operatorCodes: built.operatorCodes.map((c) => (c.builtinCode === BuiltinOperator.EXP ? { ...c, builtinCode: BuiltinOperator.CUSTOM, deprecatedBuiltinCode: BuiltinOperator.CUSTOM, customCode: 'Convolution2DTransposeBias' } : c)) }));
        const before = listing(path.dirname(seg));
        // One step: the recommended run is not offered for a model it cannot quantize; the reason is, with the fix.
        const oneStep = await quantize({ model: seg, confirm: 'accept', forgetChoices: true });
        assert.equal(oneStep.status, 'error');
        assert.equal(oneStep.confirmation, undefined, 'no confirmation was shown');
        assert.match(oneStep.message ?? '', /^seg_custom\.tflite cannot be quantized: custom operator\(s\) CUSTOM:Convolution2DTransposeBias #1 .*TRANSPOSE_CONV.*Nothing was written\.$/);
        // As a user meets it (right-click → Quantize Model): the reason, first, as an error with the way on; no question asked.
        const pending = vscode.commands.executeCommand<QuantizeCommandResult>('tinyml.quantizeModel', vscode.Uri.file(seg));
        await new Promise((r) => setTimeout(r, 4000));
        await vscode.commands.executeCommand('notifications.showList');
        await new Promise((r) => setTimeout(r, 1000));
        await screenshot('quantize-blocked-custom-op');
        await vscode.commands.executeCommand('notifications.clearAll');
        const shown = await pending;
        assert.equal(shown?.status, 'error');
        assert.match(shown?.message ?? '', /CUSTOM:Convolution2DTransposeBias/);
        // No data given: the model's problem is what is said, not the missing data.
        const noData = await quantize({ model: exp, mode: 'int8' });
        assert.equal(noData.status, 'error');
        assert.match(noData.message ?? '', /exp_head\.tflite cannot be quantized: 1 operator\(s\) have no int8 form here: EXP #1\. Keep them in float/);
        assert.deepEqual(listing(path.dirname(seg)), before, 'nothing was written');
        const data = inFolder('data', 'features6.npy');
        fs.mkdirSync(path.dirname(data), { recursive: true });
        const r = seededRandom(9);
        fs.writeFileSync(data, writeNpy([60, 6], Float32Array.from({ length: 360 }, () => r() * 2 - 1)));
        const kept = await quantize({ model: exp, mode: 'int8', data, keepUnsupportedInFloat: true, calibration: 'minmax' });
        assert.equal(kept.status, 'written', kept.message);
        const q = loadModel(new Uint8Array(fs.readFileSync(kept.output!))).model;
        assert.ok(q.operatorCodes.some((c) => c.builtinCode === BuiltinOperator.EXP), 'EXP stays, in float');
        await closeCleanTabs();
      },
    },
    {
      name: 'quantize: held-out data of its own scores the report and the recipe, all the calibration data calibrates; the next one-step run offers it again; bad held-out data is named as such',
      timeoutMs: 90_000,
      fn: async () => {
        const { model, data } = writeSample('sensor_eval');
        const evalData = inFolder('data', 'heldout.npy');
        fs.writeFileSync(evalData, writeNpy([30, SENSOR_BINS], spectra(30, 17)));
        const result = await quantize({ model, data, evalData, ifExists: 'overwrite' });
        assert.equal(result.status, 'written', result.message);
        assert.match(result.summary ?? '', /on 30 held-out samples/);
        const saved = JSON.parse(fs.readFileSync(inFolder('sensor_eval_int8.report.json'), 'utf8')) as { calibration: { samples: number; split?: unknown }; accuracy: { source: string }; recipe: { scoredOn: { source: string } } };
        assert.equal(saved.calibration.samples, 200);
        assert.equal(saved.calibration.split, undefined);
        assert.equal(saved.accuracy.source, 'quantize/data/heldout.npy');
        assert.equal(saved.recipe.scoredOn.source, 'quantize/data/heldout.npy');
        const md = fs.readFileSync(inFolder('sensor_eval_int8.report.md'), 'utf8');
        assert.match(md, /on \*\*30 held-out samples\*\* \(quantize\/data\/heldout\\\.npy\), never used for calibration\./);
        assert.doesNotMatch(md, /Held out from the data given/, 'no warning about training data: the held-out data is its own');
        // Remembered: the one-step confirmation offers the same held-out data.
        const again = await quantize({ model, confirm: 'dismiss' });
        assert.match(again.confirmation ?? '', /^Calibration data: quantize\/data\/calibration\.npy \(.*\); all of it$/m);
        assert.match(again.confirmation ?? '', /^Held-out data: quantize\/data\/heldout\.npy \(.*30 samples.*\), for the accuracy report and the recipe choice$/m);
        // Held-out data that does not fit the model is named as held-out data, not as calibration data.
        const misfit = inFolder('data', 'heldout_wrong.npy');
        fs.writeFileSync(misfit, writeNpy([10, 7], new Float32Array(70)));
        const bad = await quantize({ model, data, evalData: misfit, output: inFolder('sensor_eval_bad_int8.tflite') });
        assert.equal(bad.status, 'error');
        assert.match(bad.message ?? '', /^Held-out data: quantize\/data\/heldout_wrong\.npy/);
        assert.match(bad.message ?? '', /Nothing was written\.$/);
        assert.ok(!fs.existsSync(inFolder('sensor_eval_bad_int8.tflite')));
        fs.rmSync(misfit);
        fs.rmSync(evalData);
        await closeCleanTabs();
      },
    },
    {
      name: 'quantize: dynamic range needs no data, writes sensor_dynamic.tflite and says TFLite Micro cannot run it',
      timeoutMs: 60_000,
      fn: async () => {
        const { model } = writeSample('sensor');
        const result = await quantize({ model, mode: 'dynamic' });
        assert.equal(result.status, 'written', result.message);
        assert.equal(result.output, inFolder('sensor_dynamic.tflite'));
        assert.match(result.summary ?? '', /dynamic-range model: TFLite Micro cannot run it/);
        const text = fs.readFileSync(vscode.Uri.parse(result.reportUri!).fsPath, 'utf8');
        assert.match(text, /TFLite Micro cannot run it:\*\* dynamic-range models/);
        await closeCleanTabs();
      },
    },
    {
      name: 'quantize: a folder of images is read as the model was trained ([-1, 1] here), and the report says how',
      timeoutMs: 60_000,
      fn: async () => {
        const model = inFolder('camera.tflite');
        const b = new ModelBuilder({ seed: 9 });
        b.output(b.fullyConnected(b.reshape(b.conv2d(b.input('image', [1, 8, 8, 3]), 4, [3, 3], { activation: 'RELU' }), [1, -1]), 2));
        fs.writeFileSync(model, writeModel(b.build()));
        const photos = inFolder('photos');
        const r = seededRandom(5);
        for (let i = 0; i < 30; i++) {
          const file = path.join(photos, `p${String(i).padStart(2, '0')}.png`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, pngBytes(8, 8, Uint8Array.from({ length: 256 }, (_, k) => (k % 4 === 3 ? 255 : Math.floor(r() * 256)))));
        }
        const out = inFolder('camera_int8.tflite');
        for (const f of [out, inFolder('camera_int8.report.json'), inFolder('camera_int8.report.md')]) fs.rmSync(f, { force: true });
        const result = await quantize({ model, data: photos, image: { range: [-1, 1] }, targetSqnrDb: null });
        assert.equal(result.status, 'written', result.message);
        const saved = JSON.parse(fs.readFileSync(inFolder('camera_int8.report.json'), 'utf8')) as { calibration: { image?: { range?: number[] } } };
        assert.deepEqual(saved.calibration.image, { range: [-1, 1] });
        // Markdown escapes the punctuation; read as text.
        assert.match(fs.readFileSync(inFolder('camera_int8.report.md'), 'utf8').replace(/\\(.)/g, '$1'), /images as pixels 0\.\.255 → \[-1, 1\]/);
        // The input grid covers [-1, 1], where the pixels went.
        const q = loadModel(fs.readFileSync(out)).model.subgraphs[0]!;
        const input = q.tensors[q.inputs[0]!]!.quantization!;
        assert.ok(Math.abs((-128 - Number(input.zeroPoint[0])) * input.scale[0]! + 1) < 0.05, `input scale ${input.scale[0]}, zero point ${input.zeroPoint[0]}`);
        await closeCleanTabs();
      },
    },
    {
      name: 'quantize: a damaged image among the photos is named with one fix (the loader\'s), and nothing is written',
      timeoutMs: 60_000,
      fn: async () => {
        const model = inFolder('camera_damaged.tflite');
        fs.mkdirSync(inFolder(), { recursive: true });
        const b = new ModelBuilder({ seed: 9 });
        b.output(b.fullyConnected(b.reshape(b.conv2d(b.input('image', [1, 8, 8, 3]), 4, [3, 3], { activation: 'RELU' }), [1, -1]), 2));
        fs.writeFileSync(model, writeModel(b.build()));
        const photos = inFolder('photos-damaged');
        const r = seededRandom(6);
        fs.rmSync(photos, { recursive: true, force: true });
        fs.mkdirSync(photos, { recursive: true });
        // 24 photos: one worker thread decodes some of them (image-samples.ts), this one the others.
        for (let i = 0; i < 24; i++) fs.writeFileSync(path.join(photos, `p${String(i).padStart(2, '0')}.png`), pngBytes(8, 8, Uint8Array.from({ length: 256 }, (_, k) => (k % 4 === 3 ? 255 : Math.floor(r() * 256)))));
        fs.writeFileSync(path.join(photos, 'p07.png'), 'not a png: an interrupted copy');
        const out = inFolder('camera_damaged_int8.tflite');
        fs.rmSync(out, { force: true });
        try {
          const result = await quantize({ model, data: photos, output: out, image: { range: [-1, 1] }, targetSqnrDb: null });
          assert.equal(result.status, 'error', result.message);
          const message = result.message ?? '';
          assert.match(message, /^Calibration data: (?:quantize\/)?photos-damaged\/p07\.png: not a readable PNG image \(.*\)\. Re-save it, or move it out of the calibration data\. Nothing was written\.$/);
          assert.doesNotMatch(message, /numpy/, 'no second, generic fix');
          assert.ok(!fs.existsSync(out), 'nothing is written');
        } finally {
          fs.rmSync(photos, { recursive: true, force: true });
          fs.rmSync(model, { force: true });
        }
        await closeCleanTabs();
      },
    },
  ];
}
