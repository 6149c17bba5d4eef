/** Tensors: every tensor of the subgraph with its quantization; producers and consumers link to the Operators view. */
import { formatBytes, formatReal, formatShape } from '../../src/core/common/format';
import type { TensorRow } from '../../src/core/inspector/tables';
import type { PageContext, PageView } from '../context';
import { DataTable } from '../data-table';
import { el, linkButton, type Child } from '../dom';

function quantText(r: TensorRow): string {
  const q = r.quant;
  if (!q || q.channels === 0) return q?.min !== undefined ? `min ${formatReal(q.min)} · max ${formatReal(q.max ?? 0)}` : '';
  if (q.channels === 1) return `scale ${formatReal(q.scale)} · zp ${q.zeroPoint}`;
  const zp = q.zeroPointMin === q.zeroPointMax ? `zp ${q.zeroPointMin}` : `zp ${q.zeroPointMin}…${q.zeroPointMax}`;
  return `×${q.channels} (dim ${q.quantizedDimension}) ${zp}, scale ${formatReal(q.scaleMin)}…${formatReal(q.scaleMax)}`;
}

/** Per-channel parameters: the summary, and the full list fetched from the extension when expanded. */
function quantCell(ctx: PageContext, r: TensorRow): Child {
  const q = r.quant;
  if (!q || q.channels <= 1) return quantText(r);
  const list = el('ol', { class: 'channels', start: '0' }, el('li', { class: 'muted' }, 'Loading…'));
  const details = el('details', { 'data-tensor': String(r.index) }, el('summary', {}, quantText(r)), list);
  details.addEventListener('toggle', () => {
    if (details.open && !details.hasAttribute('data-loaded')) {
      details.setAttribute('data-loaded', '');
      ctx.requestChannels(r.index, (channels) => list.replaceChildren(...channels.scale.map((s, c) =>
        el('li', {}, `${formatReal(s)} · zp ${channels.zeroPoint[c] ?? channels.zeroPoint[0] ?? 0}`))));
    }
  });
  return details;
}

function opLinks(ctx: PageContext, ops: readonly number[]): Child[] {
  const out: Child[] = [];
  ops.forEach((o, i) => {
    if (i > 0) out.push(', ');
    const op = ctx.subgraph.operators[o];
    out.push(linkButton(`${o}`, () => ctx.reveal({ view: 'operators', subgraph: ctx.subgraph.index, index: o }), op ? `${o} ${op.opcode}` : undefined));
  });
  return out;
}

export class TensorsView implements PageView {
  readonly element: HTMLElement;
  private readonly table: DataTable<TensorRow>;

  constructor(ctx: PageContext) {
    // The signature column only when some tensor has a dynamic dimension: otherwise it repeats the shape.
    const dynamic = ctx.subgraph.tensors.some((t) => t.shapeSignature?.some((d, i) => d !== t.shape[i]));
    const kind = (r: TensorRow) => (r.variable ? 'variable' : r.constant ? 'constant' : 'activation');
    this.table = new DataTable<TensorRow>({
      id: 'tensors', caption: 'Tensors', rows: ctx.subgraph.tensors, key: (r) => r.index,
      filterPlaceholder: 'Filter tensors (name, type, shape…)',
      onCopy: (f, text, rows) => ctx.copy(f, text, rows),
      onActivate: (r) => { if (r.constant) ctx.reveal({ view: 'weights', subgraph: ctx.subgraph.index, index: r.index }); },
      columns: [
        { label: '#', text: (r) => String(r.index), sort: (r) => r.index, numeric: true },
        { label: 'Name', text: (r) => r.name, className: 'mono name' },
        { label: 'Type', text: (r) => r.type },
        { label: 'Shape', text: (r) => formatShape(r.shape), sort: (r) => r.bytes, className: 'mono shape' },
        ...(dynamic ? [{ label: 'Signature', text: (r: TensorRow) => (r.shapeSignature ? formatShape(r.shapeSignature) : ''), className: 'mono shape' }] : []),
        { label: 'Bytes', text: (r) => formatBytes(r.bytes), sort: (r) => r.bytes, numeric: true },
        { label: 'Kind', text: kind, render: (r) => r.constant
          ? linkButton('constant', () => ctx.reveal({ view: 'weights', subgraph: ctx.subgraph.index, index: r.index }), 'Show the values of this tensor')
          : kind(r) },
        { label: 'Quantization', text: quantText, render: (r) => quantCell(ctx, r), className: 'quant' },
        { label: 'Real range', text: (r) => (r.realRange ? `${formatReal(r.realRange[0])} … ${formatReal(r.realRange[1])}` : ''), className: 'mono range' },
        { label: 'Producer', text: (r) => (r.producer === undefined ? '' : String(r.producer)), render: (r) => (r.producer === undefined ? '' : opLinks(ctx, [r.producer])), className: 'mono' },
        { label: 'Consumers', text: (r) => r.consumers.join(', '), render: (r) => opLinks(ctx, r.consumers), className: 'mono' },
      ],
    });
    this.element = this.table.element;
  }

  get rowCount(): number { return this.table.rowCount; }

  select(index: number): void { this.table.select(index); }
  setFilter(text: string): void { this.table.setFilter(text); }
  copy(format: 'markdown' | 'csv'): void { this.table.copy(format); }
}
