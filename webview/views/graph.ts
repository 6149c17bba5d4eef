/**
 * Graph: the subgraph's data flow, laid out top to bottom in a Web Worker (webview/lib/graph-layout.ts, our own
 * layered layout) and drawn on a 2D canvas: only what is in view is drawn (culling), labels only when they are
 * legible on screen (level of detail), so 10,000 nodes pan and zoom smoothly. Weight DEQUANTIZEs and constants are
 * folded into their consumer (weight shapes on the node), fused activations are on the node. It opens at 100 % around
 * the input with a minimap for the rest. Drag, the wheel or arrow keys pan; Ctrl+wheel or +/- zoom, 0 fits. Search
 * (opcode, tensor or scope name) with Enter / Shift+Enter between hits; a scope depth collapses name scopes into
 * groups (double-click a group to expand it); an overlay colours the nodes by a metric, with a legend and the value
 * on hover. Layouts are cached per graph (scope state) for the life of the page.
 */
import { formatBytes, formatCount, formatDb, formatMs, formatShape } from '../../src/core/common/format';
import { opNodeId, type GraphModel, type GraphNode } from '../../src/core/inspector/graph';
import { combinedValue, viewOverlays, type GraphOverlay } from '../../src/core/inspector/graph-overlays';
import { collapseScopes, maxScopeDepth, operatorScopes } from '../../src/core/inspector/graph-scopes';
import { inputBuffers, layoutInput, nodeDetail, placeGraph, weightLine, type PlacedGraph, type TensorShapes } from '../lib/graph-layout';
import type { GraphReport } from '../../src/protocol/inspector';
import type { PageContext, PageView } from '../context';
import { el, linkButton, vscButton } from '../dom';
import type { LayoutReply, LayoutRequest } from '../graph-worker';

declare const GRAPH_WORKER_SOURCE: string;

const MAX_LABEL = 28;
const clip = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);
/** Smallest on-screen size (px) of the 12 px label at which it is drawn; below it nodes are plain boxes. */
const LABEL_MIN_PX = 6;
/** First view: labels at 12 px on screen (≥ 11 px). */
const FIRST_SCALE = 1;
const MINIMAP_W = 180;
const MINIMAP_H = 140;
/** Sequential ramp for overlays (light to dark works on both themes with the dark outline). */
const RAMP = ['#2c7bb6', '#00a6ca', '#00ccbc', '#90eb9d', '#ffff8c', '#f9d057', '#f29e2e', '#e76818', '#d7191c'];

interface Laid extends PlacedGraph {
  graph: GraphModel;
}

/** One worker for the page, started lazily; undefined when the page cannot start one (then layout runs here). */
let worker: Worker | null | undefined;
let nextRequest = 1;
const waiting = new Map<number, (reply: LayoutReply) => void>();

function layoutWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    const url = URL.createObjectURL(new Blob([GRAPH_WORKER_SOURCE], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = (e: MessageEvent<LayoutReply>) => { waiting.get(e.data.id)?.(e.data); waiting.delete(e.data.id); };
    worker.onerror = () => { worker = null; for (const [id, done] of waiting) done({ id, error: 'the layout worker failed' }); waiting.clear(); };
  } catch {
    worker = null;
  }
  return worker;
}

/**
 * Lays out in the worker (or, without one, here) and resolves with the result and the worker's milliseconds. The
 * nodes are sized here and only the flat arrays are moved to the worker (no structured clone of the graph).
 */
function runLayout(graph: GraphModel, shapes: TensorShapes): Promise<{ placed: PlacedGraph; inWorker: boolean; ms: number }> {
  const here = () => { const t0 = performance.now(); const placed = placeGraph(graph, shapes); return { placed, inWorker: false, ms: performance.now() - t0 }; };
  const w = layoutWorker();
  if (!w) return Promise.resolve(here());
  const id = nextRequest++;
  const input = layoutInput(graph, shapes);
  return new Promise((resolve, reject) => {
    waiting.set(id, (reply) => {
      if ('error' in reply) {
        // A worker that cannot run (blocked by a policy) reports an error: lay out here instead.
        try { resolve(here()); } catch (err) { reject(err instanceof Error ? err : new Error(String(err))); }
      } else resolve({ placed: reply.placed, inWorker: true, ms: reply.ms });
    });
    const req: LayoutRequest = { id, input };
    w.postMessage(req, inputBuffers(input));
  });
}

/**
 * Layouts of the expanded graph (no scope collapsed) by graph model, started as soon as the model arrives
 * (prepareGraphLayout) so that the worker has usually finished when the Graph tab is first shown.
 */
const prepared = new WeakMap<GraphModel, Promise<{ placed: PlacedGraph; inWorker: boolean; ms: number }>>();

type LaidOutSubgraph = { graph: GraphModel; tensors: readonly { shape: number[] }[] };

/** The layout of a subgraph's expanded graph: the one already started, or a new one (laid out once per graph model). */
function expandedLayout(sg: LaidOutSubgraph): Promise<{ placed: PlacedGraph; inWorker: boolean; ms: number }> {
  let p = prepared.get(sg.graph);
  if (!p) prepared.set(sg.graph, (p = runLayout(sg.graph, sg.tensors)));
  return p;
}

