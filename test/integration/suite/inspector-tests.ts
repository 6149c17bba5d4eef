/**
 * The extension in a real VS Code: it activates on use, contributes its command, and `TinyML: Inspect Model` opens
 * the model inspector whose webview shows the model's summary, or the error for a corrupt file. Each test opens what
 * it needs itself (any order, any subset); wall-clock budgets (activation, first paint, host steps) are judged by
 * bench/vscode/, the figures are printed here.
 */
import { waitFor } from './wait-for';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, formatReal } from '../../../src/core/common/format';
import { summarizeModel } from '../../../src/core/analysis/summary';
import { arenaFigures, estimateArena, type ArenaOptions } from '../../../src/core/arena';
import { ModelBuilder, TensorType, elementCount, loadModel, opcodeName, writeModel } from '../../../src/core/tflite';
import type { TinymlApi } from '../../../src/extension/extension';
import type { RenderReport } from '../../../src/protocol/inspector';
import { BUILT_INPUT_NAME, BUILT_OPCODES, WORKSPACE_FILES } from '../workspace';
import { Skip, type TestCase } from './runner';
import { activated, EXTENSION_ID } from './tinyml-api';

const VIEW_TYPE = 'tinyml.modelInspector';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run opens a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

function requireFile(uri: vscode.Uri): void {
  if (!fs.existsSync(uri.fsPath)) throw new Skip(`${path.basename(uri.fsPath)} is not in the workspace (../shared/models absent)`);
}

function activeCustomTab(): vscode.TabInputCustom | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input : undefined;
}

async function openedInInspector(uri: vscode.Uri): Promise<void> {
  const input = await waitFor('the inspector tab', () => {
    const tab = activeCustomTab();
    return tab && tab.uri.toString() === uri.toString() ? tab : undefined;
  });
  assert.equal(input.viewType, VIEW_TYPE);
}


