/**
 * The read-only custom editor for .tflite files (viewType `tinyml.modelInspector`). Each open file is read once per
 * version on disk: the model and its view model are built in two short steps (yielding to the extension host in
 * between), posted to every webview showing the file, and followed by the arena estimate and TFLite Micro check.
 * A tensor's values are summarised only when a webview asks. The file is watched: saving a new version refreshes the
 * page. A file that is not a model shows the reason as text instead of a blank page.
 */
import { randomBytes } from 'node:crypto';
import { FileError } from '../../core/io/file-error';
import { MODEL_FILE_LIMIT, readFileBoundedAsync } from '../../core/io/bounded-read';
import * as vscode from 'vscode';
import type { InspectorDetails, InspectorView } from '../../core/inspector/view';
import type { Model } from '../../core/tflite';
import type { InspectorAction, InspectorMessage, SubgraphPartKey, WebviewMessage } from '../../protocol/inspector';
import type { FitService } from '../fit/fit-service';
import { CHOOSE_BOARD_COMMAND } from '../fit/register';
import type { DetailsJob, DetailsJobResult } from './details-job';
import type { InspectorRenderReports } from './render-reports';
import { failure, inspectorView, loadModelFile, modelActions, preloadAnalysis, readSavedReport } from './read-summary';
import { inspectorHtml } from './webview-html';
import { readSettings } from '../common/settings';
import { arenaOptionsKey } from '../../core/arena/options-key';

export const INSPECTOR_VIEW_TYPE = 'tinyml.modelInspector';

/** How long each synchronous step of the last load took, in milliseconds (the host is blocked during each). */
export interface InspectorHostTimings {
  fileBytes: number;
  readFileMs: number;
  loadModelMs: number;
  /** Loading the analysis modules (first file only). */
  requireMs: number;
  buildViewMs: number;
  /** The arena estimate and the TFLite Micro check, each its own step after the first paint. */
  arenaMs?: number;
  tflmMs?: number;
  /** True when those two ran in the inspector worker (their time did not block the host). */
  detailsInWorker?: boolean;
  /** The fit on the board (RAM, flash, latency, suggestions), a step after the details. */
  fitMs?: number;
  /** The longest single synchronous step. */
  maxBlockMs: number;
}

type LoadedState =
  | { ok: true; model: Model; view: InspectorView; details?: InspectorDetails; actions: InspectorAction[]; reportJson?: string }
  | { ok: false; title: string; message: string };

/** Above this many operators the view model goes to the page in parts (`modelShell`, `modelPart`). */
const SPLIT_VIEW_OPERATORS = 2000;
/**
 * Above this many operators the arena estimate and the TFLite Micro check run in the inspector worker: below it they
 * take a few ms on the host (hand_landmark_lite, 167 operators: 4–7 ms), less than starting a worker (about 140 ms);
 * pose_landmark_heavy (689) took 130 ms, 5,000 operators over a second.
 */
const DETAILS_IN_WORKER_OPERATORS = 300;

/** A details run and the arena settings it is for. */
interface DetailsRun { key: string; done: Promise<void> }

const operatorCount = (view: InspectorView): number => view.subgraphs.reduce((n, sg) => n + sg.operators.length, 0);

/**
 * Above this many plan entries (buffers + timeline) the arena plan is sent only when the Memory tab asks for it: at
 * 5,000 operators it is 1.2 MB, and receiving it held the page for up to ~450 ms on a loaded machine.
 */
const DEFER_PLAN_ENTRIES = 2000;

/** Lets pending messages and input run between the synchronous steps of a load. */
const yieldToHost = () => new Promise<void>((resolve) => setImmediate(resolve));

class ModelDocument implements vscode.CustomDocument {
  readonly fileName: string;
  version = 0;
  state: Promise<LoadedState>;
  /** The details' run for the current version: `key` names the arena settings it is for. */
  details?: DetailsRun;
  timings?: InspectorHostTimings;
  readonly panels = new Set<vscode.WebviewPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private reloadTimer?: NodeJS.Timeout;
  /** Size and modification time of the version being shown. */
  private loadedStamp?: string;

