/**
 * The model inspector page (bundled to dist/webview.js). It receives the view model from the extension and renders
 * six views in tabs; views are built when first shown. Everything from the model (names, opcodes, descriptions) is
 * set as text, never parsed as HTML. In test runs only, it reports what each render put on the page back to the extension.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatBytes } from '../src/core/common/format';
import { savedReportOverlay } from '../src/core/inspector/graph-overlays';
import { parseSavedReport } from '../src/core/quantize/saved-report';
import type {
  ChannelQuant, FitUnavailable, FitView, GraphOverlay, InspectorAction, InspectorDetails, InspectorMessage, InspectorView, RenderReport, RevealTarget, SavedQuantizationReport, ViewName, WebviewMessage,
} from '../src/protocol/inspector';
import { actionBar } from './actions';
import type { PageContext, PageView } from './context';
import { el } from './dom';
import { readRenderReport } from './lib/render-report';
import { VIEW_NAMES } from './lib/view-names';
import './inspector.css';
import { GraphView, prepareGraphLayout } from './views/graph';
import { MemoryView } from './views/memory';
import { OperatorsView } from './views/operators';
import { OverviewView } from './views/overview';
import { QuantizationView } from './views/quantization';
import { TensorsView } from './views/tensors';
import { WeightsView } from './views/weights';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

const TAB_LABELS: Record<ViewName, string> = {
  overview: 'Overview', operators: 'Operators', tensors: 'Tensors', graph: 'Graph', weights: 'Weights', memory: 'Memory', quantization: 'Quantization',
};

interface Loaded {
  fileName: string;
  version: number;
  view: InspectorView;
  details?: InspectorDetails;
  /** Graph overlays from the extension, by subgraph. */
  overlays?: Map<number, GraphOverlay[]>;
  fit?: FitView | FitUnavailable;
  actions?: InspectorAction[];
  /** The saved quantization report beside the model (parsed from the message's text): the Quantization tab exists only with one. */
  report?: SavedQuantizationReport;
  /** The details came without the arena plan (`planDeferred`): 'deferred' until asked, 'asked' until it arrives. */
  plan?: 'deferred' | 'asked';
}

/** The tabs this model has: the Quantization tab only when a report was found. */
const tabNames = (l: Loaded): ViewName[] => VIEW_NAMES.filter((n) => n !== 'quantization' || l.report !== undefined);
const runAction = (action: InspectorAction): void => vscode.postMessage({ type: 'action', action });