/** Resolves with the next report for `uri` that matches; subscribe before triggering what renders it. */
export function nextReport(api: TinymlApi, uri: vscode.Uri, match: (r: RenderReport) => boolean, timeoutMs = 30_000): Promise<RenderReport> {
  return new Promise((resolve, reject) => {
    // What did render meanwhile, for the message: a flake under load then says which step never came.
    const seen: string[] = [];
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching render of ${path.basename(uri.fsPath)} within ${timeoutMs} ms; renders seen: ${seen.join(', ') || 'none'}`));
    }, timeoutMs);
    const sub = api.onDidInspectorRender((e) => {
      if (e.uri.toString() === uri.toString()) seen.push(e.report.reason);
      if (e.uri.toString() !== uri.toString() || !match(e.report)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.report);
    });
  });
}

/** The project root: where the extension under test was loaded from. */
function projectRoot(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return ext.extensionPath;
}

/** person_detect.tflite from ../shared, copied into the workspace once. */
function personDetect(): vscode.Uri {
  const uri = workspaceFile('person_detect.tflite');
  return fs.existsSync(uri.fsPath) ? uri : copyIntoWorkspace('../shared/models/tflm/models/person_detect.tflite', 'person_detect.tflite');
}

/**
 * Opens `uri`, waits for the Overview to show the default build's arena figures, sets `build` in the tinyml.arena.*
 * settings and waits for that build's figures (which must differ), then resets the settings and waits for the default
 * figures again.
 */
async function arenaFollowsSettings(api: TinymlApi, uri: vscode.Uri, build: Pick<ArenaOptions, 'kernels' | 'target' | 'marginPercent'>, timeoutMs = 30_000): Promise<void> {
  const { model } = loadModel(fs.readFileSync(uri.fsPath));
  const config = () => vscode.workspace.getConfiguration('tinyml');
  const shows = (est: ReturnType<typeof estimateArena>) => (text: string) => arenaFigures(est).every((f) => text.includes(`${f.label}${formatBytes(f.bytes)}`));
  const byDefault = estimateArena(model);
  const reference = shows(byDefault);
  const wanted = estimateArena(model, build);
  assert.notDeepEqual(arenaFigures(wanted).map((f) => f.bytes), arenaFigures(byDefault).map((f) => f.bytes), 'the two builds give different figures');
  const shownFor = (what: string, matches: (text: string) => boolean) =>
    waitFor(what, () => { const r = api.lastInspectorRender(uri); return r && matches(r.arenaText) ? r : undefined; }, timeoutMs);
  const keys = Object.keys(build) as (keyof typeof build)[];
  try {
    await showInInspector(api, uri);
    await api.revealInInspector(uri, { view: 'overview' });
    await shownFor('the default build\'s figures', reference);
    for (const k of keys) await config().update(`arena.${k}`, build[k], vscode.ConfigurationTarget.Workspace);
    const shown = await shownFor(`the figures for ${JSON.stringify(build)}`, shows(wanted));
    assert.ok(!reference(shown.arenaText), shown.arenaText);
  } finally {
    for (const k of keys) await config().update(`arena.${k}`, undefined, vscode.ConfigurationTarget.Workspace);
  }
  await shownFor('the default build\'s figures again', reference);
}

/** Copies a model from beside the project into the workspace at run time (never into the repository). */
export function copyIntoWorkspace(relativeToRoot: string, name: string): vscode.Uri {
  const from = path.join(projectRoot(), relativeToRoot);
  if (!fs.existsSync(from)) throw new Skip(`${relativeToRoot} is absent`);
  const uri = workspaceFile(name);
  fs.copyFileSync(from, uri.fsPath);
  return uri;
}

/**
 * Shows `uri` in the inspector and resolves with its painted report: at once when it is already the active editor
 * (nothing repaints then), else after the paint that opening it causes.
 */
async function showInInspector(api: TinymlApi, uri: vscode.Uri): Promise<RenderReport> {
  const group = vscode.window.tabGroups.activeTabGroup;
  const active = group.activeTab?.input;
  const last = api.lastInspectorRender(uri);
  if (last && active instanceof vscode.TabInputCustom && active.uri.toString() === uri.toString()) return last;
  return (await openAndPaint(api, uri)).report;
}

/** Closes the inspector tabs of `uri`, so that opening it again paints afresh. */
async function closeInspectorTabs(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

/** Runs a command that opens `uri` in the inspector (closed first); resolves with the first paint it causes. */
async function paintAfter(api: TinymlApi, uri: vscode.Uri, open: () => Thenable<unknown>): Promise<RenderReport> {
  await closeInspectorTabs(uri);
  const painted = nextReport(api, uri, (r) => r.reason === 'paint');
  await open();
  return painted;
}

/** Opens `uri` with the inspector the way VS Code does for a click, and waits for the webview's first paint. */
export async function openAndPaint(api: TinymlApi, uri: vscode.Uri, timeoutMs = 20_000): Promise<{ report: RenderReport; ms: number }> {
  await closeInspectorTabs(uri);
  const painted = nextReport(api, uri, (r) => r.reason === 'paint', timeoutMs);
  const started = performance.now();
  await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
  const report = await painted;
  return { report, ms: performance.now() - started };
}

/** Names that would run or render as markup if any part of the page parsed model strings as HTML. */
const HOSTILE_NAMES = {
  input: '<script>window.pwned=1</script>input',
  conv: '<img src=x onerror="window.pwned=2">conv',
  output: '</td><b>bold</b><iframe src="https://example.com"></iframe>',
};

/** A small float model whose tensor names are hostile markup. */
function hostileModel(inputName: string): Uint8Array {
  const b = new ModelBuilder({ description: '<b>description</b><script>window.pwned=3</script>', seed: 3 });
  const x = b.input(inputName, [1, 8, 8, 1]);
  const y = b.conv2d(x, 2, [3, 3], { name: HOSTILE_NAMES.conv });
  b.output(b.reshape(y, [1, 128]));
  const model = b.build();
  const g = model.subgraphs[0]!;
  g.tensors[g.outputs[0]!]!.name = HOSTILE_NAMES.output;
  return writeModel(model);
}

async function pollClipboard(match: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await vscode.env.clipboard.readText();
    if (match(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the clipboard did not get the table; it holds ${JSON.stringify(last.slice(0, 80))}`);
}

export function inspectorTests(): { tests: TestCase[]; measurements: { activationMs?: number; poseFirstPaintMs?: number } } {
  const measurements: { activationMs?: number; poseFirstPaintMs?: number } = {};
  // Read when the suite is built, before any test runs: nothing in the workbench's startup may activate us.
  const activeAtStart = vscode.extensions.getExtension(EXTENSION_ID)?.isActive;

  const tests: TestCase[] = [
    {
      name: 'the extension is not activated at startup, and activates on use',
      fn: async () => {
        assert.equal(activeAtStart, false, 'nothing activated the extension before the suite used it');
        const ext = vscode.extensions.getExtension<TinymlApi>(EXTENSION_ID);
        assert.ok(ext, `${EXTENSION_ID} is installed`);
        const started = performance.now();
        const api = await activated();
        if (measurements.activationMs === undefined && !activeAtStart) measurements.activationMs = performance.now() - started;
        assert.ok(ext.isActive);
        console.log(`    activation: ${measurements.activationMs?.toFixed(1) ?? '?'} ms including loading the bundle, ` +
          `${api.activateMs.toFixed(2)} ms inside activate() (budget judged by bench/vscode)`);
      },
    },
    {
      name: 'TinyML: Inspect Model is a registered command',
      fn: async () => {
        const commands = await vscode.commands.getCommands(true);
        assert.ok(commands.includes('tinyml.inspectModel'));
      },
    },
    {
      name: 'Inspect Model opens a model in the inspector, whose webview renders its summary',
      fn: async () => {
        const uri = workspaceFile(WORKSPACE_FILES.floatModel);
        requireFile(uri);
        const api = await activated();
        const report = await paintAfter(api, uri, () => vscode.commands.executeCommand('tinyml.inspectModel', uri));
        await openedInInspector(uri);

        // What the page shows must match the summary computed here, independently, from the same bytes.
        const summary = summarizeModel(loadModel(fs.readFileSync(uri.fsPath)).model);
        assert.equal(report.kind, 'summary', `rendered an error instead: ${report.errorText}`);
        assert.equal(report.heading, WORKSPACE_FILES.floatModel);
        assert.equal(report.inputRows, summary.inputs.length);
        assert.equal(report.outputRows, summary.outputs.length);
        assert.equal(report.opcodeRows, Object.keys(summary.opHistogram).length);
        assert.ok(report.opcodeRows > 0, 'hello_world has operators');
      },
    },
    {
      name: 'a model built in code opens from its Uri and its tensor names are shown as text, not markup',
      fn: async () => {
        const uri = workspaceFile(WORKSPACE_FILES.builtModel);
        const api = await activated();
        const report = await paintAfter(api, uri, () => vscode.commands.executeCommand('tinyml.inspectModel', uri));
        await openedInInspector(uri);
        assert.equal(report.kind, 'summary', `rendered an error instead: ${report.errorText}`);
        assert.equal(report.heading, WORKSPACE_FILES.builtModel);
        assert.deepEqual(report.inputNames, [BUILT_INPUT_NAME]);
        assert.equal(report.outputRows, 1);
        assert.equal(report.opcodeRows, BUILT_OPCODES.length);
      },
    },
    {
      name: 'a corrupt .tflite shows the format error instead of a blank page',
      fn: async () => {
        const uri = workspaceFile(WORKSPACE_FILES.corruptModel);
        const api = await activated();
        const report = await paintAfter(api, uri, () => vscode.commands.executeCommand('tinyml.inspectModel', uri));
        await openedInInspector(uri);
        assert.equal(report.kind, 'error');
        assert.equal(report.heading, WORKSPACE_FILES.corruptModel);
        assert.match(report.errorText, /not a valid TFLite model/);
        assert.match(report.errorText, /corrupt\.tflite/, 'the message names the file');
      },
    },
    {
      name: 'vscode.openWith shows person_detect.tflite in the inspector: overview, operator table, tensors, graph',
      timeoutMs: 60_000,
      fn: async () => {
        const api = await activated();
        const uri = personDetect();
        const { model } = loadModel(fs.readFileSync(uri.fsPath));
        const g = model.subgraphs[0]!;
        const { report, ms } = await openAndPaint(api, uri);
        await openedInInspector(uri);
        console.log(`    person_detect: first paint ${ms.toFixed(0)} ms after openWith`);
        assert.equal(report.kind, 'summary', report.errorText);
        assert.equal(report.heading, 'person_detect.tflite');
        assert.equal(report.inputRows, 1);
        const timings = api.inspectorHostTimings(uri);
        assert.ok(timings, 'the load was timed');
        console.log(`    person_detect host steps: load ${timings.loadModelMs.toFixed(1)} ms, view ${timings.buildViewMs.toFixed(1)} ms`);

        // The operator table lists every operator, in order, with the opcode the file declares.
        const ops = await api.revealInInspector(uri, { view: 'operators' });
        assert.equal(ops.view, 'operators');
        const expected = g.operators.map((op) => opcodeName(model.operatorCodes[op.opcodeIndex]!));
        assert.equal(expected.length, 31);
        assert.deepEqual(ops.operatorOpcodes, expected);
        assert.equal(ops.tableRowCount, 31);

        const filtered = await api.revealInInspector(uri, { view: 'operators', filter: 'AVERAGE_POOL_2D' });
        assert.deepEqual(filtered.operatorOpcodes, ['AVERAGE_POOL_2D']);

        const tensors = await api.revealInInspector(uri, { view: 'tensors', filter: '' });
        assert.deepEqual(tensors.tensorNames, g.tensors.map((t) => t.name));

        const graph = await api.revealInInspector(uri, { view: 'graph' });
        assert.equal(graph.graphNodes, g.operators.length + g.inputs.length + g.outputs.length);
        assert.equal(graph.graphEdges, 32, 'a chain of 31 operators between one input and one output');

        // The arena estimate arrives after the first paint and is shown on the overview.
        const overview = await api.revealInInspector(uri, { view: 'overview' });
        const arena = estimateArena(model);
        const withArena = overview.arenaText ? overview : await waitFor('the arena figures', () => {
          const r = api.lastInspectorRender(uri);
          return r?.arenaText.includes('Minimum arena') ? r : undefined;
        });
        // The three figures under the words every surface uses (core/arena/figures.ts), from the same estimate.
        for (const f of arenaFigures(arena)) assert.ok(withArena.arenaText.includes(`${f.label}${formatBytes(f.bytes)}`), `${f.label}: ${withArena.arenaText}`);
        const after = api.inspectorHostTimings(uri);
        assert.ok(after?.arenaMs !== undefined && after.tflmMs !== undefined, 'the arena and TFLM steps were timed');
        console.log(`    person_detect after the paint: arena estimate ${after.arenaMs.toFixed(1)} ms, TFLM check ${after.tflmMs.toFixed(1)} ms`);
      },
    },
    {
      name: 'the overview\'s arena follows tinyml.arena.*: a CMSIS-NN x86_64 build\'s figures, re-sent when the setting changes',
      timeoutMs: 40_000,
      fn: async () => {
        const api = await activated();
        await arenaFollowsSettings(api, personDetect(), { kernels: 'cmsis-nn', target: 'x86_64' });
        assert.notEqual(api.inspectorHostTimings(personDetect())?.detailsInWorker, true, 'person_detect\'s details run on the host');
      },
    },
    {
      name: 'the overview\'s arena follows tinyml.arena.* for a model whose details run in the inspector worker (pose_landmark_heavy)',
      timeoutMs: 120_000,
      fn: async () => {
        const api = await activated();
        const uri = copyIntoWorkspace('node_modules/@mediapipe/pose/pose_landmark_heavy.tflite', 'pose_landmark_heavy.tflite');
        await arenaFollowsSettings(api, uri, { target: 'x86_64', marginPercent: 50 }, 90_000);
        assert.equal(api.inspectorHostTimings(uri)?.detailsInWorker, true, 'its details ran in the worker');
      },
    },
    {
      name: 'the weights view gets a tensor\'s values only on request, dequantized with its per-channel scales',
      timeoutMs: 40_000,
      fn: async () => {
        const api = await activated();
        const uri = personDetect();
        await showInInspector(api, uri);
        const { model } = loadModel(fs.readFileSync(uri.fsPath));
        const g = model.subgraphs[0]!;
        const index = g.tensors.findIndex((t) => t.type === TensorType.INT8 && (model.buffers[t.buffer]?.data.length ?? 0) > 0 && (t.quantization?.scale.length ?? 0) > 1);
        assert.ok(index >= 0, 'person_detect has per-channel int8 weights');
        const t = g.tensors[index]!;
        // Dequantize here, independently: channel = (i / inner) % channels along quantized_dimension.
        const q = t.quantization!;
        const data = new Int8Array(model.buffers[t.buffer]!.data.buffer, model.buffers[t.buffer]!.data.byteOffset, elementCount(t.shape));
        const inner = t.shape.slice(q.quantizedDimension + 1).reduce((a, b) => a * b, 1);
        let min = Infinity;
        let max = -Infinity;
        data.forEach((v, i) => {
          const c = Math.floor(i / inner) % t.shape[q.quantizedDimension]!;
          const real = (v - q.zeroPoint[c]!) * q.scale[c]!;
          min = Math.min(min, real);
          max = Math.max(max, real);
        });
        const report = await api.revealInInspector(uri, { view: 'weights', index });
        assert.equal(report.reason, 'weights');
        assert.ok(report.weights, 'statistics are shown');
        assert.equal(report.weights.tensor, index);
        assert.equal(report.weights.count, elementCount(t.shape));
        assert.equal(report.weights.min, formatReal(min));
        assert.equal(report.weights.max, formatReal(max));
        assert.ok(report.weights.bins > 1, 'a histogram is drawn');
      },
    },
    {
      name: 'Copy as Markdown puts the operator table on the clipboard',
      fn: async () => {
        const api = await activated();
        const uri = personDetect();
        await showInInspector(api, uri);
        await vscode.env.clipboard.writeText('');
        await api.revealInInspector(uri, { view: 'operators', filter: '', copy: 'markdown' });
        const copied = await pollClipboard((s) => s.startsWith('| # | Opcode'));
        const lines = copied.trim().split('\n');
        assert.equal(lines.length, 2 + 31, 'header, separator and one line per operator');
        assert.match(lines[2]!, /^\| 0 \| DEPTHWISE_CONV_2D \| /);
      },
    },
    {
      name: 'model strings carrying <script>, <img onerror> and <iframe> are shown as text everywhere',
      timeoutMs: 40_000,
      fn: async () => {
        const api = await activated();
        const uri = workspaceFile('hostile_names.tflite');
        fs.writeFileSync(uri.fsPath, hostileModel(HOSTILE_NAMES.input));
        const { report } = await openAndPaint(api, uri);
        assert.equal(report.kind, 'summary', report.errorText);
        assert.deepEqual(report.inputNames, [HOSTILE_NAMES.input]);
        assert.equal(report.foreignElements, 0, 'no element or handler came from a model string');
        const tensors = await api.revealInInspector(uri, { view: 'tensors' });
        for (const name of Object.values(HOSTILE_NAMES)) assert.ok(tensors.tensorNames.includes(name), `${name} shown verbatim`);
        assert.equal(tensors.foreignElements, 0);
        const graph = await api.revealInInspector(uri, { view: 'graph' });
        assert.ok(graph.graphNodes >= 3);
        assert.equal(graph.foreignElements, 0);
      },
    },
    {
      name: 'the inspector refreshes when the file changes on disk',
      timeoutMs: 40_000,
      fn: async () => {
        const api = await activated();
        const uri = workspaceFile('refreshed.tflite');
        fs.writeFileSync(uri.fsPath, hostileModel('first_input'));
        const { report: before } = await openAndPaint(api, uri);
        assert.deepEqual(before.inputNames, ['first_input']);
        // A change event of the first write arriving now finds the same size and mtime and reloads nothing; only
        // the new version below makes a paint with a higher version.
        const refreshed = nextReport(api, uri, (r) => r.reason === 'paint' && r.version > before.version, 20_000);
        fs.writeFileSync(uri.fsPath, hostileModel('renamed_input'));
        const report = await refreshed;
        assert.equal(report.kind, 'summary');
        assert.deepEqual(report.inputNames, ['renamed_input']);
      },
    },
    {
      name: 'a model with two subgraphs: the second one is selectable and its tables are shown',
      timeoutMs: 40_000,
      fn: async () => {
        const api = await activated();
        const uri = workspaceFile('two_subgraphs.tflite');
        const b = new ModelBuilder({ seed: 9 });
        b.output(b.relu(b.input('x', [1, 4])));
        const model = b.build();
        // A second subgraph (as IF/WHILE bodies are stored): same tensors, a different operator.
        const second = structuredClone(model.subgraphs[0]!);
        second.name = 'body';
        model.operatorCodes.push({ builtinCode: 14 /* LOGISTIC */, deprecatedBuiltinCode: 14, version: 1 });
        second.operators[0]!.opcodeIndex = model.operatorCodes.length - 1;
        model.subgraphs.push(second);
        fs.writeFileSync(uri.fsPath, writeModel(model));
        const { report } = await openAndPaint(api, uri);
        assert.equal(report.kind, 'summary', report.errorText);
        const first = await api.revealInInspector(uri, { view: 'operators', subgraph: 0 });
        assert.deepEqual(first.operatorOpcodes, ['RELU']);
        const body = await api.revealInInspector(uri, { view: 'operators', subgraph: 1 });
        assert.equal(body.subgraph, 1);
        assert.deepEqual(body.operatorOpcodes, ['LOGISTIC']);
      },
    },
    {
      name: 'pose_landmark_heavy (27.7 MB, hundreds of operators) paints its summary, one page of its tensors, then the arena',
      timeoutMs: 90_000,
      fn: async () => {
        const api = await activated();
        const uri = copyIntoWorkspace('node_modules/@mediapipe/pose/pose_landmark_heavy.tflite', 'pose_landmark_heavy.tflite');
        const detailsShown = nextReport(api, uri, (r) => r.reason === 'details', 60_000);
        const { report, ms } = await openAndPaint(api, uri, 60_000);
        const timings = api.inspectorHostTimings(uri);
        console.log(`    pose_landmark_heavy: first paint ${ms.toFixed(0)} ms after openWith (webview render ${report.renderMs.toFixed(0)} ms); ` +
          `host steps: read ${timings?.readFileMs.toFixed(1)} ms, load ${timings?.loadModelMs.toFixed(1)} ms, view ${timings?.buildViewMs.toFixed(1)} ms`);
        measurements.poseFirstPaintMs = ms;
        assert.equal(report.kind, 'summary', report.errorText);
        assert.ok(report.opcodeRows > 5);
        const tensors = await api.revealInInspector(uri, { view: 'tensors' });
        assert.ok(tensors.tableRowCount > 1000, 'every tensor is in the table');
        assert.ok(tensors.tensorNames.length <= 200, 'only one page of rows is in the DOM');
        const shown = await detailsShown;
        assert.match(shown.arenaText, /Minimum arena.*Used after allocation.*Recommended/);
        const after = api.inspectorHostTimings(uri);
        console.log(`    pose_landmark_heavy after the paint: arena estimate ${after?.arenaMs?.toFixed(1)} ms, TFLM check ${after?.tflmMs?.toFixed(1)} ms`);
      },
    },
    {
      name: 'inspector actions: Quantize… and Compare with… on a float model, Export to C… on an int8 one, Reopen in Text Editor on an invalid file; each runs',
      timeoutMs: 60_000,
      fn: async () => {
        const api = await activated();
        const float = workspaceFile(WORKSPACE_FILES.builtModel);
        const painted = await openAndPaint(api, float);
        assert.deepEqual(painted.report.actions, ['Quantize…', 'Compare with…']);
        // Compare with…: the Compare view, this model as A and the one picked as B (here the same file: every layer matched).
        const cmp = await api.runInspectorAction(float, 'compare', { compareWith: float }) as { status: string; matches?: number; onlyA?: number; onlyB?: number };
        assert.equal(cmp.status, 'shown');
        assert.ok((cmp.matches ?? 0) > 0, `matched layers: ${cmp.matches}`);
        assert.equal(cmp.onlyA, 0);
        assert.equal(cmp.onlyB, 0);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        // Quantize…: the same command as the menu, for this model (dynamic range needs no data).
        const q = await api.runInspectorAction(float, 'quantize', { commandArgs: { model: float, mode: 'dynamic', ifExists: 'overwrite' } }) as { status: string; output: string };
        assert.equal(q.status, 'written');
        assert.equal(path.basename(q.output), 'built_cnn_dynamic.tflite');
        await closeInspectorTabs(vscode.Uri.file(q.output));
        // An int8 model offers Export to C…
        const int8 = copyIntoWorkspace('../shared/models/tflm/examples/hello_world/hello_world_int8.tflite', 'hello_world_int8.tflite');
        assert.deepEqual((await openAndPaint(api, int8)).report.actions, ['Export to C…', 'Compare with…']);
        await closeInspectorTabs(int8);
        // An invalid file: the error page offers Reopen in Text Editor, which opens the bytes in the default editor.
        const corrupt = workspaceFile(WORKSPACE_FILES.corruptModel);
        const bad = await openAndPaint(api, corrupt);
        assert.equal(bad.report.kind, 'error');
        assert.deepEqual(bad.report.actions, ['Reopen in Text Editor']);
        await api.runInspectorAction(corrupt, 'reopenText', {});
        await waitFor('the file in a text editor', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === corrupt.toString()));
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      },
    },
  ];
  return { tests, measurements };
}