/** Starts laying out a subgraph's graph in the worker, in the background; the Graph view takes the result. */
export function prepareGraphLayout(sg: LaidOutSubgraph): void {
  if (prepared.has(sg.graph) || !layoutWorker()) return;
  void expandedLayout(sg);
  // The page's first 2D canvas context costs ~20 ms (the renderer's canvas set-up): paid here, while the worker lays
  // out, not in the Graph tab's first paint.
  document.createElement('canvas').getContext('2d');
}

interface Theme {
  bg: string; fg: string; muted: string; node: string; edge: string; focus: string; hit: string; font: string; cat: Record<string, string>;
}

function readTheme(host: HTMLElement): Theme {
  const s = getComputedStyle(host);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  const fg = v('--vscode-foreground', '#ccc');
  const muted = v('--vscode-descriptionForeground', '#999');
  const cat: Record<string, string> = {
    conv: v('--vscode-charts-blue', '#3794ff'), activation: v('--vscode-charts-orange', '#d18616'), pool: v('--vscode-charts-green', '#89d185'),
    arithmetic: v('--vscode-charts-purple', '#b180d7'), shape: v('--vscode-charts-yellow', '#cca700'), quantize: v('--vscode-charts-red', '#f14c4c'),
    control: v('--vscode-charts-foreground', fg), recurrent: v('--vscode-charts-foreground', fg), custom: muted, other: muted, io: v('--vscode-focusBorder', '#007fd4'),
  };
  return {
    bg: v('--vscode-editor-background', '#1e1e1e'), fg, muted, node: v('--vscode-editorWidget-background', v('--vscode-editor-background', '#252526')),
    edge: v('--vscode-editorLineNumber-foreground', muted), focus: v('--vscode-focusBorder', '#007fd4'),
    hit: v('--vscode-editor-findMatchHighlightBackground', 'rgba(234, 92, 0, 0.33)'), font: v('--vscode-editor-font-family', 'monospace'), cat,
  };
}

