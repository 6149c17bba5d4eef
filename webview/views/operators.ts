/** Operators: every operator of the subgraph in execution order; its tensors link to the Tensors view. */
import { formatBytes, formatCount, formatMs } from '../../src/core/common/format';
import type { OperatorRow } from '../../src/core/inspector/tables';
import type { PageContext, PageView } from '../context';
import { DataTable } from '../data-table';
import { el, linkButton, type Child } from '../dom';

export function tensorLinks(ctx: PageContext, indices: readonly number[]): Child[] {
  const out: Child[] = [];
  indices.forEach((t, i) => {
    if (i > 0) out.push(', ');
    if (t < 0) { out.push(el('span', { class: 'muted' }, '—')); return; }
    const name = ctx.subgraph.tensors[t]?.name ?? '';
    out.push(linkButton(String(t), () => ctx.reveal({ view: 'tensors', subgraph: ctx.subgraph.index, index: t }), name || `tensor ${t}`));
  });
  return out;
}

export class OperatorsView implements PageView {
  readonly element: HTMLElement;
  private readonly table: DataTable<OperatorRow>;

  constructor(ctx: PageContext) {
    // Estimated on the fit's board (overview's Fit section); blank until the fit arrives.
    const latency = (r: OperatorRow): number | undefined => {
      const fit = ctx.fit;
      return fit && 'operatorMs' in fit ? fit.operatorMs[`${ctx.subgraph.index}:${r.index}`] : undefined;
    };
    const names = (ids: number[]) => ids.map((t) => (t < 0 ? '-' : `${t}`)).join(', ');
    this.table = new DataTable<OperatorRow>({
      id: 'operators', caption: 'Operators', rows: ctx.subgraph.operators, key: (r) => r.index,
      filterPlaceholder: 'Filter operators (opcode, option, tensor…)',
      onCopy: (f, text, rows) => ctx.copy(f, text, rows),
      onActivate: (r) => ctx.reveal({ view: 'graph', subgraph: ctx.subgraph.index, index: r.index }),
      columns: [
        { label: '#', text: (r) => String(r.index), sort: (r) => r.index, numeric: true },
        { label: 'Opcode', text: (r) => r.opcode, render: (r) => el('span', { class: `opcode cat-${r.category}` }, r.opcode), className: 'mono' },
        { label: 'Ver.', text: (r) => String(r.version), sort: (r) => r.version, numeric: true },
        { label: 'Inputs', text: (r) => names(r.inputs), render: (r) => tensorLinks(ctx, r.inputs), className: 'mono' },
        { label: 'Outputs', text: (r) => names(r.outputs), render: (r) => tensorLinks(ctx, r.outputs), className: 'mono' },
        { label: 'Activation', text: (r) => r.fusedActivation ?? '' },
        { label: 'Options', text: (r) => r.options, className: 'options' },
        { label: 'MACs', text: (r) => formatCount(r.macs), sort: (r) => r.macs, numeric: true },
        { label: 'Output', text: (r) => formatBytes(r.outputBytes), sort: (r) => r.outputBytes, numeric: true },
        {
          label: 'Latency (est.)', numeric: true, className: 'latency',
          text: (r) => { const ms = latency(r); return ms === undefined ? '' : `${formatMs(ms)} ms`; },
          sort: (r) => latency(r) ?? -1,
        },
      ],
    });
    this.element = this.table.element;
  }

  get rowCount(): number { return this.table.rowCount; }

  fitArrived(): void { this.table.refresh(); }

  select(index: number): void { this.table.select(index); }
  setFilter(text: string): void { this.table.setFilter(text); }
  copy(format: 'markdown' | 'csv'): void { this.table.copy(format); }
}
