/**
 * The overview's Fit section: will the model run on the editor's board (status-bar item, `tinyml.fit.board`), and
 * how fast? Bars of RAM and flash against the board's budget, the latency range, what would help when it does not
 * fit, and the assumptions behind every figure (all from core/fit, as `tinyml fit` prints them).
 */
import { formatBytes, formatCount, formatMs } from '../../src/core/common/format';
import type { FitUnavailable, FitView } from '../../src/protocol/inspector';
import { el, linkButton, svg } from '../dom';

const BAR_WIDTH = 280;

/** Used against budget; the fill turns to the error colour past the budget (clipped at the track's end). */
function budgetBar(used: number, budget: number, ok: boolean, label: string): SVGSVGElement {
  const fraction = budget > 0 ? Math.min(1, used / budget) : 1;
  return svg('svg', { class: 'fit-bar', width: BAR_WIDTH, height: 12, role: 'img', 'aria-label': label },
    svg('rect', { x: 0, y: 0, width: BAR_WIDTH, height: 12, rx: 2, class: 'hbar-track' }),
    svg('rect', { x: 0, y: 0, width: Math.max(2, fraction * BAR_WIDTH).toFixed(1), height: 12, rx: 2, class: ok ? 'hbar-fill' : 'fit-over' }));
}

function percent(used: number, budget: number): string {
  return budget > 0 ? `${Math.round((used / budget) * 100)}%` : '—';
}

function budgetRow(name: string, used: number, budget: number, ok: boolean, parts: { what: string; bytes: number }[], extra?: string): HTMLElement {
  const label = `${name}: ${formatBytes(used)} of ${formatBytes(budget)}`;
  return el('div', { class: 'fit-row', 'data-fit-row': name.toLowerCase() },
    el('span', { class: 'fit-name' }, name),
    budgetBar(used, budget, ok, label),
    el('span', { class: 'fit-figure' }, `${formatBytes(used)} of ${formatBytes(budget)} (${percent(used, budget)})`),
    el('span', { class: ok ? 'ok-text fit-verdict' : 'error-text fit-verdict' }, ok ? 'fits' : extra ?? 'does not fit'),
    el('span', { class: 'muted fit-parts', title: parts.map((p) => `${p.what}: ${formatCount(p.bytes)} bytes`).join('\n') },
      parts.filter((p) => p.bytes > 0).map((p) => `${p.what} ${formatBytes(p.bytes)}`).join(' + ')));
}

export class FitSection {
  readonly element = el('section', { class: 'fit', 'data-fit': '' });

  constructor(private readonly chooseBoard: () => void) {
    this.show(undefined);
  }

  /** `undefined`: not arrived yet. */
  show(fit: FitView | FitUnavailable | undefined): void {
    const change = linkButton('Change board…', this.chooseBoard, 'Choose the board to fit to (TinyML: Choose Board for Fit)');
    if (!fit) {
      this.element.replaceChildren(el('h2', {}, 'Fit'), el('p', { class: 'muted' }, el('vscode-progress-ring', { class: 'inline-ring' }), 'Estimating RAM, flash and latency on the board…'));
      return;
    }
    if (!('board' in fit)) {
      this.element.replaceChildren(el('h2', {}, 'Fit'), el('p', { class: 'muted' }, `No fit: ${fit.reason}. `, change));
      return;
    }
    const b = fit.board;
    const fits = fit.fitsRam && fit.fitsFlash;
    const [lo, hi] = fit.latencyRangeMs;
    const heading = el('h2', {}, `Fit on ${b.id}`, el('span', { class: fits ? 'ok-text fit-badge' : 'error-text fit-badge' }, fits ? '✓ fits' : '✗ does not fit'));
    const board = el('p', { class: 'muted fit-board' },
      `${b.name}: ${b.mcu}, ${b.core} ${b.clockMhz} MHz · ${fit.kernels} kernels · ${fit.origin.text}${b.fromUserFile ? ' (boards file)' : ''} · `, change);
    const regionNote = fit.arenaFitsRegion || fit.ramBytes > fit.ramBudgetBytes ? undefined : `arena ${formatBytes(fit.arenaBytes)} > largest region ${formatBytes(fit.largestRegionBytes)}`;
    const rows = el('div', { class: 'fit-rows' },
      budgetRow('RAM', fit.ramBytes, fit.ramBudgetBytes, fit.fitsRam, fit.ramParts, regionNote),
      budgetRow('Flash', fit.flashBytes, fit.flashBudgetBytes, fit.fitsFlash, fit.flashParts),
      el('div', { class: 'fit-row', 'data-fit-row': 'latency' },
        el('span', { class: 'fit-name' }, 'Latency'),
        el('span', { class: 'fit-latency' }, `≈ ${formatMs(fit.latencyMs)} ms`),
        el('span', { class: 'fit-figure' }, `range ${formatMs(lo)}–${formatMs(hi)} ms`),
        el('span', {}),
        el('span', { class: 'muted fit-parts' }, `one inference at ${b.clockMhz} MHz; per operator in the Operators tab`)));
    const help = fit.suggestions.length === 0 ? '' : el('div', { class: 'fit-help' },
      el('h4', {}, 'What would help'),
      el('ul', { 'data-rows': 'fit-suggestions' }, ...fit.suggestions.map((s) => el('li', {}, s))));
    const assumptions = el('details', { class: 'fit-assumptions' },
      el('summary', {}, `Assumptions (${fit.assumptions.length})`),
      el('ul', {}, ...fit.assumptions.map((a) => el('li', {}, a))),
      el('p', { class: 'muted' }, `Board data: ${b.source}`));
    this.element.replaceChildren(heading, board, rows, help, assumptions);
  }
}
