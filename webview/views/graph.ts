/**
 * Graph: the subgraph's data flow laid out top to bottom by dagre, drawn as SVG. Drag, the wheel or arrow keys pan;
 * Ctrl+wheel or +/- zoom, 0 fits. Selecting a node (click, Enter) shows its details beside the graph. The layout runs the first
 * time the tab is shown, after a "laying out" message has painted.
 */
import { formatBytes, formatShapeText } from '../../src/core/analysis/inspector-format';
import { opNodeId, type GraphNode } from '../../src/core/analysis/inspector-graph';
import { layoutGraph, type GraphLayout, type PlacedNode } from '../../src/core/analysis/inspector-graph-layout';
import { formatCount } from '../lib/format';
import type { PageContext, PageView } from '../context';
import { el, linkButton, svg, vscButton } from '../dom';

const MAX_LABEL = 28;
const clip = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

export class GraphView implements PageView {
  readonly element: HTMLElement;
  private readonly canvas = el('div', { class: 'graph-canvas', tabindex: '0', role: 'application', 'aria-label': 'Operator graph: arrow keys pan, + and - zoom, 0 fits' });
  private readonly details = el('aside', { class: 'graph-details', 'aria-live': 'polite' });
  private readonly zoomLabel = el('span', { class: 'muted zoom' });
  private layout?: GraphLayout;
  private root?: SVGGElement;
  private svgEl?: SVGSVGElement;
  private nodeEls = new Map<string, SVGGElement>();
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private selected?: string;
  private pendingSelect?: number;

  constructor(private readonly ctx: PageContext) {
    const g = ctx.subgraph.graph;
    const toolbar = el('div', { class: 'toolbar' },
      el('span', { class: 'muted' }, `${g.nodes.length} nodes · ${g.edges.length} edges`),
      el('span', { class: 'spacer' }),
      this.zoomLabel,
      vscButton('−', () => this.zoomBy(1 / 1.25), { secondary: true, title: 'Zoom out (-)' }),
      vscButton('+', () => this.zoomBy(1.25), { secondary: true, title: 'Zoom in (+)' }),
      vscButton('Fit', () => this.fit(), { secondary: true, title: 'Fit the whole graph (0)' }),
    );
    this.details.append(el('p', { class: 'muted' }, 'Select an operator to see its details.'));
    this.element = el('section', { class: 'graph-view' }, toolbar, el('div', { class: 'graph-body' }, this.canvas, this.details));
    this.canvas.append(el('p', { class: 'muted pad' }, el('vscode-progress-ring', { class: 'inline-ring' }), `Laying out ${g.nodes.length} nodes…`));
    this.bindInput();
  }

  shown(): void {
    if (this.layout) return;
    // Let the "laying out" message paint before the (synchronous) layout.
    setTimeout(() => {
      this.layout = layoutGraph(this.ctx.subgraph.graph);
      this.draw(this.layout);
      this.initialView();
      if (this.pendingSelect !== undefined) this.select(this.pendingSelect);
      this.ctx.drawn('view');
    }, 30);
  }

  get laidOut(): boolean {
    return this.layout !== undefined;
  }

  select(op: number): void {
    if (!this.layout) { this.pendingSelect = op; return; }
    this.pendingSelect = undefined;
    this.selectNode(opNodeId(op), true);
  }