export class GraphView implements PageView {
  readonly element: HTMLElement;
  private readonly canvasBox = el('div', { class: 'graph-canvas', tabindex: '0', role: 'application', 'aria-label': 'Operator graph: arrow keys pan, + and - zoom, 0 fits, / searches' });
  private readonly canvas = el('canvas', { class: 'graph', 'aria-hidden': 'true' });
  private readonly minimap = el('canvas', { class: 'graph-minimap', width: String(MINIMAP_W), height: String(MINIMAP_H), title: 'Minimap: click or drag to move the view' });
  private readonly tooltip = el('div', { class: 'graph-tooltip', role: 'tooltip' });
  private readonly legend = el('div', { class: 'graph-legend' });
  private readonly details = el('aside', { class: 'graph-details', 'aria-live': 'polite' });
  private readonly zoomLabel = el('span', { class: 'muted zoom' });
  private readonly status = el('span', { class: 'muted' });
  private readonly searchField = el('vscode-textfield', { placeholder: 'Search operator, tensor or scope', 'aria-label': 'Search the graph', class: 'graph-search' }) as HTMLElement & { value: string };
  private readonly searchStatus = el('span', { class: 'muted search-status', 'aria-live': 'polite' });
  private readonly overlaySelect: HTMLSelectElement;
  private readonly depthSelect: HTMLSelectElement;
  private laid?: Laid;
  private readonly cache = new Map<string, Laid>();
  private overlays: GraphOverlay[];
  private overlay?: GraphOverlay;
  private nodeValues?: (number | null)[];
  private valueRange: [number, number] = [0, 1];
  private depth = 0;
  /** Name scope per operator index. */
  private scopesOf?: string[];
  private expanded = new Set<string>();
  private scale = FIRST_SCALE;
  private tx = 0;
  private ty = 0;
  private selected?: number;
  private hovered?: number;
  private hits: number[] = [];
  private hitIndex = -1;
  private pendingSelect?: number;
  private frame = 0;
  private theme?: Theme;
  private minimapImage?: HTMLCanvasElement;
  private layoutRuns = 0;
  /** Test runs read these (RenderReport.graph). */
  lastLayoutMs = 0;
  lastLayoutInWorker = false;
  /** Milliseconds of the steps on the page's thread (test reports). */
  private readonly phases = { construct: 0, post: 0, worker: 0, draw: 0 };
  /** performance.now() at each step of the first layout (test reports line them up with the long tasks). */
  private readonly marks: Record<string, number> = {};
  private readonly busy: HTMLElement;
  private minimapTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly ctx: PageContext) {
    const t0 = performance.now();
    const g = ctx.subgraph.graph;
    this.overlays = [...viewOverlays(ctx.subgraph), ...ctx.overlays()];
    this.overlaySelect = el('select', { class: 'graph-select', 'aria-label': 'Colour nodes by' }) as HTMLSelectElement;
    this.depthSelect = el('select', { class: 'graph-select', 'aria-label': 'Collapse name scopes' }) as HTMLSelectElement;
    this.fillOverlaySelect();
    // The scope depths are filled in after the first draw (fillDepthSelect): reading every tensor name's scope
    // takes ~25 ms at 5,000 operators, which the first paint does not need.
    this.depthSelect.append(el('option', { value: '0' }, 'Scopes: expanded'));
    this.overlaySelect.addEventListener('change', () => this.setOverlay(this.overlaySelect.value));
    this.depthSelect.addEventListener('focus', () => this.fillDepthSelect());
    this.depthSelect.addEventListener('change', () => { this.depth = Number(this.depthSelect.value); this.expanded.clear(); void this.relayout(false); });
    this.searchField.addEventListener('input', () => this.search(String(this.searchField.value ?? '')));
    this.searchField.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === 'ArrowDown' || e.key === 'ArrowUp') { e.preventDefault(); this.nextHit(e.shiftKey || e.key === 'ArrowUp' ? -1 : 1); }
      if (e.key === 'Escape') { this.searchField.value = ''; this.search(''); this.canvasBox.focus(); }
    });
    const toolbar = el('div', { class: 'toolbar graph-toolbar' },
      this.searchField, this.searchStatus,
      this.depthSelect, this.overlaySelect,
      el('span', { class: 'spacer' }),
      this.status,
      this.zoomLabel,
      vscButton('−', () => this.zoomBy(1 / 1.25), { secondary: true, title: 'Zoom out (-)' }),
      vscButton('+', () => this.zoomBy(1.25), { secondary: true, title: 'Zoom in (+)' }),
      vscButton('Fit', () => this.fit(), { secondary: true, title: 'Fit the whole graph (0)' }),
    );
    this.status.textContent = `${g.nodes.length} nodes · ${g.edges.length} edges${g.foldedOps ? ` · ${g.foldedOps} weight DEQUANTIZEs folded` : ''}`;
    this.details.append(el('p', { class: 'muted' }, 'Select an operator to see its details.'));
    // Everything is in the DOM from the start (the page lays it out now, not when the layout arrives); the canvas
    // and minimap stay hidden under the "laying out" note until there is something to draw.
    this.busy = el('p', { class: 'muted pad graph-busy' }, el('vscode-progress-ring', { class: 'inline-ring' }), `Laying out ${g.nodes.length} nodes…`);
    this.minimap.hidden = true;
    this.tooltip.hidden = true;
    this.legend.hidden = true;
    this.canvasBox.append(this.canvas, this.minimap, this.tooltip, this.legend, this.busy);
    this.element = el('section', { class: 'graph-view' }, toolbar, el('div', { class: 'graph-body' }, this.canvasBox, this.details));
    this.bindInput();
    new ResizeObserver(() => this.resize()).observe(this.canvasBox);
    this.phases.construct = performance.now() - t0;
    this.marks['constructed'] = performance.now();
  }

  /** Name scope per operator index, read on first use (search, collapse, details). */
  private get scopes(): string[] {
    return (this.scopesOf ??= operatorScopes(this.ctx.subgraph.operators, this.ctx.subgraph.tensors));
  }

  private depthFilled = false;

  private fillDepthSelect(): void {
    if (this.depthFilled) return;
    this.depthFilled = true;
    const maxDepth = maxScopeDepth(this.scopes);
    for (let d = 1; d <= Math.min(maxDepth, 6); d++) this.depthSelect.append(el('option', { value: String(d) }, `Scopes: collapse at depth ${d}`));
    this.depthSelect.disabled = maxDepth === 0;
    this.depthSelect.title = maxDepth === 0 ? 'No tensor name of this subgraph has a name scope (a/b/c)' : '';
  }

  shown(): void {
    // In a task of its own: the view was just built in this one.
    if (!this.laid && this.layoutRuns === 0) { this.layoutRuns = -1; setTimeout(() => { this.layoutRuns = 0; void this.relayout(true); }, 0); }
    else this.requestDraw();
  }

  get laidOut(): boolean {
    return this.laid !== undefined;
  }

  select(op: number): void {
    if (!this.laid) { this.pendingSelect = op; return; }
    this.pendingSelect = undefined;
    const i = this.nodeOfOp(op);
    if (i !== undefined) this.selectNode(i, true, false);
  }

  /** The selected operator, if an operator node is selected. */
  get selectedOp(): number | undefined {
    const n = this.selected !== undefined ? this.laid?.graph.nodes[this.selected] : undefined;
    return n?.kind === 'op' ? n.ref : undefined;
  }

  /** An overlay computed by the extension (latency, SQNR) arrived. */
  overlayArrived(overlay: GraphOverlay): void {
    this.overlays = [...this.overlays.filter((o) => o.id !== overlay.id), overlay];
    const current = this.overlaySelect.value;
    this.fillOverlaySelect();
    this.overlaySelect.value = current;
    if (this.overlay?.id === overlay.id) this.setOverlay(overlay.id);
  }

  /** Chooses the overlay by id ('' for none); tests and the page's controls use it. */
  setOverlay(id: string): void {
    this.overlay = this.overlays.find((o) => o.id === id);
    this.overlaySelect.value = this.overlay ? id : '';
    this.computeValues();
    this.minimapImage = undefined;
    this.requestDraw();
  }

  /** Search text (a reveal request's filter). */
  setFilter(text: string): void {
    this.searchField.value = text;
    this.search(text);
  }

  /** What the page's test report reads. */
  testFigures(): GraphReport {
    return {
      nodes: this.laid?.graph.nodes.length ?? 0, edges: this.laid?.graph.edges.length ?? 0, layoutMs: this.lastLayoutMs, inWorker: this.lastLayoutInWorker,
      scale: this.scale, visibleNodes: this.visibleCount(), canvasWidth: this.canvasBox.clientWidth, canvasHeight: this.canvasBox.clientHeight, pageWidth: document.documentElement.clientWidth, overlay: this.overlay?.id ?? '',
      legend: this.legend.hidden ? '' : this.legend.textContent ?? '', hits: this.hits.length, pageSteps: { ...this.phases }, marks: { ...this.marks },
    };
  }

  private fillOverlaySelect(): void {
    this.overlaySelect.replaceChildren(el('option', { value: '' }, 'Colour: operator type'),
      ...this.overlays.map((o) => el('option', { value: o.id }, `Colour: ${o.label}`)));
  }

  private graphFor(): GraphModel {
    return collapseScopes(this.ctx.subgraph.graph, this.scopes, this.depth, this.expanded);
  }

  private async relayout(first: boolean): Promise<void> {
    const run = ++this.layoutRuns;
    if (first) {
      // The canvas context in a task of its own, not in the one that draws (when the layout is ready, the rest of
      // this method would otherwise run in this same task).
      this.canvas.getContext('2d');
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (run !== this.layoutRuns) return;
    }
    const key = `${this.depth}|${[...this.expanded].sort().join('|')}`;
    let laid = this.cache.get(key);
    if (!laid) {
      const graph = this.graphFor();
      const t0 = performance.now();
      // The expanded graph shares the background layout (prepareGraphLayout) whichever of the two starts first.
      const pending = graph === this.ctx.subgraph.graph ? expandedLayout(this.ctx.subgraph) : runLayout(graph, this.ctx.subgraph.tensors);
      this.phases.post = performance.now() - t0;
      this.marks['posted'] ??= performance.now();
      const { placed, inWorker, ms } = await pending;
      this.marks['replied'] ??= performance.now();
      this.lastLayoutMs = performance.now() - t0;
      this.phases.worker = ms;
      this.lastLayoutInWorker = inWorker;
      if (run !== this.layoutRuns) return;
      laid = { graph, ...placed };
      this.cache.set(key, laid);
    }
    const keepOp = this.selected !== undefined ? this.laid?.graph.nodes[this.selected]?.ref : undefined;
    this.laid = laid;
    this.selected = undefined;
    this.hovered = undefined;
    this.minimapImage = undefined;
    this.computeValues();
    this.marks['values'] ??= performance.now();
    this.busy.remove();
    this.canvasBox.setAttribute('data-graph-nodes', String(laid.graph.nodes.length));
    this.canvasBox.setAttribute('data-graph-edges', String(laid.graph.edges.length));
    this.resize(false);
    this.marks['resized'] ??= performance.now();
    if (first) this.initialView();
    this.search(String(this.searchField.value ?? ''), false);
    this.marks['searched'] ??= performance.now();
    if (this.pendingSelect !== undefined) this.select(this.pendingSelect);
    else if (keepOp !== undefined) { const i = this.nodeOfOp(keepOp); if (i !== undefined) this.selectNode(i, true); }
    this.drawNow();
    this.marks['drawn'] ??= performance.now();
    this.ctx.drawn('view');
    if (!this.depthFilled) setTimeout(() => this.fillDepthSelect(), 0);
  }

  private nodeOfOp(op: number): number | undefined {
    const l = this.laid;
    if (!l) return undefined;
    const id = opNodeId(op);
    const i = l.graph.nodes.findIndex((n) => n.id === id || n.folded?.includes(op));
    return i >= 0 ? i : undefined;
  }

  private computeValues(): void {
    const l = this.laid;
    const o = this.overlay;
    if (!l || !o) { this.nodeValues = undefined; this.legend.replaceChildren(); this.legend.hidden = true; return; }
    this.nodeValues = l.graph.nodes.map((n) => n.kind === 'op' ? o.values[n.ref] ?? null : n.kind === 'group' ? combinedValue(o, n.folded ?? []) : null);
    let lo = Infinity;
    let hi = -Infinity;
    // Infinity (an exact layer's SQNR) is off the scale: coloured as the scale's best end, not stretching it.
    for (const v of this.nodeValues) if (v !== null && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (lo > hi) { lo = 0; hi = 0; }
    this.valueRange = [lo, hi];
    const bar = el('div', { class: 'legend-bar' });
    bar.style.background = `linear-gradient(to right, ${(o.lowIsBad ? [...RAMP].reverse() : RAMP).join(', ')})`;
    this.legend.replaceChildren(el('div', { class: 'legend-title' }, o.label), bar,
      el('div', { class: 'legend-scale' }, el('span', {}, formatValue(o, lo)), el('span', {}, formatValue(o, hi))),
      ...(o.source ? [el('div', { class: 'muted legend-source' }, o.source)] : []));
    this.legend.hidden = false;
  }

  private colourOf(i: number): string | undefined {
    const v = this.nodeValues?.[i];
    if (v === null || v === undefined || !this.overlay) return undefined;
    const [lo, hi] = this.valueRange;
    let t = !Number.isFinite(v) ? (v > 0 ? 1 : 0) : hi > lo ? (v - lo) / (hi - lo) : 0.5;
    if (this.overlay.lowIsBad) t = 1 - t;
    return RAMP[Math.min(RAMP.length - 1, Math.max(0, Math.round(t * (RAMP.length - 1))))];
  }

  // ---- search ----

  private search(text: string, centre = true): void {
    const l = this.laid;
    const q = text.trim().toLowerCase();
    this.hits = [];
    this.hitIndex = -1;
    if (l && q) {
      const sg = this.ctx.subgraph;
      const tensorMatch = (t: number) => t >= 0 && (sg.tensors[t]?.name.toLowerCase().includes(q) ?? false);
      l.graph.nodes.forEach((n, i) => {
        const ops = n.kind === 'op' ? [n.ref, ...(n.folded ?? [])] : n.kind === 'group' ? n.folded ?? [] : [];
        const hit = n.label.toLowerCase().includes(q) || ops.some((op) => (this.scopes[op] ?? '').toLowerCase().includes(q))
          || (n.kind !== 'op' && n.kind !== 'group' && tensorMatch(n.ref))
          || ops.some((op) => { const row = sg.operators[op]; return !!row && (row.opcode.toLowerCase().includes(q) || row.inputs.some(tensorMatch) || row.outputs.some(tensorMatch)); });
        if (hit) this.hits.push(i);
      });
    }
    this.searchStatus.textContent = q ? (this.hits.length ? `${this.hits.length} found` : 'no match') : '';
    if (centre && this.hits.length) this.nextHit(1);
    else this.requestDraw();
  }

  private nextHit(dir: 1 | -1): void {
    if (!this.hits.length) return;
    this.hitIndex = (this.hitIndex + dir + this.hits.length) % this.hits.length;
    this.searchStatus.textContent = `${this.hitIndex + 1} of ${this.hits.length}`;
    this.selectNode(this.hits[this.hitIndex]!, true);
  }

  // ---- selection and details ----

  private selectNode(i: number, centre: boolean, notify = true): void {
    const l = this.laid;
    if (!l) return;
    this.selected = i;
    const picked = l.graph.nodes[i]!;
    if (notify && picked.kind === 'op') this.ctx.selected?.(picked.ref);
    if (centre) {
      const r = this.viewport();
      this.scale = Math.max(this.scale, 0.8);
      this.tx = r.w / 2 - l.result.x[i]! * this.scale;
      this.ty = r.h / 2 - l.result.y[i]! * this.scale;
    }
    this.requestDraw();
    this.showDetails(l.graph.nodes[i]!);
  }

  private showDetails(node: GraphNode): void {
    const ctx = this.ctx;
    const sg = ctx.subgraph;
    const tensorItem = (t: number) => {
      if (t < 0) return el('li', { class: 'muted' }, '(omitted)');
      const row = sg.tensors[t];
      return el('li', {}, linkButton(`${t}`, () => ctx.reveal({ view: 'tensors', subgraph: sg.index, index: t })), ' ',
        el('span', { class: 'mono' }, row?.name ?? ''), ' ', el('span', { class: 'muted' }, row ? `${formatShape(row.shape)} ${row.type}${row.constant ? ' · constant' : ''}` : ''));
    };
    const value = this.overlay && this.selected !== undefined ? this.nodeValues?.[this.selected] : undefined;
    const overlayLine = this.overlay && value !== undefined ? [el('p', {}, `${this.overlay.label}: `, el('strong', {}, value === null ? 'n/a' : formatValue(this.overlay, value)))] : [];
    if (node.kind === 'group') {
      const ops = (node.folded ?? []).filter((op) => sg.operators[op]?.opcode !== 'DEQUANTIZE' || this.ctx.subgraph.graph.nodes.some((n) => n.kind === 'op' && n.ref === op));
      this.details.replaceChildren(el('h3', {}, node.label), el('p', { class: 'muted' }, node.detail), ...overlayLine,
        vscButton('Expand this scope', () => { this.expanded.add(node.label); void this.relayout(false); }, { secondary: true }),
        el('h4', {}, 'Operators'), el('ul', { class: 'plain' }, ...ops.slice(0, 200).map((op) => el('li', {},
          linkButton(`#${op}`, () => ctx.reveal({ view: 'operators', subgraph: sg.index, index: op })), ' ', sg.operators[op]?.opcode ?? ''))));
      return;
    }
    if (node.kind !== 'op') {
      const t = sg.tensors[node.ref];
      this.details.replaceChildren(el('h3', {}, node.kind === 'input' ? 'Subgraph input' : 'Subgraph output'),
        el('ul', { class: 'plain' }, tensorItem(node.ref)), el('p', { class: 'muted' }, t ? formatBytes(t.bytes) : ''));
      return;
    }
    const op = sg.operators[node.ref]!;
    const dl = el('dl', { class: 'kv' });
    for (const [k, v] of [['Operator', `#${op.index}`], ['Version', String(op.version)], ['Activation', op.fusedActivation ?? 'none'],
      ['Options', op.options || '—'], ['MACs', formatCount(op.macs)], ['Output', formatBytes(op.outputBytes)], ['Scope', this.scopes[op.index] || '—']] as const) {
      dl.append(el('dt', {}, k), el('dd', {}, v));
    }
    const folded = node.folded?.length ? [el('h4', {}, 'Folded weight DEQUANTIZEs'), el('ul', { class: 'plain' }, ...node.folded.map((f) => el('li', {},
      linkButton(`#${f}`, () => ctx.reveal({ view: 'operators', subgraph: sg.index, index: f })), ' ', sg.operators[f]?.inputs.filter((t) => t >= 0).map((t) => `${formatShape(sg.tensors[t]!.shape)} ${sg.tensors[t]!.type}`).join(', ') ?? '')))] : [];
    this.details.replaceChildren(el('h3', { class: `opcode cat-${op.category}` }, op.opcode), ...overlayLine, dl,
      el('h4', {}, 'Inputs'), el('ul', { class: 'plain' }, ...op.inputs.map(tensorItem)),
      el('h4', {}, 'Outputs'), el('ul', { class: 'plain' }, ...op.outputs.map(tensorItem)), ...folded,
      linkButton('Show in the operators table', () => ctx.reveal({ view: 'operators', subgraph: sg.index, index: op.index })));
  }

  // ---- view transform ----

  private viewport(): { w: number; h: number } {
    return { w: this.canvasBox.clientWidth, h: this.canvasBox.clientHeight };
  }

  private resize(draw = true): void {
    const { w, h } = this.viewport();
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    if (draw) this.requestDraw();
  }

  /** First view: labels at 100 % (12 px), the first input at the top centre. */
  private initialView(): void {
    const l = this.laid!;
    const { w } = this.viewport();
    let start = l.graph.nodes.findIndex((n) => n.kind === 'input');
    if (start < 0) start = 0;
    this.scale = FIRST_SCALE;
    if (!l.graph.nodes.length) { this.tx = 0; this.ty = 0; return; }
    this.tx = w / 2 - l.result.x[start]! * this.scale;
    this.ty = 16 - l.boxes[4 * start + 1]! * this.scale;
  }

  private fit(): void {
    const l = this.laid;
    if (!l) return;
    const { w, h } = this.viewport();
    this.scale = Math.min(2, (w - 16) / l.result.width, (h - 16) / l.result.height);
    this.tx = (w - l.result.width * this.scale) / 2;
    this.ty = (h - l.result.height * this.scale) / 2;
    this.requestDraw();
  }

  private zoomBy(factor: number, cx?: number, cy?: number): void {
    const { w, h } = this.viewport();
    const px = cx ?? w / 2;
    const py = cy ?? h / 2;
    const next = Math.min(4, Math.max(0.01, this.scale * factor));
    this.tx = px - ((px - this.tx) * next) / this.scale;
    this.ty = py - ((py - this.ty) * next) / this.scale;
    this.scale = next;
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.drawNow(); });
  }

  private visibleCount(): number {
    const l = this.laid;
    if (!l) return 0;
    const { w, h } = this.viewport();
    const x0 = -this.tx / this.scale; const y0 = -this.ty / this.scale;
    const x1 = (w - this.tx) / this.scale; const y1 = (h - this.ty) / this.scale;
    let count = 0;
    for (let i = 0; i < l.graph.nodes.length; i++) {
      const b = l.boxes;
      if (b[4 * i + 2]! >= x0 && b[4 * i]! <= x1 && b[4 * i + 3]! >= y0 && b[4 * i + 1]! <= y1) count++;
    }
    return count;
  }

  // ---- drawing ----

  private drawNow(): void {
    const l = this.laid;
    const c = this.canvas.getContext('2d');
    if (!l || !c) return;
    const t0 = performance.now();
    this.theme ??= readTheme(this.canvasBox);
    const th = this.theme;
    const { w, h } = this.viewport();
    const dpr = window.devicePixelRatio || 1;
    const s = this.scale;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.fillStyle = th.bg;
    c.fillRect(0, 0, w, h);
    c.setTransform(dpr * s, 0, 0, dpr * s, dpr * this.tx, dpr * this.ty);
    const x0 = -this.tx / s; const y0 = -this.ty / s;
    const x1 = (w - this.tx) / s; const y1 = (h - this.ty) / s;
    const { result: r, boxes, edgeBoxes } = l;

    // Edges: one path, culled by their bounding boxes.
    c.strokeStyle = th.edge;
    c.lineWidth = Math.max(1.2, 0.8 / s);
    c.beginPath();
    const m = l.graph.edges.length;
    const arrows: number[] = [];
    for (let j = 0; j < m; j++) {
      if (edgeBoxes[4 * j + 2]! < x0 || edgeBoxes[4 * j]! > x1 || edgeBoxes[4 * j + 3]! < y0 || edgeBoxes[4 * j + 1]! > y1) continue;
      const a = r.pointStart[j]!; const b = r.pointStart[j + 1]!;
      if (b - a < 4) continue;
      c.moveTo(r.points[a]!, r.points[a + 1]!);
      if (b - a === 4) {
        const ya = r.points[a + 1]!; const yb = r.points[a + 3]!; const my = (ya + yb) / 2;
        c.bezierCurveTo(r.points[a]!, my, r.points[a + 2]!, my, r.points[a + 2]!, yb);
      } else {
        for (let k = a + 2; k < b; k += 2) c.lineTo(r.points[k]!, r.points[k + 1]!);
      }
      arrows.push(r.points[b - 2]!, r.points[b - 1]!);
    }
    c.stroke();
    if (s * 7 >= 3) {
      c.fillStyle = th.edge;
      c.beginPath();
      for (let k = 0; k < arrows.length; k += 2) {
        const ax = arrows[k]!; const ay = arrows[k + 1]!;
        c.moveTo(ax, ay); c.lineTo(ax - 4, ay - 7); c.lineTo(ax + 4, ay - 7); c.closePath();
      }
      c.fill();
    }

    // Nodes: boxes, category stripe (or overlay colour), labels when legible.
    const labels = s * 12 >= LABEL_MIN_PX;
    const details = s * 11 >= 8;
    const hitSet = this.hits.length ? new Set(this.hits) : undefined;
    const nodes = l.graph.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const bx0 = boxes[4 * i]!; const by0 = boxes[4 * i + 1]!; const bx1 = boxes[4 * i + 2]!; const by1 = boxes[4 * i + 3]!;
      if (bx1 < x0 || bx0 > x1 || by1 < y0 || by0 > y1) continue;
      const n = nodes[i]!;
      const overlayColour = this.colourOf(i);
      const catColour = th.cat[n.category] ?? th.muted;
      c.fillStyle = overlayColour ?? th.node;
      c.fillRect(bx0, by0, bx1 - bx0, by1 - by0);
      if (!overlayColour) { c.fillStyle = catColour; c.fillRect(bx0, by0, 5, by1 - by0); }
      if (hitSet?.has(i)) { c.fillStyle = th.hit; c.fillRect(bx0 - 4, by0 - 4, bx1 - bx0 + 8, by1 - by0 + 8); }
      const sel = i === this.selected;
      c.strokeStyle = sel ? th.focus : overlayColour ? th.bg : catColour;
      c.lineWidth = sel ? 3 : n.kind === 'group' ? 2.5 : 1.5;
      if (n.kind === 'group') c.setLineDash([6, 3]);
      c.strokeRect(bx0, by0, bx1 - bx0, by1 - by0);
      if (n.kind === 'group') c.setLineDash([]);
      if (!labels) continue;
      const cx = (bx0 + bx1) / 2;
      const dark = overlayColour !== undefined;
      c.textAlign = 'center';
      c.fillStyle = dark ? '#000' : th.fg;
      c.font = `600 12px ${th.font}`;
      const lines = n.weights?.length ? 3 : 2;
      const top = (by0 + by1) / 2 - (lines === 3 ? 14 : 7);
      c.fillText(clip(n.label), cx, top + 4);
      if (!details) continue;
      c.font = `11px ${th.font}`;
      c.fillStyle = dark ? '#111' : th.muted;
      c.fillText(clip(nodeDetail(n)), cx, top + 19);
      if (lines === 3) c.fillText(clip(weightLine(n, this.ctx.subgraph.tensors)), cx, top + 33);
    }
    this.zoomLabel.textContent = `${Math.round(s * 100)}%`;
    this.phases.draw = performance.now() - t0;
    // The minimap only when the graph does not fit in the view; its picture of the whole graph is drawn in a task
    // of its own the first time, after the view.
    const fits = r.width * s <= w && r.height * s <= h;
    if (fits) this.minimap.hidden = true;
    else if (this.minimapImage) { this.minimap.hidden = false; this.drawMinimap(); }
    else if (this.minimapTimer === undefined) this.minimapTimer = setTimeout(() => { this.minimapTimer = undefined; this.minimap.hidden = false; this.drawMinimap(); }, 0);
  }

  private drawMinimap(): void {
    const l = this.laid!;
    const c = this.minimap.getContext('2d');
    if (!c) return;
    const th = this.theme!;
    const k = Math.min(MINIMAP_W / l.result.width, MINIMAP_H / l.result.height);
    if (!this.minimapImage) {
      const img = document.createElement('canvas');
      img.width = MINIMAP_W; img.height = MINIMAP_H;
      const ic = img.getContext('2d')!;
      ic.fillStyle = th.node;
      ic.fillRect(0, 0, MINIMAP_W, MINIMAP_H);
      // One path per colour (a dozen at most) instead of a fill per node: 5,000 nodes in a few ms.
      const byColour = new Map<string, number[]>();
      for (let i = 0; i < l.graph.nodes.length; i++) {
        const colour = this.colourOf(i) ?? th.cat[l.graph.nodes[i]!.category] ?? th.muted;
        let list = byColour.get(colour);
        if (!list) byColour.set(colour, (list = []));
        list.push(i);
      }
      const b = l.boxes;
      for (const [colour, nodes] of byColour) {
        ic.fillStyle = colour;
        ic.beginPath();
        for (const i of nodes) ic.rect(b[4 * i]! * k, b[4 * i + 1]! * k, Math.max(1, (b[4 * i + 2]! - b[4 * i]!) * k), Math.max(1, (b[4 * i + 3]! - b[4 * i + 1]!) * k));
        ic.fill();
      }
      this.minimapImage = img;
    }
    c.clearRect(0, 0, MINIMAP_W, MINIMAP_H);
    c.drawImage(this.minimapImage, 0, 0);
    const { w, h } = this.viewport();
    c.strokeStyle = th.focus;
    c.lineWidth = 1.5;
    c.strokeRect((-this.tx / this.scale) * k, (-this.ty / this.scale) * k, (w / this.scale) * k, (h / this.scale) * k);
  }

  private nodeAt(px: number, py: number): number | undefined {
    const l = this.laid;
    if (!l) return undefined;
    const x = (px - this.tx) / this.scale;
    const y = (py - this.ty) / this.scale;
    const b = l.boxes;
    for (let i = 0; i < l.graph.nodes.length; i++) {
      if (x >= b[4 * i]! && x <= b[4 * i + 2]! && y >= b[4 * i + 1]! && y <= b[4 * i + 3]!) return i;
    }
    return undefined;
  }

  private showTooltip(i: number | undefined, px: number, py: number): void {
    if (i === undefined || !this.laid) { this.tooltip.hidden = true; return; }
    const n = this.laid.graph.nodes[i]!;
    const v = this.nodeValues?.[i];
    const parts = [n.kind === 'op' ? `#${n.ref} ${n.label}` : n.label, nodeDetail(n)];
    if (n.weights?.length) parts.push(`weights ${n.weights.map((t) => { const row = this.ctx.subgraph.tensors[t]; return row ? `${formatShape(row.shape)} ${row.type}` : `tensor ${t}`; }).join(', ')}`);
    if (this.overlay) parts.push(`${this.overlay.label}: ${v === null || v === undefined ? 'n/a' : formatValue(this.overlay, v)}`);
    this.tooltip.textContent = parts.join('\n');
    this.tooltip.style.left = `${px + 14}px`;
    this.tooltip.style.top = `${py + 14}px`;
    this.tooltip.hidden = false;
  }

  private bindInput(): void {
    let drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | undefined;
    const local = (e: MouseEvent) => { const r = this.canvasBox.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
    this.canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
      this.canvas.setPointerCapture(e.pointerId);
      this.canvasBox.classList.add('dragging');
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (drag) {
        if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3) drag.moved = true;
        this.tx = drag.tx + e.clientX - drag.x;
        this.ty = drag.ty + e.clientY - drag.y;
        this.tooltip.hidden = true;
        this.requestDraw();
        return;
      }
      const p = local(e);
      const i = this.nodeAt(p.x, p.y);
      if (i !== this.hovered) { this.hovered = i; this.canvas.style.cursor = i === undefined ? '' : 'pointer'; }
      this.showTooltip(i, p.x, p.y);
    });
    this.canvas.addEventListener('pointerleave', () => { this.tooltip.hidden = true; });
    const end = (e: PointerEvent) => {
      if (drag && !drag.moved && e.type === 'pointerup') {
        const p = local(e);
        const i = this.nodeAt(p.x, p.y);
        if (i !== undefined) this.selectNode(i, false);
      }
      drag = undefined;
      this.canvasBox.classList.remove('dragging');
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener('dblclick', (e) => {
      const p = local(e);
      const i = this.nodeAt(p.x, p.y);
      const n = i !== undefined ? this.laid?.graph.nodes[i] : undefined;
      if (n?.kind === 'group') { this.expanded.add(n.label); void this.relayout(false); }
    });
    this.canvasBox.addEventListener('wheel', (e) => {
      e.preventDefault();
      // Like an editor: the wheel scrolls, Ctrl/Cmd/Alt + wheel (and pinch, which arrives as Ctrl + wheel) zooms.
      if (e.ctrlKey || e.metaKey || e.altKey) {
        const p = local(e);
        this.zoomBy(Math.exp(-e.deltaY / 300), p.x, p.y);
      } else {
        this.tx -= e.deltaX;
        this.ty -= e.deltaY;
        this.requestDraw();
      }
    }, { passive: false });
    let mini = false;
    const moveTo = (e: PointerEvent) => {
      const l = this.laid;
      if (!l) return;
      const r = this.minimap.getBoundingClientRect();
      const k = Math.min(MINIMAP_W / l.result.width, MINIMAP_H / l.result.height);
      const { w, h } = this.viewport();
      this.tx = w / 2 - ((e.clientX - r.left) / k) * this.scale;
      this.ty = h / 2 - ((e.clientY - r.top) / k) * this.scale;
      this.requestDraw();
    };
    this.minimap.addEventListener('pointerdown', (e) => { e.stopPropagation(); mini = true; this.minimap.setPointerCapture(e.pointerId); moveTo(e); });
    this.minimap.addEventListener('pointermove', (e) => { if (mini) moveTo(e); });
    this.minimap.addEventListener('pointerup', () => { mini = false; });
    this.canvasBox.addEventListener('keydown', (e) => {
      if (e.target !== this.canvasBox) return;
      const step = 60;
      const actions: Record<string, () => void> = {
        ArrowLeft: () => { this.tx += step; this.requestDraw(); },
        ArrowRight: () => { this.tx -= step; this.requestDraw(); },
        ArrowUp: () => { this.ty += step; this.requestDraw(); },
        ArrowDown: () => { this.ty -= step; this.requestDraw(); },
        '+': () => this.zoomBy(1.25), '=': () => this.zoomBy(1.25), '-': () => this.zoomBy(1 / 1.25), '0': () => this.fit(),
        '/': () => this.searchField.focus(),
        Enter: () => this.nextHit(e.shiftKey ? -1 : 1),
      };
      const act = actions[e.key];
      if (act) { e.preventDefault(); act(); }
    });
    // A theme change restyles the page: read the colours again.
    new MutationObserver(() => { this.theme = undefined; this.minimapImage = undefined; this.requestDraw(); })
      .observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  }
}

export function formatValue(o: Pick<GraphOverlay, 'unit'>, v: number): string {
  switch (o.unit) {
    case 'bytes': return formatBytes(v);
    case 'count': return formatCount(v);
    case 'ms': return `${formatMs(v)} ms`;
    case 'dB': return formatDb(v);
  }
}
