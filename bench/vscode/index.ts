/**
 * `npm run bench:vscode`: the wall-clock budgets that only a real VS Code can measure, each figure next to its
 * anchor from the same run (DEVELOPERS.md, "Budgets"): activation, the inspector's first paint of a 27.7 MB model
 * and its longest host step, the Graph tab's first paint (a generated 5,000-operator model, pose_landmark_heavy)
 * and the page's longest task meanwhile, the arena hover's round trip, the host's longest stall during Quantize Model.
 * Loaded by test/integration/run.ts (TINYML_IT_SUITE) as the extension tests entry, in code-server; it reports
 * figures and flags a budget that is exceeded, it does not fail a build (the integration tests check behaviour).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { generateCArrayHeader, generateCArraySource, sha256Hex } from '../../src/core/codegen';
import { seededRandom, writeNpy } from '../../src/core/data';
import { buildSensorAnomalyModel, SENSOR_BINS } from '../../src/core/samples/sensor-anomaly-model';
import { ModelBuilder, writeModel } from '../../src/core/tflite';
import { branchingModel } from '../../test/helpers/graph-models';
import type { TinymlApi } from '../../src/extension/extension';
import type { QuantizeCommandArgs, QuantizeCommandResult } from '../../src/extension/quantize/quantize-command';
import type { RenderReport } from '../../src/protocol/inspector';
import type { SuiteResults, TestOutcome } from '../../test/integration/suite/results';

const EXTENSION_ID = 'tinyml-toolkit.tinyml-toolkit';
const BUDGET = {
  activateMs: 50, firstPaintMs: 1000, hostStepMs: 50, hoverP95Ms: 50, hostStallMs: 50,
  // Issue 14: the Graph tab's first paint after the click, and the webview's longest task (PerformanceObserver) meanwhile.
  graph5kPaintMs: 1500, graphPosePaintMs: 1000, graphLongTaskMs: 100,
} as const;
const HOVERS = 200;

const outcomes: TestOutcome[] = [];

function figure(name: string, value: number, budget: number, anchor: string): void {
  const within = value <= budget;
  console.log(`${name.padEnd(46)} ${`${value.toFixed(1)} ms`.padStart(10)}   ${within ? 'within' : 'OVER'} the ${budget} ms budget; ${anchor}`);
  outcomes.push({ name, status: 'passed', ms: Math.round(value), ...(within ? {} : { detail: `over the ${budget} ms budget` }) });
}

function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the bench run opens a workspace folder');
  return folder.uri.fsPath;
}

function projectRoot(): string {
  return vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function nextPaint(api: TinymlApi, uri: vscode.Uri, reason: RenderReport['reason'], timeoutMs = 60_000): Promise<RenderReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no ${reason} of ${uri.fsPath} within ${timeoutMs} ms`)); }, timeoutMs);
    const sub = api.onDidInspectorRender((e) => {
      if (e.uri.toString() !== uri.toString() || e.report.reason !== reason) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.report);
    });
  });
}

async function activation(): Promise<TinymlApi> {
  const ext = vscode.extensions.getExtension<TinymlApi>(EXTENSION_ID)!;
  const t0 = performance.now();
  const api = await ext.activate();
  const total = performance.now() - t0;
  if (!api) throw new Error('the extension returned no test API (not a test run?)');
  figure('activation: inside activate()', api.activateMs, BUDGET.activateMs, `${total.toFixed(1)} ms including loading dist/extension.js`);
  return api;
}

async function inspectorFirstPaint(api: TinymlApi): Promise<void> {
  const from = path.join(projectRoot(), 'node_modules', '@mediapipe', 'pose', 'pose_landmark_heavy.tflite');
  if (!fs.existsSync(from)) { console.log('inspector: node_modules/@mediapipe/pose is not installed, skipped'); return; }
  const file = path.join(root(), 'pose_landmark_heavy.tflite');
  fs.copyFileSync(from, file);
  const uri = vscode.Uri.file(file);
  const t0 = performance.now();
  fs.readFileSync(file);
  const readMs = performance.now() - t0;
  const painted = nextPaint(api, uri, 'paint');
  const details = nextPaint(api, uri, 'details');
  const started = performance.now();
  await vscode.commands.executeCommand('vscode.openWith', uri, 'tinyml.modelInspector');
  const report = await painted;
  const paintMs = performance.now() - started;
  figure('inspector: pose_landmark_heavy first paint', paintMs, BUDGET.firstPaintMs, `anchor: reading its 27.7 MB here takes ${readMs.toFixed(1)} ms; the webview's own render ${report.renderMs.toFixed(0)} ms`);
  await details;
  const t = api.inspectorHostTimings(uri);
  if (t) {
    figure('inspector: longest extension-host step', t.maxBlockMs, BUDGET.hostStepMs,
      `steps: load ${t.loadModelMs.toFixed(1)}, view ${t.buildViewMs.toFixed(1)}, arena ${t.arenaMs?.toFixed(1)}, TFLM check ${t.tflmMs?.toFixed(1)} ms${t.detailsInWorker ? ' (these two in the inspector worker)' : ''}`);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Opens `file` in the inspector and clicks the Graph tab as soon as the page has painted (the worker's layout,
 * started when the model arrived, may still be running: the cold case), timing the click to the graph's first paint.
 */
