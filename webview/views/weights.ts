/**
 * Weights: pick a constant tensor, see its values' histogram and statistics (dequantized when quantized). Values are
 * summarised by the extension only when a tensor is picked; nothing is fetched before.
 */
import { formatBytes, formatCount, formatPercent, formatReal, formatShape } from '../../src/core/common/format';
import type { TensorRow } from '../../src/core/inspector/tables';
import type { WeightStats } from '../../src/protocol/inspector';
import { barChart } from '../charts';
import type { PageContext, PageView } from '../context';
import { DataTable } from '../data-table';
import { el } from '../dom';

export class WeightsView implements PageView {
  readonly element: HTMLElement;
  private readonly table: DataTable<TensorRow>;
  private readonly panel = el('section', { class: 'weights-panel', 'aria-live': 'polite' });
  private readonly results = new Map<number, WeightStats | string>();
  private current?: number;

  constructor(private readonly ctx: PageContext) {
    const constants = ctx.subgraph.tensors.filter((t) => t.constant);
    this.table = new DataTable<TensorRow>({
      id: 'constants', caption: 'Constant tensors', rows: constants, key: (r) => r.index, pageSize: 100,
      filterPlaceholder: 'Filter constant tensors',
      onCopy: (f, text, rows) => ctx.copy(f, text, rows),
      onActivate: (r) => this.select(r.index),
      columns: [
        { label: '#', text: (r) => String(r.index), sort: (r) => r.index, numeric: true },
        { label: 'Name', text: (r) => r.name, className: 'mono name' },
        { label: 'Type', text: (r) => r.type },
        { label: 'Shape', text: (r) => formatShape(r.shape), sort: (r) => r.bytes, className: 'mono shape' },
        { label: 'Bytes', text: (r) => formatBytes(r.bytes), sort: (r) => r.bytes, numeric: true },
      ],
    });
    this.panel.append(el('p', { class: 'muted' }, constants.length === 0
      ? 'This subgraph has no constant tensors.'
      : 'Select a constant tensor (click or Enter) to see the distribution of its values.'));
    this.element = el('div', { class: 'weights-view' }, this.table.element, this.panel);
  }

  get rowCount(): number { return this.table.rowCount; }

  select(index: number): void {
    this.current = index;
    this.table.select(index);
    const known = this.results.get(index);
    if (known !== undefined) { this.draw(known); return; }
    const t = this.ctx.subgraph.tensors[index];
    this.panel.replaceChildren(el('p', { class: 'muted' }, el('vscode-progress-ring', { class: 'inline-ring' }), `Reading the values of ${t?.name ?? `tensor ${index}`}…`));
    this.ctx.requestWeights(index);
  }

  received(tensor: number, result: WeightStats | string): void {
    this.results.set(tensor, result);
    if (tensor === this.current) this.draw(result);
  }

  private draw(result: WeightStats | string): void {
    if (typeof result === 'string') {
      this.panel.replaceChildren(el('p', { class: 'error-text' }, result));
      this.ctx.drawn('weights');
      return;
    }
    const s = result;
    const facts = el('dl', { class: 'facts', 'data-weights': String(s.tensor) });
    for (const [label, value] of [
      ['Values', formatCount(s.count)], ['Min', formatReal(s.min)], ['Max', formatReal(s.max)], ['Mean', formatReal(s.mean)],
      ['Std', formatReal(s.std)], ['Zeros', `${formatCount(s.zeros)} (${formatPercent(s.zeros, Math.max(1, s.count))})`],
    ] as const) {
      facts.append(el('div', { class: 'fact', 'data-stat': label.toLowerCase() }, el('dt', {}, label), el('dd', {}, value)));
    }
    const { edges, counts } = s.histogram;
    const width = Math.max(320, Math.min(720, this.panel.clientWidth - 8 || 560));
    const chart = barChart(counts.map((c, i) => ({ value: c, title: `${formatReal(edges[i]!)} … ${formatReal(edges[i + 1]!)}: ${formatCount(c)}` })),
      { width, height: 220, label: (v) => formatCount(v), ariaLabel: `Histogram of ${s.count} values of ${s.name}` });
    this.panel.replaceChildren(
      el('h3', { class: 'mono name' }, s.name),
      el('p', { class: 'muted' }, `${s.type}${s.dequantized ? `, dequantized with ${s.channels > 1 ? `${s.channels} per-channel scales` : 'its scale and zero point'}` : ''}`),
      facts, chart,
      el('div', { class: 'chart-axis' }, el('span', {}, formatReal(s.min)), el('span', {}, formatReal(s.max))));
    this.ctx.drawn('weights');
  }
}