  constructor(readonly uri: vscode.Uri, private readonly fit?: () => FitService) {
    this.fileName = uri.path.split('/').pop() ?? uri.path;
    this.state = this.load();
    // Watch the file itself: its folder need not be in the workspace.
    const folder = vscode.Uri.joinPath(uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, this.fileName));
    const changed = () => this.scheduleReload();
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed));
  }

  /** Converters and copies write in several chunks: wait until the file has been quiet briefly. */
  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reloadIfChanged(), 150);
  }

  /** Watchers also report writes that happened just before the file was opened: reload only for a new version. */
  private async reloadIfChanged(): Promise<void> {
    const stat = await fileStamp(this.uri);
    if (stat && stat === this.loadedStamp) return;
    this.version++;
    this.state = this.load();
    this.details = undefined;
    for (const panel of this.panels) void sendState(this, panel.webview, this.fit);
  }

  private async load(): Promise<LoadedState> {
    const t0 = performance.now();
    let bytes: Uint8Array;
    this.loadedStamp = await fileStamp(this.uri);
    try {
      // Node reads a local file several times faster than the workspace file system API (27.7 MB: ~20 vs ~200 ms).
      // Bounded: a regular file within the 2 GiB FlatBuffers limit, never a FIFO or device.
      bytes = this.uri.scheme === 'file' ? await readFileBoundedAsync(this.uri.fsPath, MODEL_FILE_LIMIT, this.fileName) : await vscode.workspace.fs.readFile(this.uri);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return { ok: false, title: 'Cannot read the file', message: err instanceof FileError ? detail : `${this.fileName}: ${detail}` };
    }
    const t1 = performance.now();
    const loaded = loadModelFile(bytes, this.fileName);
    const t2 = performance.now();
    if (!loaded.ok) return loaded;
    await yieldToHost();
    // Loading the analysis modules is a step of its own the first time (tens of milliseconds in a busy host).
    const tm = performance.now();
    preloadAnalysis();
    const requireMs = performance.now() - tm;
    await yieldToHost();
    const t3 = performance.now();
    let view: InspectorView;
    try {
      view = inspectorView(loaded.model, loaded.warnings, bytes.length);
    } catch (err) {
      return failure(this.fileName, err);
    }
    const t4 = performance.now();
    this.timings = {
      fileBytes: bytes.length, readFileMs: t1 - t0, loadModelMs: t2 - t1, requireMs, buildViewMs: t4 - t3,
      maxBlockMs: Math.max(t2 - t1, requireMs, t4 - t3),
    };
    // The report beside the model (written with it by Quantize Model): read after the view, never blocking it.
    const reportJson = this.uri.scheme === 'file' ? await readSavedReport(this.uri.fsPath) : undefined;
    return { ok: true, model: loaded.model, view, actions: modelActions(loaded.model), ...(reportJson ? { reportJson } : {}) };
  }

  /**
   * The arena estimate and compatibility check, once per version and per build the `tinyml.arena.*` settings
   * describe (read here, for this file, as the hover reads them for a source file), after the view model went out:
   * in the inspector worker for a big local model (DETAILS_IN_WORKER_OPERATORS), else on the host in three short
   * steps. A run for settings that changed meanwhile does not replace the newer one's figures.
   */
  computeDetails(state: LoadedState & { ok: true }): DetailsRun {
    const arenaOptions = readSettings(this.uri).arena;
    const key = arenaOptionsKey(arenaOptions);
    if (this.details?.key === key) return this.details;
    const run: DetailsRun = { key, done: Promise.resolve() };
    this.details = run;
    const settle = (details: InspectorDetails): boolean => {
      if (this.details !== run) return false;
      state.details = details;
      return true;
    };
    run.done = (async () => {
      if (this.uri.scheme === 'file' && operatorCount(state.view) > DETAILS_IN_WORKER_OPERATORS) {
        try {
          const { runWorkerJob } = require('../common/worker-rpc') as typeof import('../common/worker-rpc');
          const { INSPECTOR_WORKER } = require('./inspector-worker-spec') as typeof import('./inspector-worker-spec');
          const r = await runWorkerJob<DetailsJob, DetailsJobResult>(INSPECTOR_WORKER, { kind: 'details', file: this.uri.fsPath, arena: arenaOptions });
          if (settle(r.details) && this.timings) { this.timings.arenaMs = r.arenaMs; this.timings.tflmMs = r.tflmMs; this.timings.detailsInWorker = true; }
          return;
        } catch {
          // The worker could not start or read the file: the same steps here.
        }
      }
      // Three short steps instead of one long one: loading the modules, the arena estimate, the TFLM check.
      await yieldToHost();
      const step = <T>(fn: () => T): { value: T; ms: number } => {
        const t0 = performance.now();
        const value = fn();
        return { value, ms: performance.now() - t0 };
      };
      const modules = step(() => require('../../core/inspector/view') as typeof import('../../core/inspector/view'));
      await yieldToHost();
      const arena = step(() => modules.value.arenaForView(state.model, arenaOptions));
      await yieldToHost();
      const tflm = step(() => modules.value.checkTflmCompatibility(state.model, arenaOptions.kernels));
      if (settle({ arena: arena.value, tflm: tflm.value }) && this.timings) {
        this.timings.arenaMs = arena.ms;
        this.timings.tflmMs = tflm.ms;
        this.timings.maxBlockMs = Math.max(this.timings.maxBlockMs, modules.ms, arena.ms, tflm.ms);
      }
    })();
    return run;
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const d of this.disposables) d.dispose();
  }
}

