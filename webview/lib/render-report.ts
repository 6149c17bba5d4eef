/**
 * Test runs only: what the page shows, read back from its DOM (RenderReport, src/protocol/inspector.ts). The page
 * calls this only when the extension asked for reports (`data-report-renders` on #app, set in ExtensionMode.Test);
 * a user's inspector never scans its DOM.
 */
import type { GraphReport, RenderReport, ViewName } from '../../src/protocol/inspector';

/** What the page's own state adds to what the DOM shows. */
export interface PageState {
  kind: RenderReport['kind'];
  reason: RenderReport['reason'];
  version: number;
  view: ViewName;
  subgraph: number;
  tableRowCount: number;
  /** performance.now() when the message that caused this render arrived. */
  started: number;
  requestId?: number;
  /** <script> elements in the document before we rendered anything (ours, and any the webview host adds). */
  baselineScripts: number;
  /** The longest task seen since `started` (PerformanceObserver 'longtask'). */
  longestTaskMs?: number;
  longTasks?: { start: number; ms: number }[];
  /** The Graph view's figures, when it is shown (it draws on a canvas). */
  graph?: GraphReport;
}

/** Tags and attributes our code never creates: finding one means a model string was parsed as markup. */
const FOREIGN_TAGS = /^(script|img|iframe|object|embed|b|i|u|style|link|svg:script|a|form|input|video|audio)$/i;

export function readRenderReport(app: HTMLElement, state: PageState): RenderReport {
  const rows = (id: string) => app.querySelectorAll(`[data-rows="${id}"] tbody tr, ul[data-rows="${id}"] li`).length;
  const column = (id: string, n: number) => [...app.querySelectorAll(`[data-rows="${id}"] tbody tr td:nth-child(${n})`)].map((td) => td.textContent ?? '');
  const weightsEl = app.querySelector('[data-weights]');
  const quant = app.querySelector('[data-quantization]');
  const stat = (name: string) => weightsEl?.querySelector(`[data-stat="${name}"] dd`)?.textContent ?? '';
  let foreign = 0;
  for (const node of app.querySelectorAll('*')) {
    if (FOREIGN_TAGS.test(node.tagName) || [...node.attributes].some((a) => a.name.toLowerCase().startsWith('on'))) foreign++;
  }
  return {
    kind: state.kind,
    reason: state.reason,
    version: state.version,
    view: state.view,
    subgraph: state.subgraph,
    heading: app.querySelector('h1')?.textContent ?? '',
    inputRows: rows('inputs'),
    inputNames: [...app.querySelectorAll('[data-rows="inputs"] tbody tr td:first-child')].map((td) => td.textContent ?? ''),
    outputRows: rows('outputs'),
    opcodeRows: rows('opcodes'),
    operatorOpcodes: column('operators', 2),
    tensorNames: column('tensors', 2),
    tableRowCount: state.tableRowCount,
    graphNodes: Number(app.querySelector('[data-graph-nodes]')?.getAttribute('data-graph-nodes') ?? 0),
    graphEdges: Number(app.querySelector('[data-graph-edges]')?.getAttribute('data-graph-edges') ?? 0),
    ...(weightsEl ? { weights: {
      tensor: Number(weightsEl.getAttribute('data-weights')), count: Number(stat('values').replace(/,/g, '')),
      bins: app.querySelectorAll('.weights-panel svg .bar').length, min: stat('min'), max: stat('max'),
    } } : {}),
    arenaText: app.querySelector('[data-arena]')?.textContent ?? '',
    fitText: app.querySelector('[data-fit]')?.textContent ?? '',
    memoryPlan: { text: app.querySelector('.arena-plan')?.textContent ?? '', buffers: app.querySelectorAll('.arena-plan svg rect').length },
    operatorLatencies: [...app.querySelectorAll('[data-rows="operators"] tbody tr td.latency')].map((td) => td.textContent ?? ''),
    actions: [...app.querySelectorAll('[data-action]')].map((b) => b.textContent ?? ''),
    ...(quant ? { quantization: {
      layerBars: quant.querySelectorAll('[data-quant-layer]').length, scatterPoints: quant.querySelectorAll('svg.scatter .point').length,
      recipeRows: quant.querySelectorAll('[data-rows="recipe"] tbody tr').length, keptRows: quant.querySelectorAll('[data-rows="kept"] tbody tr').length,
      text: quant.textContent ?? '',
    } } : {}),
    foreignElements: foreign + document.querySelectorAll('script').length - state.baselineScripts,
    errorText: app.querySelector('.error')?.textContent ?? '',
    renderMs: performance.now() - state.started,
    ...(state.longestTaskMs !== undefined ? { longestTaskMs: state.longestTaskMs } : {}),
    ...(state.longTasks ? { longTasks: state.longTasks } : {}),
    ...(state.graph ? { graph: state.graph } : {}),
    ...(state.requestId !== undefined ? { requestId: state.requestId } : {}),
  };
}