let loaded: Loaded | undefined;
let errorVersion = 0;
const saved = (vscode.getState() as { active?: ViewName; subgraph?: number } | undefined) ?? {};
let active: ViewName = saved.active && VIEW_NAMES.includes(saved.active) ? saved.active : 'overview';
let subgraph = saved.subgraph ?? 0;
let views = new Map<ViewName, PageView>();
let panels = new Map<ViewName, HTMLElement>();
let tabs: (HTMLElement & { selectedIndex?: number }) | undefined;
/** A render report waiting for an asynchronous drawing (graph layout, weights) to finish. */
let awaiting: { reason: RenderReport['reason']; started: number; requestId?: number } | undefined;
/** Expanded per-channel cells waiting for their lists, by `subgraph:tensor`. */
const channelRequests = new Map<string, (quant: ChannelQuant) => void>();
/** Test runs only (set by the extension in ExtensionMode.Test): report what each render put on the page. */
const reportRenders = app.dataset.reportRenders === 'on';
/** Scripts in the document before we rendered anything (ours, and any the webview host adds); counted for reports only. */
const baselineScripts = reportRenders ? document.querySelectorAll('script').length : 0;
/** Test runs only: the page's long tasks (≥ 50 ms), start and duration, for RenderReport.longestTaskMs. */
const longTasks: { start: number; ms: number }[] = [];
if (reportRenders && typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push({ start: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
}

function remember(): void {
  vscode.setState({ active, subgraph });
}

function context(l: Loaded): PageContext {
  return {
    fileName: l.fileName,
    view: l.view,
    get details() { return loaded?.details; },
    get fit() { return loaded?.fit; },
    get arenaPlanPending() { return loaded?.plan !== undefined; },
    requestArenaPlan: () => {
      if (loaded?.plan !== 'deferred') return;
      loaded.plan = 'asked';
      vscode.postMessage({ type: 'arenaPlan' });
    },
    chooseBoard: () => vscode.postMessage({ type: 'chooseBoard' }),
    subgraph: l.view.subgraphs[subgraph] ?? l.view.subgraphs[0]!,
    reveal: (target) => reveal(target),
    copy: (format, text, rows) => vscode.postMessage({ type: 'copy', format, text, rows }),
    requestWeights: (tensor) => vscode.postMessage({ type: 'weights', subgraph, tensor }),
    requestChannels: (tensor, done) => {
      channelRequests.set(`${subgraph}:${tensor}`, done);
      vscode.postMessage({ type: 'channels', subgraph, tensor });
    },
    overlays: () => loaded?.overlays?.get(subgraph) ?? [],
    drawn: (reason) => {
      // A pending weights report waits for the weights; a pending paint or view report for whichever drawing ends.
      if (!awaiting || (awaiting.reason === 'weights' && reason !== 'weights')) return;
      const pending = awaiting;
      awaiting = undefined;
      reportAfterPaint(pending.reason, pending.started, pending.requestId);
    },
  };
}

function createView(name: ViewName, ctx: PageContext): PageView {
  switch (name) {
    case 'overview': return new OverviewView(ctx);
    case 'operators': return new OperatorsView(ctx);
    case 'tensors': return new TensorsView(ctx);
    case 'graph': return new GraphView(ctx);
    case 'weights': return new WeightsView(ctx);
    case 'memory': return new MemoryView(ctx);
    case 'quantization': return new QuantizationView(ctx, loaded!.report!);
  }
}

function viewFor(name: ViewName): PageView {
  let v = views.get(name);
  if (!v) {
    v = createView(name, context(loaded!));
    views.set(name, v);
    panels.get(name)!.replaceChildren(v.element);
  }
  return v;
}

function showTab(name: ViewName): PageView {
  active = name;
  remember();
  const index = loaded ? tabNames(loaded).indexOf(name) : VIEW_NAMES.indexOf(name);
  if (tabs && tabs.selectedIndex !== index) tabs.selectedIndex = index;
  const v = viewFor(name);
  v.shown?.();
  return v;
}

function subgraphPicker(l: Loaded): HTMLElement | null {
  if (l.view.subgraphs.length <= 1) return null;
  const select = el('vscode-single-select', { 'aria-label': 'Subgraph', class: 'subgraph-select' },
    ...l.view.subgraphs.map((g) => el('vscode-option', { value: String(g.index), ...(g.index === subgraph ? { selected: '' } : {}) },
      `${g.index}: ${g.name ?? (g.index === 0 ? 'main' : 'subgraph')} (${g.operators.length} ops)`))) as HTMLElement & { value: string };
  select.addEventListener('change', () => {
    subgraph = Number(select.value);
    remember();
    build(l, active);
    reportAfterPaint('view', performance.now());
  });
  return el('label', { class: 'subgraph' }, 'Subgraph ', select);
}

function build(l: Loaded, wanted: ViewName): void {
  const names = tabNames(l);
  const show = names.includes(wanted) ? wanted : 'overview';
  views = new Map();
  panels = new Map();
  const s = l.view.summary;
  const sg = l.view.subgraphs[subgraph] ?? l.view.subgraphs[0]!;
  const header = el('header', { class: 'page-header' },
    el('h1', {}, l.fileName),
    el('span', { class: 'muted' }, `${formatBytes(s.fileBytes ?? 0)} · schema v${s.schemaVersion} · ${sg.operators.length} operators · ${sg.tensors.length} tensors`),
    el('span', { class: 'spacer' }),
    actionBar(l.actions, runAction),
    subgraphPicker(l));
  tabs = el('vscode-tabs', { 'selected-index': String(names.indexOf(show)) });
  for (const name of names) {
    const panel = el('vscode-tab-panel', { 'data-view': name });
    panels.set(name, panel);
    tabs.append(el('vscode-tab-header', { slot: 'header', 'data-view': name }, TAB_LABELS[name]), panel);
  }
  tabs.addEventListener('vsc-tabs-select', (e) => {
    const name = names[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex];
    if (name && name !== active) {
      const started = performance.now();
      showTab(name);
      if (!needsAsyncDraw(name)) reportAfterPaint('view', started);
      else awaiting = { reason: 'view', started };
    }
  });
  app.replaceChildren(header, tabs);
  viewFor('overview');
  showTab(show);
}

function needsAsyncDraw(name: ViewName): boolean {
  return name === 'graph' && !(views.get('graph') as GraphView).laidOut;
}

/** Shows a view (click-through inside the page, or a request from the extension) and reports what it rendered. */
function reveal(target: RevealTarget): void {
  if (!loaded) return;
  const started = performance.now();
  if (target.subgraph !== undefined && target.subgraph !== subgraph && loaded.view.subgraphs[target.subgraph]) {
    subgraph = target.subgraph;
    remember();
    build(loaded, target.view);
  }
  if (!tabNames(loaded).includes(target.view)) target = { ...target, view: 'overview' };
  const wantsWeights = target.view === 'weights' && target.index !== undefined;
  const requestId = target.requestId;
  // Set before drawing: a view whose data is at hand reports synchronously from inside select().
  awaiting = wantsWeights ? { reason: 'weights', started, requestId } : undefined;
  const v = showTab(target.view);
  if (!wantsWeights && needsAsyncDraw(target.view)) awaiting = { reason: 'view', started, requestId };
  if (target.overlay !== undefined) v.setOverlay?.(target.overlay);
  if (target.filter !== undefined) v.setFilter?.(target.filter);
  if (target.index !== undefined) v.select?.(target.index);
  if (target.copy) v.copy?.(target.copy);
  if (!awaiting && !wantsWeights) reportAfterPaint('view', started, requestId);
}

function renderError(fileName: string, title: string, message: string, actions?: InspectorAction[]): void {
  views = new Map();
  app.replaceChildren(
    el('header', { class: 'page-header' }, el('h1', {}, fileName), el('span', { class: 'spacer' }), actionBar(actions, runAction)),
    el('div', { class: 'error', role: 'alert' }, el('h2', {}, title), el('p', { class: 'error-message' }, message)),
  );
}

/**
 * Test runs only: after the browser has painted (next frame, then a task), tells the extension what is on the page.
 * In the product the extension does not ask for reports and nothing is scheduled.
 */
function reportAfterPaint(reason: RenderReport['reason'], started: number, requestId?: number): void {
  if (!reportRenders) return;
  requestAnimationFrame(() => setTimeout(() => {
    const graphView = active === 'graph' ? views.get('graph') as GraphView | undefined : undefined;
    const report = readRenderReport(app, {
      kind: loaded ? 'summary' : 'error', reason, version: loaded?.version ?? errorVersion, view: active, subgraph,
      tableRowCount: views.get(active)?.rowCount ?? 0, started, baselineScripts, ...(requestId !== undefined ? { requestId } : {}),
      longestTaskMs: longTasks.filter((t) => t.start + t.ms >= started).reduce((m, t) => Math.max(m, t.ms), 0),
      longTasks: longTasks.filter((t) => t.start + t.ms >= started),
      ...(graphView?.laidOut ? { graph: graphView.testFigures() } : {}),
    });
    vscode.postMessage({ type: 'rendered', report });
  }, 0));
}

/** A big model's view model arriving in parts (`modelShell`, then `modelPart`s): what has come so far. */
let shell: { msg: Extract<InspectorMessage, { type: 'modelShell' }>; subgraphs: Record<string, unknown>[]; remaining: number; started: number } | undefined;

function modelArrived(msg: Extract<InspectorMessage, { type: 'model' }>, started: number): void {
  const report = msg.reportJson !== undefined ? parseSavedReport(msg.reportJson) : undefined;
  loaded = { fileName: msg.fileName, version: msg.version, view: msg.view, ...(msg.actions ? { actions: msg.actions } : {}), ...(report ? { report } : {}) };
  // The last quantization's per-layer SQNR as a graph overlay of the main subgraph.
  const main = msg.view.subgraphs[0];
  const sqnr = report && main ? savedReportOverlay(main, report) : undefined;
  if (sqnr) loaded.overlays = new Map([[0, [sqnr]]]);
  if (!msg.view.subgraphs[subgraph]) subgraph = 0;
  build(loaded, active);
  app.removeAttribute('aria-busy');
  // The graph is laid out in the worker meanwhile, so the Graph tab opens on a finished layout.
  const shown = msg.view.subgraphs[subgraph];
  if (shown) setTimeout(() => prepareGraphLayout(shown), 0);
  if (needsAsyncDraw(active)) awaiting = { reason: 'paint', started };
  else reportAfterPaint('paint', started);
}

window.addEventListener('message', (event: MessageEvent<InspectorMessage>) => {
  const msg = event.data;
  const started = performance.now();
  switch (msg.type) {
    case 'modelShell':
      shell = { msg, subgraphs: msg.subgraphs.map((sg) => ({ ...sg })), remaining: msg.parts, started };
      break;
    case 'modelPart': {
      if (!shell || shell.msg.version !== msg.version) return;
      const part = shell.subgraphs[msg.subgraph] as Record<string, unknown> | undefined;
      if (part) part[msg.key] = msg.value;
      if (--shell.remaining > 0) return;
      const { msg: m, subgraphs, started: first } = shell;
      shell = undefined;
      modelArrived({ type: 'model', fileName: m.fileName, version: m.version, view: { summary: m.summary, subgraphs: subgraphs as unknown as InspectorView['subgraphs'] }, ...(m.actions ? { actions: m.actions } : {}), ...(m.reportJson !== undefined ? { reportJson: m.reportJson } : {}) }, first);
      break;
    }
    case 'model':
      modelArrived(msg, started);
      break;
    case 'details':
      if (!loaded || msg.version !== loaded.version) return;
      loaded.details = msg.details;
      if (msg.planDeferred) loaded.plan = 'deferred';
      else delete loaded.plan;
      for (const v of views.values()) v.detailsArrived?.();
      reportAfterPaint('details', started);
      break;
    case 'arenaPlan': {
      const est = loaded?.details?.arena.ok ? loaded.details.arena.estimate : undefined;
      if (!loaded || msg.version !== loaded.version || !est) return;
      est.buffers = msg.buffers;
      est.timeline = msg.timeline;
      delete loaded.plan;
      views.get('memory')?.detailsArrived?.();
      break;
    }
    case 'fit':
      if (!loaded || msg.version !== loaded.version) return;
      loaded.fit = msg.fit ?? msg.unavailable;
      for (const v of views.values()) v.fitArrived?.();
      reportAfterPaint('fit', started);
      break;
    case 'error':
      loaded = undefined;
      errorVersion = msg.version;
      renderError(msg.fileName, msg.title, msg.message, msg.actions);
      app.removeAttribute('aria-busy');
      reportAfterPaint('paint', started);
      break;
    case 'weights': {
      if (msg.subgraph !== subgraph) return;
      const w = views.get('weights') as WeightsView | undefined;
      w?.received(msg.tensor, msg.stats ?? msg.error ?? 'no values');
      break;
    }
    case 'channels': {
      const key = `${msg.subgraph}:${msg.tensor}`;
      const done = channelRequests.get(key);
      channelRequests.delete(key);
      if (done && msg.quant) done(msg.quant);
      break;
    }
    case 'reveal':
      reveal(msg.target);
      break;
    case 'overlay': {
      if (!loaded || msg.version !== loaded.version) return;
      loaded.overlays ??= new Map();
      const list = (loaded.overlays.get(msg.subgraph) ?? []).filter((o) => o.id !== msg.overlay.id);
      loaded.overlays.set(msg.subgraph, [...list, msg.overlay]);
      if (msg.subgraph === subgraph) views.get('graph')?.overlayArrived?.(msg.overlay);
      break;
    }
  }
});

vscode.postMessage({ type: 'ready' });