async function graphPaint(api: TinymlApi, file: string, label: string, budgetMs: number): Promise<void> {
  const uri = vscode.Uri.file(file);
  const painted = nextPaint(api, uri, 'paint');
  const t0 = performance.now();
  await vscode.commands.executeCommand('vscode.openWith', uri, 'tinyml.modelInspector');
  await painted;
  const openMs = performance.now() - t0;
  const t1 = performance.now();
  const report = await api.revealInInspector(uri, { view: 'graph' });
  const paintMs = performance.now() - t1;
  const g = report.graph;
  figure(`graph: ${label} first paint`, paintMs, budgetMs,
    `anchor: opening it to the page's first paint took ${openMs.toFixed(0)} ms; the webview's part ${report.renderMs.toFixed(0)} ms; ${g?.nodes} nodes, waited ${g?.layoutMs.toFixed(0)} ms for the worker (${g?.pageSteps.worker.toFixed(0)} ms of layout there)${g?.inWorker ? '' : ' (NOT in the worker)'}`);
  figure(`graph: ${label} longest webview task`, report.longestTaskMs ?? 0, BUDGET.graphLongTaskMs,
    `long tasks during the paint: ${(report.longTasks ?? []).map((t) => t.ms.toFixed(0)).join(', ') || 'none'}`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * The coldest path: back to an inspector whose Graph tab was showing. The webview was dropped while hidden
 * (retainContextWhenHidden is off), so the page is rebuilt on the Graph tab: the model message, the view, the layout
 * in the worker and the first draw all happen now, timed from the tab being shown to the graph's paint.
 */
async function graphReturn(api: TinymlApi, file: string, label: string, budgetMs: number): Promise<void> {
  const uri = vscode.Uri.file(file);
  const painted = nextPaint(api, uri, 'paint');
  await vscode.commands.executeCommand('vscode.openWith', uri, 'tinyml.modelInspector');
  await painted;
  await api.revealInInspector(uri, { view: 'graph' });
  const other = path.join(root(), 'bench-other.txt');
  fs.writeFileSync(other, 'another editor in the same group hides the inspector\n');
  await vscode.window.showTextDocument(vscode.Uri.file(other), { preview: false });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const back = nextPaint(api, uri, 'paint');
  const t0 = performance.now();
  await vscode.commands.executeCommand('vscode.openWith', uri, 'tinyml.modelInspector');
  const report = await back;
  const ms = performance.now() - t0;
  const g = report.graph;
  figure(`graph: ${label}, back to its Graph tab`, ms, budgetMs,
    `anchor: the page rebuilt on the ${report.view} tab, its own part ${report.renderMs.toFixed(0)} ms; ${g?.nodes ?? 0} nodes, ${g?.layoutMs.toFixed(0)} ms waiting for the worker's layout`);
  figure(`graph: ${label}, back: longest webview task`, report.longestTaskMs ?? 0, BUDGET.graphLongTaskMs,
    `long tasks from the model message to the paint (ms, at ms from the graph view's construction): ${(report.longTasks ?? []).map((t) => `${t.ms.toFixed(0)} at ${(t.start - (g?.marks['constructed'] ?? 0)).toFixed(0)}`).join(', ') || 'none'}`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function graphFirstPaint(api: TinymlApi): Promise<void> {
  const file = path.join(root(), 'branching_5000.tflite');
  fs.writeFileSync(file, writeModel(branchingModel(5000)));
  await graphPaint(api, file, '5,000-operator model', BUDGET.graph5kPaintMs);
  await graphReturn(api, file, '5,000-operator model', BUDGET.graph5kPaintMs);
  const from = path.join(projectRoot(), 'node_modules', '@mediapipe', 'pose', 'pose_landmark_heavy.tflite');
  if (!fs.existsSync(from)) { console.log('graph: node_modules/@mediapipe/pose is not installed, skipped'); return; }
  const pose = path.join(root(), 'pose_landmark_heavy.tflite');
  fs.copyFileSync(from, pose);
  await graphPaint(api, pose, 'pose_landmark_heavy', BUDGET.graphPosePaintMs);
}

async function hoverLatency(): Promise<void> {
  const b = new ModelBuilder({ seed: 11 });
  const x = b.input('features', [1, 12, 12, 2]);
  b.output(b.softmax(b.fullyConnected(b.reshape(b.maxPool2d(b.conv2d(x, 8, [3, 3], { activation: 'RELU' }), [2, 2]), [1, 288]), 4)));
  const model = writeModel(b.build());
  const dir = path.join(root(), 'bench-firmware');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.tflite'), model);
  const prov = { modelPath: 'bench-firmware/model.tflite', sha256: sha256Hex(model), byteSize: model.length, date: new Date() };
  fs.writeFileSync(path.join(dir, 'model_data.h'), generateCArrayHeader(prov));
  fs.writeFileSync(path.join(dir, 'model_data.cc'), generateCArraySource(model, prov));
  const main = path.join(dir, 'main.cc');
  fs.writeFileSync(main, '#include "model_data.h"\n// a comment without any hover of ours\nconstexpr int kTensorArenaSize = 1024;\nvoid setup() { tflite::GetModel(g_model); }\n');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(main));
  await vscode.window.showTextDocument(doc);
  const at = (needle: string) => doc.positionAt(doc.getText().indexOf(needle) + 1);
  const hoverP95 = async (pos: vscode.Position) => {
    await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
    const times: number[] = [];
    for (let i = 0; i < HOVERS; i++) {
      const t0 = performance.now();
      await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
      times.push(performance.now() - t0);
    }
    return percentile(times.sort((a, b) => a - b), 95);
  };
  const ours = await hoverP95(at('kTensorArenaSize'));
  const floor = await hoverP95(at('comment'));
  figure(`arena hover p95 over ${HOVERS} hovers`, ours, BUDGET.hoverP95Ms, `anchor: the same round trip over a comment (no TinyML hover) p95 ${floor.toFixed(1)} ms`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function quantizeStall(): Promise<void> {
  const dir = path.join(root(), 'bench-quantize');
  fs.mkdirSync(dir, { recursive: true });
  const model = path.join(dir, 'sensor.tflite');
  const data = path.join(dir, 'calibration.npy');
  fs.writeFileSync(model, writeModel(buildSensorAnomalyModel()));
  const r = seededRandom(3);
  fs.writeFileSync(data, writeNpy([200, SENSOR_BINS], Float32Array.from({ length: 200 * SENSOR_BINS }, (_, i) => Math.exp(-((i % SENSOR_BINS) / 16)) * (0.5 + r()))));
  const args: QuantizeCommandArgs = { model, data, ifExists: 'overwrite' };
  const result = await vscode.commands.executeCommand<QuantizeCommandResult>('tinyml.quantizeModel', args);
  if (result?.status !== 'written' || result.hostMaxBlockMs === undefined) throw new Error(`quantize: ${result?.status} ${result?.message ?? ''}`);
  figure('quantize int8: longest extension-host stall', result.hostMaxBlockMs, BUDGET.hostStallMs, `anchor: the whole command took ${result.durationMs} ms`);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export async function run(): Promise<void> {
  let failed = 0;
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      failed++;
      console.log(`${name}: could not be measured: ${e instanceof Error ? e.message : String(e)}`);
      outcomes.push({ name, status: 'failed', ms: 0, detail: String(e) });
    }
  };
  let api: TinymlApi | undefined;
  await step('activation', async () => { api = await activation(); });
  if (api) {
    const a = api;
    await step('inspector', () => inspectorFirstPaint(a));
    await step('graph', () => graphFirstPaint(a));
  }
  await step('hover', hoverLatency);
  await step('quantize', quantizeStall);
  const results: SuiteResults = { passed: outcomes.filter((o) => o.status === 'passed').length, failed, skipped: 0, tests: outcomes };
  const file = process.env.TINYML_IT_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 1));
}
