/**
 * A sortable, filterable, paged table (plain <table>, styled from the theme). Only one page of rows is in the DOM,
 * so a model with thousands of tensors stays responsive. Headers are buttons (sort), rows are focusable when they
 * can be activated (Enter or click), and the filtered rows can be copied as Markdown or CSV.
 */
import { tableToCsv, tableToMarkdown } from './lib/table-text';
import { el, vscButton, type Child } from './dom';

export interface Column<R> {
  label: string;
  /** Plain text of the cell: what filtering, copying and (unless `sort` is given) sorting use. */
  text: (row: R) => string;
  /** Sort key when it differs from the text (numbers). */
  sort?: (row: R) => number | string;
  /** Rich cell content (links, details); defaults to the text. */
  render?: (row: R) => Child | Child[];
  numeric?: boolean;
  /** CSS class of the cells, e.g. `mono`. */
  className?: string;
}

export interface DataTableOptions<R> {
  id: string;
  caption: string;
  columns: Column<R>[];
  rows: R[];
  key: (row: R) => number;
  filterPlaceholder: string;
  pageSize?: number;
  onActivate?: (row: R) => void;
  onCopy: (format: 'markdown' | 'csv', text: string, rows: number) => void;
  /** Called after each render of the body (for the page's render report). */
  onRender?: () => void;
}

export class DataTable<R> {
  readonly element: HTMLElement;
  private filtered: R[];
  private page = 0;
  private sortColumn = -1;
  private sortDescending = false;
  private query = '';
  private selected?: number;
  private readonly pageSize: number;
  private readonly tbody = el('tbody');
  private readonly headRow = el('tr');
  private readonly pager = el('div', { class: 'pager' });
  private readonly status = el('span', { class: 'muted', 'aria-live': 'polite' });
  private readonly filterField: HTMLElement & { value?: string };

  constructor(private readonly opts: DataTableOptions<R>) {
    this.pageSize = opts.pageSize ?? 200;
    this.filtered = opts.rows;
    this.filterField = el('vscode-textfield', { placeholder: opts.filterPlaceholder, 'aria-label': opts.filterPlaceholder, class: 'filter' });
    this.filterField.addEventListener('input', () => this.setFilter(String(this.filterField.value ?? '')));
    const toolbar = el('div', { class: 'toolbar' },
      this.filterField,
      this.status,
      el('span', { class: 'spacer' }),
      vscButton('Copy as Markdown', () => this.copy('markdown'), { secondary: true, title: 'Copy the filtered rows as a Markdown table' }),
      vscButton('Copy as CSV', () => this.copy('csv'), { secondary: true, title: 'Copy the filtered rows as CSV' }),
    );
    opts.columns.forEach((c, i) => {
      const button = el('button', { type: 'button', class: 'sort' }, c.label);
      button.addEventListener('click', () => this.sortBy(i));
      this.headRow.append(el('th', { scope: 'col', class: c.numeric ? 'num' : '', 'aria-sort': 'none' }, button));
    });
    const table = el('table', { class: 'data', 'data-rows': opts.id },
      el('caption', { class: 'visually-hidden' }, opts.caption), el('thead', {}, this.headRow), this.tbody);
    this.element = el('section', { class: 'table-view' }, toolbar, el('div', { class: 'table-scroll' }, table), this.pager);
    this.renderBody();
  }

  /** Draws the shown page again: for cells whose data arrived after the table was built. */
  refresh(): void {
    this.renderBody();
  }

  get rowCount(): number {
    return this.filtered.length;
  }

  setFilter(query: string): void {
    this.query = query.trim().toLowerCase();
    if (String(this.filterField.value ?? '') !== query) this.filterField.value = query;
    this.applyFilter();
    this.page = 0;
    this.renderBody();
  }

  /** Shows the page holding this row, marks it selected and scrolls it into view. */
  select(key: number): void {
    this.selected = key;
    let at = this.filtered.findIndex((r) => this.opts.key(r) === key);
    if (at < 0 && this.query) { this.setFilter(''); at = this.filtered.findIndex((r) => this.opts.key(r) === key); }
    if (at >= 0) this.page = Math.floor(at / this.pageSize);
    this.renderBody();
    const row = this.tbody.querySelector<HTMLElement>(`tr[data-key="${key}"]`);
    row?.scrollIntoView({ block: 'center' });
    row?.focus({ preventScroll: true });
  }

  copy(format: 'markdown' | 'csv'): void {
    const headers = this.opts.columns.map((c) => c.label);
    const rows = this.filtered.map((r) => this.opts.columns.map((c) => c.text(r)));
    this.opts.onCopy(format, format === 'csv' ? tableToCsv(headers, rows) : tableToMarkdown(headers, rows), rows.length);
  }

  private applyFilter(): void {
    const q = this.query;
    let rows = q ? this.opts.rows.filter((r) => this.opts.columns.some((c) => c.text(r).toLowerCase().includes(q))) : this.opts.rows;
    if (this.sortColumn >= 0) {
      const c = this.opts.columns[this.sortColumn]!;
      const key = c.sort ?? c.text;
      const dir = this.sortDescending ? -1 : 1;
      rows = [...rows].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return dir * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true }));
      });
    }
    this.filtered = rows;
  }

  private sortBy(column: number): void {
    this.sortDescending = this.sortColumn === column ? !this.sortDescending : false;
    this.sortColumn = column;
    [...this.headRow.children].forEach((th, i) =>
      th.setAttribute('aria-sort', i === column ? (this.sortDescending ? 'descending' : 'ascending') : 'none'));
    this.applyFilter();
    this.renderBody();
  }

  private renderBody(): void {
    const pages = Math.max(1, Math.ceil(this.filtered.length / this.pageSize));
    this.page = Math.min(this.page, pages - 1);
    const start = this.page * this.pageSize;
    const slice = this.filtered.slice(start, start + this.pageSize);
    const activate = this.opts.onActivate;
    this.tbody.replaceChildren(...slice.map((r) => {
      const key = this.opts.key(r);
      const tr = el('tr', { 'data-key': String(key), ...(activate ? { tabindex: '0' } : {}), ...(key === this.selected ? { class: 'selected' } : {}) },
        ...this.opts.columns.map((c) => {
          const content = c.render ? c.render(r) : c.text(r);
          const cls = [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim();
          return el('td', cls ? { class: cls } : {}, ...(Array.isArray(content) ? content : [content]));
        }));
      if (activate) {
        tr.addEventListener('click', () => activate(r));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === tr) activate(r); });
      }
      return tr;
    }));
    const total = this.opts.rows.length;
    this.status.textContent = this.filtered.length === total ? `${total} rows` : `${this.filtered.length} of ${total} rows`;
    this.pager.replaceChildren();
    if (pages > 1) {
      const prev = vscButton('Previous', () => { this.page--; this.renderBody(); }, { secondary: true });
      const next = vscButton('Next', () => { this.page++; this.renderBody(); }, { secondary: true });
      if (this.page === 0) prev.setAttribute('disabled', '');
      if (this.page === pages - 1) next.setAttribute('disabled', '');
      this.pager.append(prev, el('span', { class: 'muted' }, `Rows ${start + 1}–${start + slice.length} of ${this.filtered.length} · page ${this.page + 1} of ${pages}`), next);
    }
    this.opts.onRender?.();
  }
}
