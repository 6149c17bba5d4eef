/**
 * The Compare page (bundled to dist/compare.js): two models side by side, each in the inspector's Graph view, above
 * the table of matched layers (core/inspector/compare.ts) with output shapes, MACs and weight bytes of both, and the
 * file and weight size difference. The per-layer SQNR arrives later from the compare worker (a progress bar with
 * Cancel meanwhile): it fills the table's SQNR column and colours the matched layers of both graphs with the Graph
 * tab's SQNR overlay (legend, value on hover). Selecting a layer in either graph or in the table selects its match on
 * the other side. In test runs only it tells the extension what it drew.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatBytes, formatCount, formatShape } from '../src/core/common/format';
import { layerWeightBytes } from '../src/core/inspector/compare';
import { sqnrOverlayOf } from '../src/core/inspector/graph-overlays';
import type { CompareMessage, ComparePageMessage, CompareSide, CompareSqnrResult, ModelComparison, SqnrState } from '../src/protocol/compare';
import type { PageContext } from './context';
import { el, linkButton, vscButton } from './dom';
import './inspector.css';
import { formatValue, GraphView } from './views/graph';

interface VsCodeApi { postMessage(message: ComparePageMessage): void }
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const reportRenders = app.dataset.reportRenders === 'on';

function percent(a: number, b: number): string {
  if (!a) return '';
  const d = ((b - a) / a) * 100;
  return ` (${d >= 0 ? '+' : ''}${d.toFixed(1)} %)`;
}

type Shown = Extract<CompareMessage, { type: 'compare' }>;

/** What the page does with the SQNR run's messages (set by render). */
let sqnrHandler: ((m: Exclude<CompareMessage, Shown>) => void) | undefined;

function render(msg: Shown): void {
  const { a, b, comparison: c } = msg;
  const bToA = new Map(c.matches.map((m) => [m.b, m.a]));
  const aToB = new Map(c.matches.map((m) => [m.a, m.b]));
  const graphs: GraphView[] = [];
  let syncing = false;
  const laidOut = new Set<number>();
  const rowsByA = new Map<number, HTMLElement>();
  let selectedRow: HTMLElement | undefined;

  const selectPair = (opA: number | undefined, opB: number | undefined, from: 'a' | 'b' | 'table') => {
    if (syncing || graphs.length < 2) return;
    syncing = true;
    if (from !== 'a' && opA !== undefined) graphs[0]!.select(opA);
    if (from !== 'b' && opB !== undefined) graphs[1]!.select(opB);
    syncing = false;
    selectedRow?.classList.remove('selected');
    selectedRow = opA !== undefined ? rowsByA.get(opA) : undefined;
    selectedRow?.classList.add('selected');
    // Scroll the table, not the page.
    const box = selectedRow?.closest('.compare-table') as HTMLElement | null | undefined;
    if (selectedRow && box && (selectedRow.offsetTop < box.scrollTop || selectedRow.offsetTop > box.scrollTop + box.clientHeight - 24)) box.scrollTop = selectedRow.offsetTop - 24;
    report();
  };

  const ctxFor = (s: CompareSide, which: 'a' | 'b'): PageContext => ({
    fileName: s.fileName,
    view: s.view,
    subgraph: s.view.subgraphs[0]!,
    // The compare page has only graphs: a click-through to an operator selects it in the same graph.
    reveal: (target) => { if (target.index !== undefined && (target.view === 'operators' || target.view === 'graph')) graphs[which === 'a' ? 0 : 1]?.select(target.index); },
    copy: () => undefined,
    requestWeights: () => undefined,
    requestChannels: () => undefined,
    chooseBoard: () => undefined,
    overlays: () => [],
    drawn: () => { laidOut.add(which === 'a' ? 0 : 1); report(); },
    selected: (op) => (which === 'a' ? selectPair(op, aToB.get(op), 'a') : selectPair(bToA.get(op), op, 'b')),
  });

  const ga = new GraphView(ctxFor(a, 'a'));
  const gb = new GraphView(ctxFor(b, 'b'));
  graphs.push(ga, gb);
  const header = el('header', { class: 'page-header compare-header' },
    el('h1', {}, `${a.fileName} ↔ ${b.fileName}`),
    el('span', { class: 'muted' }, `file ${formatBytes(c.fileBytes[0])} → ${formatBytes(c.fileBytes[1])}${percent(c.fileBytes[0], c.fileBytes[1])} · ` +
      `weights ${formatBytes(c.weightBytes[0])} → ${formatBytes(c.weightBytes[1])}${percent(c.weightBytes[0], c.weightBytes[1])} · ` +
      `${c.matches.length} layers matched, ${c.onlyA.length} only in A, ${c.onlyB.length} only in B`));
  const side = (s: CompareSide, g: GraphView, label: string) => el('div', { class: 'compare-side' }, el('h2', {}, `${label}: ${s.fileName}`), g.element);
  const sqnrCells: HTMLElement[] = [];
  const table = layerTable(msg, rowsByA, sqnrCells, (opA, opB) => selectPair(opA, opB, 'table'));
  // The SQNR run: progress with Cancel while it runs, then where its inputs came from.
  let sqnr: SqnrState = 'running';
  let inputs = '';
  let sqnrRows = 0;
  const bar = el('progress', { max: '1', value: '0', 'aria-label': 'Running both models' }) as HTMLProgressElement;
  const stage = el('span', { class: 'muted' }, 'Per-layer SQNR: starting both models…');
  const cancel = vscButton('Cancel', () => { vscode.postMessage({ type: 'cancelSqnr' }); cancel.setAttribute('disabled', ''); }, { secondary: true, title: 'Stop running the models: no per-layer SQNR' });
  const status = el('div', { class: 'sqnr-status', 'aria-live': 'polite' }, bar, stage, cancel);
  sqnrHandler = (m) => {
    if (m.type === 'sqnrProgress') {
      bar.max = Math.max(1, m.total);
      bar.value = m.done;
      stage.textContent = `Per-layer SQNR: ${m.stage} ${m.done}/${m.total}…`;
      return;
    }
    if (m.type === 'sqnrStopped') {
      sqnr = m.state;
      status.replaceChildren(el('span', { class: m.state === 'failed' ? 'error-message' : 'muted' }, m.message));
    } else {
      sqnr = 'done';
      inputs = m.result.inputs.kind;
      sqnrRows = showSqnr(m.result);
    }
    report();
  };

  function showSqnr(r: CompareSqnrResult): number {
    const exact = new Set(r.exact);
    const value = (k: number) => (exact.has(k) ? Infinity : r.sqnrDb[k] ?? null);
    const byA = new Map<number, number>();
    const byB = new Map<number, number>();
    c.matches.forEach((m, k) => {
      const v = value(k);
      sqnrCells[k]!.textContent = v === null ? '—' : formatValue({ unit: 'dB' }, v);
      if (v === null) return;
      byA.set(m.a, v);
      byB.set(m.b, v);
    });
    const quantized = r.reference === 'a' ? b.fileName : a.fileName;
    const reference = r.reference === 'a' ? a.fileName : b.fileName;
    const source = `${quantized} against ${reference} on ${r.inputs.kind === 'held-out' ? 'held-out samples' : 'seeded inputs'}`;
    for (const [g, s, values] of [[ga, a, byA], [gb, b, byB]] as const) {
      g.overlayArrived(sqnrOverlayOf(s.view.subgraphs[0]!.operators.length, values, source));
      g.setOverlay('sqnr');
    }
    status.replaceChildren(el('span', { class: 'muted' }, `Per-layer SQNR of ${quantized}'s layer outputs against ${reference}'s on ${r.inputs.description}.`));
    return byA.size;
  }

  app.replaceChildren(header, el('div', { class: 'compare-graphs' }, side(a, ga, 'A'), side(b, gb, 'B')),
    el('h2', {}, 'Matched layers'), el('p', { class: 'muted' },
      'Matched by output tensor name, then by the sequence of compute operators with equal output shapes. SQNR: the quantized layer\'s output ' +
      'against the float layer\'s, both models run on the same inputs; the graphs are coloured by it.'), status, table);
  app.removeAttribute('aria-busy');
  ga.shown();
  gb.shown();

  function report(): void {
    if (!reportRenders || laidOut.size < 2) return;
    const ra = ga.testFigures();
    const rb = gb.testFigures();
    vscode.postMessage({ type: 'shown', rows: rowsByA.size, graphs: laidOut.size,
      ...(ga.selectedOp !== undefined ? { selectedA: ga.selectedOp } : {}), ...(gb.selectedOp !== undefined ? { selectedB: gb.selectedOp } : {}),
      sqnr, sqnrRows, inputs, legendA: ra.legend, legendB: rb.legend, overlayA: ra.overlay, overlayB: rb.overlay });
  }
}

