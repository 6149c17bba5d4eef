/**
 * Memory: the activation bytes alive at each operator (from the graph), and the TFLite Micro arena plan (from the
 * arena estimate) drawn as a timeline: one rectangle per buffer, its offset in the arena against the operators
 * during which it lives.
 */
import { formatBytes, formatOperatorRef } from '../../src/core/common/format';
import { arenaFiguresLine, arenaGapNote, buildLabel } from '../../src/core/arena/figures';
import type { PlannedBufferEntry } from '../../src/core/arena';
import { barChart } from '../charts';
import type { PageContext, PageView } from '../context';
import { el, svg } from '../dom';

/** The tab panel may not be laid out yet when the view is first shown: fall back to the page width. */
function chartWidth(element: HTMLElement): number {
  return Math.max(480, (element.clientWidth || document.body.clientWidth - 40) - 8);
}

export class MemoryView implements PageView {
  readonly element = el('div', { class: 'memory-view' });
  private readonly plan = el('section', { class: 'arena-plan' });
  private drawnOnce = false;

  constructor(private readonly ctx: PageContext) {}

  shown(): void {
    if (this.drawnOnce) return;
    this.drawnOnce = true;
    const a = this.ctx.subgraph.activations;
    const width = chartWidth(this.element);
    const bars = a.steps.map((s) => ({ value: s.liveBytes, highlight: s.op === a.peakOp, title: `${formatOperatorRef(s.op, s.opcode)}: ${formatBytes(s.liveBytes)} live, writes ${formatBytes(s.outputBytes)}` }));
    const peak = a.steps.find((s) => s.op === a.peakOp);
    this.element.append(
      el('h2', {}, 'Activations alive at each operator'),
      el('p', { class: 'muted' }, peak
        ? `Peak ${formatBytes(a.peakBytes)} at operator ${formatOperatorRef(peak.op, peak.opcode)}. Sum of the activation tensors alive while each operator runs, before alignment and scratch buffers.`
        : 'This subgraph has no operators.'),
      barChart(bars, { width, height: 180, label: formatBytes, ariaLabel: 'Live activation bytes per operator' }),
      el('div', { class: 'chart-axis' }, el('span', {}, 'first operator'), el('span', {}, 'execution order →'), el('span', {}, 'last operator')),
      this.plan);
    this.detailsArrived();
    this.ctx.drawn('view');
  }

  detailsArrived(): void {
    if (!this.drawnOnce) return;
    const d = this.ctx.details;
    const heading = el('h2', {}, 'TensorFlow Lite Micro arena plan');
    if (!d) { this.plan.replaceChildren(heading, el('p', { class: 'muted' }, el('vscode-progress-ring', { class: 'inline-ring' }), 'Estimating the arena…')); return; }
    if (!d.arena.ok) { this.plan.replaceChildren(heading, el('p', { class: 'error-text' }, d.arena.message)); return; }
    if (this.ctx.arenaPlanPending) {
      this.plan.replaceChildren(heading, el('p', { class: 'muted' }, el('vscode-progress-ring', { class: 'inline-ring' }), 'Reading the arena plan…'));
      this.ctx.requestArenaPlan?.();
      return;
    }
    const est = d.arena.estimate;
    const sg = this.ctx.subgraph.index;
    const buffers = est.buffers.filter((b) => b.subgraph === sg);
    const scopes = est.timeline.filter((t) => t.subgraph === sg);
    const text = `${arenaFiguresLine(est)}. Used after allocation: ${formatBytes(est.headBytes)} of activations and scratch buffers (planned below) plus ${formatBytes(est.tailBytes)} of persistent allocations` +
      `${est.exact ? '' : ` (approximate: ${est.unknownKernels.length} kernels not modelled)`}. ${buildLabel(est)}.${arenaGapNote(est) ? ` ${arenaGapNote(est)}` : ''}`;
    this.plan.replaceChildren(heading, el('p', { class: 'muted' }, text),
      buffers.length === 0 ? el('p', { class: 'muted' }, 'No planned buffers in this subgraph.') : this.timeline(buffers, scopes.length ? scopes : est.timeline, est.headBytes));
  }

  private timeline(buffers: PlannedBufferEntry[], scopes: { scope: number; operatorIndex: number; opcode?: string }[], head: number): SVGSVGElement {
    const width = chartWidth(this.element);
    const height = 260;
    const axis = 64;
    const top = 8;
    const plotW = width - axis - 4;
    const plotH = height - top - 20;
    const first = Math.min(...scopes.map((s) => s.scope));
    const last = Math.max(...scopes.map((s) => s.scope));
    const span = Math.max(1, last - first + 1);
    const top16 = Math.max(head, ...buffers.map((b) => b.offset + b.size), 1);
    const x = (scope: number) => axis + ((scope - first) / span) * plotW;
    const y = (offset: number) => top + plotH - (offset / top16) * plotH;
    const root = svg('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Arena plan: buffer offsets over the execution order' },
      svg('line', { x1: axis, y1: top, x2: axis, y2: top + plotH, class: 'axis' }),
      svg('line', { x1: axis, y1: top + plotH, x2: width - 4, y2: top + plotH, class: 'axis' }),
      svg('text', { x: axis - 6, y: top + 8, class: 'axis-label', 'text-anchor': 'end' }, formatBytes(top16)),
      svg('text', { x: axis - 6, y: top + plotH, class: 'axis-label', 'text-anchor': 'end' }, '0'));
    for (const b of buffers) {
      const x0 = x(b.firstUse);
      const x1 = x(b.lastUse + 1);
      const y0 = y(b.offset + b.size);
      const y1 = y(b.offset);
      const who = b.kind === 'tensor' ? `tensor ${b.tensorIndex} ${b.tensorName ?? ''}` : `scratch ${b.scratchIndex} of operator #${b.operatorIndex}`;
      root.append(svg('rect', { x: x0.toFixed(2), y: y0.toFixed(2), width: Math.max(1, x1 - x0 - 0.5).toFixed(2), height: Math.max(1, y1 - y0 - 0.5).toFixed(2),
        class: `buffer kind-${b.kind}${b.offline ? ' offline' : ''}` },
      svg('title', {}, `${who}: ${formatBytes(b.bytes)} at offset ${b.offset}, scopes ${b.firstUse}–${b.lastUse}`)));
    }
    return root;
  }
}