async function fileStamp(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return `${stat.size}:${stat.mtime}`;
  } catch {
    return undefined;
  }
}

/** Posts the document's current version to one webview: the view model (or error), then the details, then the fit. */
async function sendState(doc: ModelDocument, webview: vscode.Webview, fit?: () => FitService): Promise<void> {
  const version = doc.version;
  const state = await doc.state;
  if (version !== doc.version) return; // a newer version is on its way
  if (!state.ok) {
    await post(webview, { type: 'error', fileName: doc.fileName, version, title: state.title, message: state.message, actions: ['reopenText'] });
    return;
  }
  if (operatorCount(state.view) <= SPLIT_VIEW_OPERATORS) {
    await post(webview, { type: 'model', fileName: doc.fileName, version, view: state.view, actions: state.actions, ...(state.reportJson ? { reportJson: state.reportJson } : {}) });
  } else {
    // In parts, the smallest last: the page decodes each in a task of its own and builds the view after the last.
    const keys: SubgraphPartKey[] = ['graph', 'tensors', 'operators', 'activations'];
    const subgraphs = state.view.subgraphs.map(({ operators: _o, tensors: _t, graph: _g, activations: _a, ...rest }) => rest);
    await post(webview, { type: 'modelShell', fileName: doc.fileName, version, summary: state.view.summary, subgraphs, parts: keys.length * subgraphs.length, actions: state.actions, ...(state.reportJson ? { reportJson: state.reportJson } : {}) });
    for (const key of keys) {
      for (const sg of state.view.subgraphs) await post(webview, { type: 'modelPart', version, subgraph: sg.index, key, value: sg[key] });
    }
  }
  await sendDetails(doc, webview);
  if (fit) await sendFit(doc, webview, fit());
}

/** The details for the current version and arena settings: after the view model, and again when a setting changes. */
async function sendDetails(doc: ModelDocument, webview: vscode.Webview): Promise<void> {
  const version = doc.version;
  const state = await doc.state;
  if (!state.ok || version !== doc.version) return;
  const run = doc.computeDetails(state);
  await run.done;
  // A run superseded by a settings change leaves the posting to the newer run's caller.
  if (version !== doc.version || !state.details || doc.details !== run) return;
  const plan = state.details.arena.ok ? state.details.arena.estimate : undefined;
  if (plan && plan.buffers.length + plan.timeline.length > DEFER_PLAN_ENTRIES) {
    // The page takes the figures now and the Memory tab's plan only when that tab asks (an `arenaPlan` request).
    const figures = { ...state.details, arena: { ok: true as const, estimate: { ...plan, buffers: [], timeline: [] } } };
    await post(webview, { type: 'details', version, details: figures, planDeferred: true });
  } else {
    await post(webview, { type: 'details', version, details: state.details });
  }
}