  private draw(layout: GraphLayout): void {
    const svgRoot = svg('svg', { class: 'graph', role: 'img', 'aria-label': 'Operator graph' });
    const defs = svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' })));
    const root = svg('g');
    const edges = svg('g', { class: 'edges' });
    for (const e of layout.edges) {
      if (e.points.length < 2) continue;
      const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
      const t = this.ctx.subgraph.tensors[e.tensor];
      edges.append(svg('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' },
        svg('title', {}, t ? `${t.name} ${formatShapeText(t.shape)} ${t.type}` : `tensor ${e.tensor}`)));
    }
    const nodes = svg('g', { class: 'nodes' });
    for (const n of layout.nodes) nodes.append(this.nodeElement(n));
    root.append(edges, nodes);
    svgRoot.append(defs, root);
    this.svgEl = svgRoot;
    this.root = root;
    this.canvas.replaceChildren(svgRoot);
  }

  private nodeElement(p: PlacedNode): SVGGElement {
    const { node } = p;
    const x = p.x - p.width / 2;
    const y = p.y - p.height / 2;
    const g = svg('g', { class: `node kind-${node.kind} cat-${node.category}`, tabindex: '0', role: 'button', 'data-node': node.id,
      'aria-label': `${node.kind === 'op' ? `operator ${node.ref}` : node.kind} ${node.label} ${node.detail}` },
      svg('rect', { x, y, width: p.width, height: p.height, rx: node.kind === 'op' ? 4 : 14, class: 'node-box' }),
      node.kind === 'op' ? svg('rect', { x, y, width: 5, height: p.height, class: 'node-stripe' }) : null,
      svg('text', { x: p.x, y: p.y - 4, class: 'node-label', 'text-anchor': 'middle' }, clip(node.label)),
      svg('text', { x: p.x, y: p.y + 12, class: 'node-detail', 'text-anchor': 'middle' }, clip(node.detail)),
      svg('title', {}, `${node.kind === 'op' ? `#${node.ref} ` : ''}${node.label} ${node.detail}`));
    g.addEventListener('click', () => this.selectNode(node.id, false));
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.selectNode(node.id, false); } });
    this.nodeEls.set(node.id, g);
    return g;
  }

  private selectNode(id: string, center: boolean): void {
    const placed = this.layout?.nodes.find((n) => n.node.id === id);
    if (!placed) return;
    if (this.selected) this.nodeEls.get(this.selected)?.classList.remove('selected');
    this.selected = id;
    const g = this.nodeEls.get(id);
    g?.classList.add('selected');
    if (center) {
      const r = this.canvas.getBoundingClientRect();
      this.scale = Math.max(this.scale, 0.8);
      this.tx = r.width / 2 - placed.x * this.scale;
      this.ty = r.height / 2 - placed.y * this.scale;
      this.apply();
    }
    this.showDetails(placed.node);
  }

  private showDetails(node: GraphNode): void {
    const ctx = this.ctx;
    const sg = ctx.subgraph;
    const tensorItem = (t: number) => {
      if (t < 0) return el('li', { class: 'muted' }, '(omitted)');
      const row = sg.tensors[t];
      return el('li', {}, linkButton(`${t}`, () => ctx.reveal({ view: 'tensors', subgraph: sg.index, index: t })), ' ',
        el('span', { class: 'mono' }, row?.name ?? ''), ' ', el('span', { class: 'muted' }, row ? `${formatShapeText(row.shape)} ${row.type}${row.constant ? ' · constant' : ''}` : ''));
    };
    if (node.kind !== 'op') {
      const t = sg.tensors[node.ref];
      this.details.replaceChildren(el('h3', {}, node.kind === 'input' ? 'Subgraph input' : 'Subgraph output'),
        el('ul', { class: 'plain' }, tensorItem(node.ref)), el('p', { class: 'muted' }, t ? formatBytes(t.bytes) : ''));
      return;
    }
    const op = sg.operators[node.ref]!;
    const dl = el('dl', { class: 'kv' });
    for (const [k, v] of [['Operator', `#${op.index}`], ['Version', String(op.version)], ['Activation', op.fusedActivation ?? 'none'],
      ['Options', op.options || '—'], ['MACs', formatCount(op.macs)], ['Output', formatBytes(op.outputBytes)]] as const) {
      dl.append(el('dt', {}, k), el('dd', {}, v));
    }
    this.details.replaceChildren(el('h3', { class: `opcode cat-${op.category}` }, op.opcode), dl,
      el('h4', {}, 'Inputs'), el('ul', { class: 'plain' }, ...op.inputs.map(tensorItem)),
      el('h4', {}, 'Outputs'), el('ul', { class: 'plain' }, ...op.outputs.map(tensorItem)),
      linkButton('Show in the operators table', () => ctx.reveal({ view: 'operators', subgraph: sg.index, index: op.index })));
  }

  private initialView(): void {
    const l = this.layout!;
    const r = this.canvas.getBoundingClientRect();
    this.scale = Math.min(1, Math.max(0.35, (r.width - 16) / Math.max(1, l.width)));
    this.tx = Math.max(8, (r.width - l.width * this.scale) / 2);
    this.ty = 8;
    this.apply();
  }

  private fit(): void {
    if (!this.layout) return;
    const r = this.canvas.getBoundingClientRect();
    this.scale = Math.min(2, (r.width - 16) / this.layout.width, (r.height - 16) / this.layout.height);
    this.tx = (r.width - this.layout.width * this.scale) / 2;
    this.ty = (r.height - this.layout.height * this.scale) / 2;
    this.apply();
  }

  private zoomBy(factor: number, cx?: number, cy?: number): void {
    const r = this.canvas.getBoundingClientRect();
    const px = cx ?? r.width / 2;
    const py = cy ?? r.height / 2;
    const next = Math.min(4, Math.max(0.02, this.scale * factor));
    this.tx = px - ((px - this.tx) * next) / this.scale;
    this.ty = py - ((py - this.ty) * next) / this.scale;
    this.scale = next;
    this.apply();
  }

  private apply(): void {
    this.root?.setAttribute('transform', `translate(${this.tx.toFixed(1)},${this.ty.toFixed(1)}) scale(${this.scale.toFixed(4)})`);
    this.zoomLabel.textContent = `${Math.round(this.scale * 100)}%`;
  }

  private bindInput(): void {
    let drag: { x: number; y: number; tx: number; ty: number } | undefined;
    this.canvas.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.node')) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty };
      this.canvas.setPointerCapture(e.pointerId);
      this.canvas.classList.add('dragging');
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.tx = drag.tx + e.clientX - drag.x;
      this.ty = drag.ty + e.clientY - drag.y;
      this.apply();
    });
    const end = () => { drag = undefined; this.canvas.classList.remove('dragging'); };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.canvas.getBoundingClientRect();
      // Like an editor: the wheel scrolls, Ctrl/Cmd/Alt + wheel (and pinch, which arrives as Ctrl + wheel) zooms.
      if (e.ctrlKey || e.metaKey || e.altKey) {
        this.zoomBy(Math.exp(-e.deltaY / 300), e.clientX - r.left, e.clientY - r.top);
      } else {
        this.tx -= e.deltaX;
        this.ty -= e.deltaY;
        this.apply();
      }
    }, { passive: false });
    this.canvas.addEventListener('keydown', (e) => {
      if (e.target !== this.canvas && !(e.target as Element).closest?.('.node')) return;
      const step = 60;
      const actions: Record<string, () => void> = {
        ArrowLeft: () => { this.tx += step; this.apply(); },
        ArrowRight: () => { this.tx -= step; this.apply(); },
        ArrowUp: () => { this.ty += step; this.apply(); },
        ArrowDown: () => { this.ty -= step; this.apply(); },
        '+': () => this.zoomBy(1.25), '=': () => this.zoomBy(1.25), '-': () => this.zoomBy(1 / 1.25), '0': () => this.fit(),
      };
      const act = actions[e.key];
      if (act) { e.preventDefault(); act(); }
    });
  }
}