function layerTable(msg: Shown, rowsByA: Map<number, HTMLElement>, sqnrCells: HTMLElement[], pick: (a: number, b: number) => void): HTMLElement {
  const { a, b, comparison: c } = msg;
  const sa = a.view.subgraphs[0]!;
  const sb = b.view.subgraphs[0]!;
  const shape = (s: typeof sa, op: number) => { const t = s.operators[op]?.outputs[0]; return t !== undefined && t >= 0 ? formatShape(s.tensors[t]!.shape) : ''; };
  const tbody = el('tbody');
  for (const m of c.matches as ModelComparison['matches']) {
    const oa = sa.operators[m.a]!;
    const ob = sb.operators[m.b]!;
    const wa = layerWeightBytes(sa, m.a);
    const wb = layerWeightBytes(sb, m.b);
    const cell = el('td', { class: 'sqnr' }, '…');
    sqnrCells.push(cell);
    const row = el('tr', { tabindex: '0' },
      el('td', {}, linkButton(`#${m.a}`, () => pick(m.a, m.b))), el('td', { class: 'mono' }, oa.opcode), el('td', {}, shape(sa, m.a)),
      el('td', {}, linkButton(`#${m.b}`, () => pick(m.a, m.b))), el('td', { class: 'mono' }, ob.opcode), el('td', {}, shape(sb, m.b)),
      el('td', {}, formatCount(oa.macs)), el('td', {}, wa || wb ? `${formatBytes(wa)} → ${formatBytes(wb)}${percent(wa, wb)}` : '—'),
      el('td', {}, formatBytes(oa.outputBytes)), el('td', {}, formatBytes(ob.outputBytes)), cell, el('td', { class: 'muted' }, m.by));
    row.addEventListener('click', () => pick(m.a, m.b));
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(m.a, m.b); });
    rowsByA.set(m.a, row);
    tbody.append(row);
  }
  return el('div', { class: 'compare-table' }, el('table', { class: 'data', 'data-rows': 'matches' },
    el('thead', {}, el('tr', {}, ...['A', 'opcode', 'output', 'B', 'opcode', 'output', 'MACs', 'weights A → B', 'A output', 'B output', 'SQNR', 'matched by'].map((h) => el('th', {}, h)))),
    tbody));
}

window.addEventListener('message', (event: MessageEvent<CompareMessage>) => {
  const m = event.data;
  if (m.type === 'compare') render(m);
  else sqnrHandler?.(m);
});
vscode.postMessage({ type: 'ready' });