/** The fit of the document's model on the current board, one step of its own after the details. */
async function sendFit(doc: ModelDocument, webview: vscode.Webview, fit: FitService): Promise<void> {
  const version = doc.version;
  const state = await doc.state;
  if (!state.ok || version !== doc.version) return;
  await yieldToHost();
  const t0 = performance.now();
  // A local file's fit runs in the inspector worker; only another scheme's holds this thread.
  const inWorker = doc.uri.scheme === 'file';
  const result = inWorker
    ? await fit.fitForFile(doc.uri.fsPath, state.model, state.view.summary.fileBytes ?? 0)
    : fit.fitFor(state.model, state.view.summary.fileBytes ?? 0);
  const ms = performance.now() - t0;
  if (doc.timings) {
    doc.timings.fitMs = ms;
    if (!inWorker) doc.timings.maxBlockMs = Math.max(doc.timings.maxBlockMs, ms);
  }
  if (version !== doc.version) return;
  await post(webview, result.ok ? { type: 'fit', version, fit: result.fit } : { type: 'fit', version, unavailable: { reason: result.reason } });
  if (result.ok) {
    // The same per-operator estimate as the Operators table's latency column, as a graph overlay.
    const { latencyOverlay } = require('../../core/inspector/graph-overlays') as typeof import('../../core/inspector/graph-overlays');
    const f = result.fit;
    for (const [i, sg] of state.view.subgraphs.entries()) {
      await post(webview, { type: 'overlay', version, subgraph: i, overlay: latencyOverlay(sg, i, f.operatorMs, `${f.board.id}, ${f.kernels} kernels, ${f.board.clockMhz} MHz (estimate)`) });
    }
  }
}

function post(webview: vscode.Webview, message: InspectorMessage): Thenable<boolean> {
  return webview.postMessage(message);
}

/**
 * The action bar's buttons: the same commands as the palette and the explorer menu, started from this model.
 * Compare with… opens the Compare view with this model as A.
 */
export async function runAction(uri: vscode.Uri, action: InspectorAction, test?: InspectorActionTestArgs): Promise<unknown> {
  switch (action) {
    case 'quantize':
      return vscode.commands.executeCommand('tinyml.quantizeModel', test?.commandArgs ?? uri);
    case 'export':
      return vscode.commands.executeCommand('tinyml.exportModel', test?.commandArgs ?? uri);
    case 'compare':
      // The Compare view (TinyML: Compare Models…) with this model as A; it asks for B.
      return vscode.commands.executeCommand('tinyml.compareModels', test?.compareWith ? { a: uri.fsPath, b: test.compareWith.fsPath } : uri);
    case 'reopenText':
      return vscode.commands.executeCommand('vscode.openWith', uri, 'default');
  }
}

/** Test runs only: the answers a dialog would give (the command's test arguments; the model to compare with). */
export interface InspectorActionTestArgs {
  commandArgs?: unknown;
  compareWith?: vscode.Uri;
}

export class ModelInspectorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  private readonly documents = new Map<string, ModelDocument>();

  private fitSubscription?: vscode.Disposable;
  private readonly arenaSettingsSubscription: vscode.Disposable;

  /**
   * `reports` only in test runs: then the webviews report what they render (src/extension/common/test-mode.ts).
   * `fit` gives the fit service (loaded on first call); without it the page has no Fit section.
   * A change of `tinyml.arena.*` re-sends the details (arena, TFLite Micro check) to the pages it affects.
   */
  constructor(private readonly extensionUri: vscode.Uri, private readonly reports?: InspectorRenderReports, private readonly fit?: () => FitService) {
    this.arenaSettingsSubscription = vscode.workspace.onDidChangeConfiguration((e) => {
      for (const doc of this.documents.values()) {
        if (!e.affectsConfiguration('tinyml.arena', doc.uri)) continue;
        for (const panel of doc.panels) void sendDetails(doc, panel.webview);
      }
    });
  }

  /** The fit service, subscribed once: a new board or kernel setting re-sends the fit to every open page. */
  private fitService = (): FitService => {
    const service = this.fit!();
    this.fitSubscription ??= service.onDidChange(() => {
      for (const doc of this.documents.values()) for (const panel of doc.panels) void sendFit(doc, panel.webview, service);
    });
    return service;
  };

  hostTimings(uri: vscode.Uri): InspectorHostTimings | undefined {
    return this.documents.get(uri.toString())?.timings;
  }

  /** The webviews showing `uri`. */
  webviews(uri: vscode.Uri): vscode.Webview[] {
    return [...(this.documents.get(uri.toString())?.panels ?? [])].map((p) => p.webview);
  }

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    const doc = new ModelDocument(uri, this.fit ? this.fitService : undefined);
    this.documents.set(uri.toString(), doc);
    return doc;
  }

  async resolveCustomEditor(doc: ModelDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    doc.panels.add(panel);

    // Post only once the webview listens. It says 'ready' again each time it is reloaded (hidden webviews are not
    // kept alive), so every 'ready' gets the current version. Subscribe before setting the HTML so none is missed.
    const subscription = webview.onDidReceiveMessage((msg: WebviewMessage) => this.onMessage(doc, webview, msg));
    panel.onDidDispose(() => {
      subscription.dispose();
      doc.panels.delete(panel);
      if (this.documents.get(doc.uri.toString()) === doc && doc.panels.size === 0) this.documents.delete(doc.uri.toString());
    });

    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      nonce: randomBytes(24).toString('base64url'),
      title: doc.fileName,
      reportRenders: this.reports !== undefined,
    });
    await doc.state;
  }

  private async onMessage(doc: ModelDocument, webview: vscode.Webview, msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        await sendState(doc, webview, this.fit ? this.fitService : undefined);
        break;
      case 'rendered':
        this.reports?.record(doc.uri, msg.report);
        break;
      case 'weights': {
        const state = await doc.state;
        const { subgraph, tensor } = msg;
        if (!state.ok) return;
        const { weightStats } = require('../../core/inspector/weight-stats') as typeof import('../../core/inspector/weight-stats');
        try {
          await post(webview, { type: 'weights', subgraph, tensor, stats: weightStats(state.model, subgraph, tensor) });
        } catch (err) {
          await post(webview, { type: 'weights', subgraph, tensor, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      }
      case 'arenaPlan': {
        // The version asked about: a reload meanwhile must not label the old model's plan with the new version.
        const version = doc.version;
        const state = await doc.state;
        await doc.details?.done;
        if (version !== doc.version) return;
        const est = state.ok && state.details?.arena.ok ? state.details.arena.estimate : undefined;
        if (est) await post(webview, { type: 'arenaPlan', version, buffers: est.buffers, timeline: est.timeline });
        break;
      }
      case 'channels': {
        const state = await doc.state;
        if (!state.ok) return;
        const { channelQuant } = require('../../core/inspector/tables') as typeof import('../../core/inspector/tables');
        const quant = channelQuant(state.model, msg.subgraph, msg.tensor);
        await post(webview, { type: 'channels', subgraph: msg.subgraph, tensor: msg.tensor, ...(quant ? { quant } : {}) });
        break;
      }
      case 'chooseBoard':
        await vscode.commands.executeCommand(CHOOSE_BOARD_COMMAND);
        break;
      case 'action':
        await runAction(doc.uri, msg.action);
        break;
      case 'copy':
        await vscode.env.clipboard.writeText(msg.text);
        vscode.window.setStatusBarMessage(`Copied ${msg.rows} rows as ${msg.format === 'csv' ? 'CSV' : 'Markdown'}`, 4000);
        break;
    }
  }

  dispose(): void {
    this.reports?.dispose();
    this.fitSubscription?.dispose();
    this.arenaSettingsSubscription.dispose();
  }
}
